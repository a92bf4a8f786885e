/// A differentiable building block with an explicit forward/backward pair (llm.c style).
///
/// - `forward` computes the output and keeps what `backward` needs.
/// - `backward` takes ∂L/∂output of the *last* forward call, **adds** parameter
///   gradients into each `Parameter.grad` (`+=`) and returns ∂L/∂input.
/// Returned tensors are the layer's own buffers, reused on the next call.
/// Shape errors a user can cause (wrong input shape) are thrown from `forward`.
public protocol Layer: AnyObject {
    func forward(_ x: Tensor) throws -> Tensor
    func backward(_ dy: Tensor) -> Tensor
    /// Parameters and persistent state, with names unique within this layer
    /// (containers prefix their children's names: `"3.weight"`).
    var namedParameters: [(String, Parameter)] { get }
    /// Switches training behaviour (dropout, batch-norm statistics) on or off.
    func setTraining(_ training: Bool)
}

extension Layer {
    public var namedParameters: [(String, Parameter)] { [] }
    public func setTraining(_ training: Bool) {}
    /// Trainable parameters only.
    public var parameters: [Parameter] { namedParameters.map(\.1).filter(\.trainable) }
    /// Number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    /// Zeroes the gradients of this layer's parameters.
    public func zeroGrad() { for p in parameters { p.grad.zero() } }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try forward(x) }
}

/// Layers applied one after another.
public final class Sequential: Layer {
    public let layers: [Layer]
    public let names: [String]

    /// Layers named by their index ("0", "1", …).
    public init(_ layers: [Layer]) {
        self.layers = layers
        names = layers.indices.map(String.init)
    }

    /// Layers with explicit names (used as safetensors prefixes).
    public init(named: [(String, Layer)]) {
        layers = named.map(\.1)
        names = named.map(\.0)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        var h = x
        for (i, l) in layers.enumerated() {
            do { h = try l.forward(h) } catch let NNError.shapeMismatch(what, e, a) {
                throw NNError.shapeMismatch(what: "layer \(names[i]): \(what)", expected: e, actual: a)
            }
        }
        return h
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        for l in layers.reversed() { g = l.backward(g) }
        return g
    }

    public var namedParameters: [(String, Parameter)] {
        zip(names, layers).flatMap { n, l in l.namedParameters.map { ("\(n).\($0.0)", $0.1) } }
    }

    public func setTraining(_ training: Bool) { for l in layers { l.setTraining(training) } }
}
