// NN: the neural-network engine of sitscube, on OpenBLAS.
//
// Building and training a model:
//
//     var rng = RNG(seed: 42)                       // all randomness is seeded
//     Threads.set(2)                                // BLAS + engine loops
//     let model = Sequential([
//         TimeDistributed(Sequential([try Conv2D(9, 32, kernel: (3, 3), rng: &rng),
//                                     Activation(.relu, inPlace: true), BatchNorm(32),
//                                     try MaxPool2D(), Flatten()])),   // (B, T, 4·4·32)
//         LSTM(512, units: 64, rng: &rng),          // (B, 64)
//         Linear(64, 6, rng: &rng),                 // logits (B, 6)
//     ])
//     let opt = SGD(ParameterStore(model), learningRate: 1e-4, momentum: 0.9, decay: 3.3e-6)
//     for (x, labels) in batches {                  // x: (B, T, H, W, C) channels last
//         try classificationStep(model, opt, input: x, labels: labels)
//     }
//     model.setTraining(false)                      // dropout off, BN running stats
//     let classes = try model.forward(x).argmaxRows()
//     try model.saveSafetensors(to: url, metadata: ["classes": "…"])
//
// Layouts follow Keras: tensors are channels last (N, [T,] H, W, C); kernels are
// (k…, in, out); LSTM/GRU gates in Keras order. A training step by hand is
// `store.zeroGrad(); y = model.forward(x); loss = CrossEntropyLoss()(logits: y, labels:);
// model.backward(loss.grad); optimizer.step()`.

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
