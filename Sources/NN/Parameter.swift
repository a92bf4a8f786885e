/// A learnable (or persistent, non-learnable) tensor of a layer, with its gradient.
///
/// Layers create their parameters as standalone tensors. A ``ParameterStore`` later
/// moves the trainable ones into one flat buffer (and their gradients into a second
/// one of the same layout), so that an optimizer step is a single loop.
public final class Parameter {
    public internal(set) var value: Tensor
    public internal(set) var grad: Tensor
    /// `false` for persistent state such as batch-norm running statistics: saved
    /// with the model, never touched by an optimizer.
    public let trainable: Bool

    public init(_ value: Tensor, trainable: Bool = true) {
        self.value = value
        self.grad = Tensor(zeros: trainable ? value.shape : [0])
        self.trainable = trainable
    }

    public var shape: [Int] { value.shape }
}

/// All trainable parameters of a model in one flat buffer, gradients in a second
/// buffer of the same layout.
///
/// Building the store copies current values in and re-points every parameter at its
/// window of the flat buffers, so layers keep working unchanged.
public final class ParameterStore {
    /// Named parameters in layout order (trainable and not).
    public let named: [(name: String, parameter: Parameter)]
    /// Number of trainable scalars.
    public let count: Int
    let values: Storage
    let grads: Storage

    /// Packs the trainable parameters of `model`.
    public init(_ model: Layer) {
        var seen = Set<ObjectIdentifier>()
        var named: [(String, Parameter)] = []
        for (n, p) in model.namedParameters where seen.insert(ObjectIdentifier(p)).inserted {
            named.append((n, p))
        }
        self.named = named
        let trainable = named.map(\.1).filter(\.trainable)
        let total = trainable.reduce(0) { $0 + $1.value.count }
        count = total
        values = Storage(capacity: total)
        grads = Storage(capacity: total)
        var off = 0
        for p in trainable {
            let n = p.value.count
            (values.ptr + off).update(from: p.value.ptr, count: n)
            (grads.ptr + off).update(from: p.grad.ptr, count: n)
            p.value = Tensor(shape: p.value.shape, storage: Storage(window: values, offset: off, count: n))
            p.grad = Tensor(shape: p.value.shape, storage: Storage(window: grads, offset: off, count: n))
            off += n
        }
    }

    /// Zeroes every gradient (call before each backward pass; gradients accumulate).
    public func zeroGrad() { grads.ptr.update(repeating: 0, count: count) }

    /// The flat parameter vector, as a tensor view of shape [count].
    public var flatValues: Tensor { Tensor(shape: [count], storage: values) }
    /// The flat gradient vector, as a tensor view of shape [count].
    public var flatGrads: Tensor { Tensor(shape: [count], storage: grads) }

    /// Global L2 norm of the gradient (accumulated in Double, in a fixed order).
    public func gradNorm() -> Float {
        var s = 0.0
        let g = grads.ptr
        for i in 0..<count { s += Double(g[i]) * Double(g[i]) }
        return Float(s.squareRoot())
    }

    /// Scales gradients so that their global norm is at most `maxNorm`
    /// (as `torch.nn.utils.clip_grad_norm_`). Returns the norm before clipping.
    @discardableResult
    public func clipGradNorm(_ maxNorm: Float) -> Float {
        let norm = gradNorm()
        if norm > maxNorm, norm > 0 {
            let s = maxNorm / (norm + 1e-6)
            let g = grads.ptr
            for i in 0..<count { g[i] *= s }
        }
        return norm
    }

    /// Clamps every gradient element to [-v, v] (Keras `clipvalue`).
    public func clipGradValue(_ v: Float) {
        let g = grads.ptr
        for i in 0..<count { g[i] = Swift.min(Swift.max(g[i], -v), v) }
    }
}
