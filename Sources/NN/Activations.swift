/// Elementwise non-linearities.
public enum ActivationKind: String, Codable {
    case identity, relu, tanh, sigmoid
    /// Exact GELU, x·Φ(x) with the error function (PyTorch and Keras default).
    case gelu
}

/// An elementwise activation layer; any input shape.
///
/// With `inPlace` (ReLU, tanh, sigmoid; as PyTorch's `inplace=True`) the output
/// overwrites the input's buffer and the input gradient overwrites dy's buffer,
/// saving two activation-sized buffers. Use it only where the producer of x does
/// not need its output in backward (a convolution, a linear layer or batch norm),
/// and never on a tensor you still need.
public final class Activation: Layer {
    public let kind: ActivationKind
    public let inPlace: Bool
    private var x: Tensor?
    private var y: Tensor?
    private var dx: Tensor?

    public init(_ kind: ActivationKind, inPlace: Bool = false) {
        self.kind = kind
        self.inPlace = inPlace && kind != .gelu  // GELU's gradient needs x
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        let y = inPlace ? x : Tensor.reuse(self.y, x.shape)
        Activation.apply(kind, x.ptr, y.ptr, x.count)
        self.x = x
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x, let y else { preconditionFailure("Activation.backward before forward") }
        precondition(dy.count == y.count, "Activation.backward: dy shape \(dy.shape) ≠ \(y.shape)")
        let dx = Tensor.reuse(self.dx, x.shape)
        Activation.gradient(kind, x: x.ptr, y: y.ptr, dy: dy.ptr, dx: dx.ptr, x.count)
        self.dx = dx
        return dx
    }

    static func apply(_ kind: ActivationKind, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch kind {
        case .identity: y.update(from: x, count: n)
        case .relu: parallelChunks(n) { lo, hi in for i in lo..<hi { y[i] = Swift.max(x[i], 0) } }
        case .tanh: for i in 0..<n { y[i] = _tanh(x[i]) }
        case .sigmoid: for i in 0..<n { y[i] = _sigmoid(x[i]) }
        case .gelu: for i in 0..<n { y[i] = 0.5 * x[i] * (1 + _erf(x[i] * 0.70710678)) }
        }
    }

    /// dx = dy · f′(x), written (not accumulated).
    static func gradient(_ kind: ActivationKind, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                         dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, _ n: Int) {
        switch kind {
        case .identity: dx.update(from: dy, count: n)
        case .relu: parallelChunks(n) { lo, hi in for i in lo..<hi { dx[i] = y[i] > 0 ? dy[i] : 0 } }
        case .tanh: for i in 0..<n { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        case .sigmoid: for i in 0..<n { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .gelu:
            for i in 0..<n {
                let v = x[i]
                let cdf = 0.5 * (1 + _erf(v * 0.70710678))
                let pdf = 0.39894228 * _exp(-0.5 * v * v)
                dx[i] = dy[i] * (cdf + v * pdf)
            }
        }
    }
}

/// Softmax over the last axis.
public final class Softmax: Layer {
    private var y: Tensor?
    private var dx: Tensor?
    public init() {}

    public func forward(_ x: Tensor) throws -> Tensor {
        guard let c = x.shape.last, c > 0 else {
            throw NNError.shapeMismatch(what: "Softmax input", expected: [-1, 1], actual: x.shape)
        }
        let y = Tensor.reuse(self.y, x.shape)
        softmaxRows(x.ptr, y.ptr, rows: x.count / c, cols: c)
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y, let c = y.shape.last else { preconditionFailure("Softmax.backward before forward") }
        let dx = Tensor.reuse(self.dx, y.shape)
        // dx = y ⊙ (dy − Σ dy⊙y)
        for r in 0..<(y.count / c) {
            let yr = y.ptr + r * c, gr = dy.ptr + r * c, xr = dx.ptr + r * c
            var s: Float = 0
            for j in 0..<c { s += yr[j] * gr[j] }
            for j in 0..<c { xr[j] = yr[j] * (gr[j] - s) }
        }
        self.dx = dx
        return dx
    }
}

/// Numerically stable row softmax.
func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
    for r in 0..<rows {
        let xr = x + r * cols, yr = y + r * cols
        var m = -Float.infinity
        for j in 0..<cols { m = Swift.max(m, xr[j]) }
        var s: Float = 0
        for j in 0..<cols { let e = _exp(xr[j] - m); yr[j] = e; s += e }
        let inv = 1 / s
        for j in 0..<cols { yr[j] *= inv }
    }
}
