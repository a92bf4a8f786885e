/// An optimizer updates every trainable parameter of a ``ParameterStore`` from its
/// gradient. State buffers share the store's flat layout, so a step is one loop.
public protocol Optimizer: AnyObject {
    var store: ParameterStore { get }
    /// Steps taken so far (Keras's `iterations`).
    var iterations: Int { get }
    /// Applies one update from the current gradients.
    func step()
}

/// Stochastic gradient descent with momentum, Nesterov momentum and Keras's
/// time-based decay, in the Keras form (seed 000 §2.3: lr 1e-4, momentum 0.9,
/// decay 3.3e-6):
///
///     lr_t = lr / (1 + decay·iterations)
///     v    = momentum·v − lr_t·g
///     p   += v                       (plain)
///     p   += momentum·v − lr_t·g     (Nesterov)
public final class SGD: Optimizer {
    public let store: ParameterStore
    public var learningRate: Float
    public let momentum: Float, decay: Float
    public let nesterov: Bool
    public private(set) var iterations = 0
    private let velocity: Storage

    public init(_ store: ParameterStore, learningRate: Float, momentum: Float = 0, nesterov: Bool = false, decay: Float = 0) {
        self.store = store
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.decay = decay
        velocity = Storage(capacity: store.count)
    }

    public var currentLearningRate: Float { learningRate / (1 + decay * Float(iterations)) }

    public func step() {
        let lr = currentLearningRate, m = momentum
        let p = store.values.ptr, g = store.grads.ptr, v = velocity.ptr
        if m == 0 {
            for i in 0..<store.count { p[i] -= lr * g[i] }
        } else if nesterov {
            for i in 0..<store.count { let vi = m * v[i] - lr * g[i]; v[i] = vi; p[i] += m * vi - lr * g[i] }
        } else {
            for i in 0..<store.count { let vi = m * v[i] - lr * g[i]; v[i] = vi; p[i] += vi }
        }
        iterations += 1
    }
}

/// Adam (Kingma & Ba 2015) in PyTorch's form, and AdamW when `weightDecay` > 0
/// (decoupled decay, Loshchilov & Hutter 2019; seed 003 uses lr 1e-3):
///
///     p   ← p·(1 − lr·wd)
///     m   = β₁m + (1−β₁)g,  v = β₂v + (1−β₂)g²
///     p  −= lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
public final class Adam: Optimizer {
    public let store: ParameterStore
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public private(set) var iterations = 0
    private let m: Storage, v: Storage

    public init(_ store: ParameterStore, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.store = store
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        m = Storage(capacity: store.count)
        v = Storage(capacity: store.count)
    }

    public func step() {
        iterations += 1
        let t = Double(iterations)
        let bc1 = Float(1 - _pow(Double(beta1), t)), bc2 = Float(1 - _pow(Double(beta2), t))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        let decayFactor = 1 - lr * weightDecay
        let p = store.values.ptr, g = store.grads.ptr, mp = m.ptr, vp = v.ptr
        let invSqrtBc2 = 1 / bc2.squareRoot(), stepSize = lr / bc1
        for i in 0..<store.count {
            let gi = g[i]
            mp[i] = b1 * mp[i] + (1 - b1) * gi
            vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
            p[i] = p[i] * decayFactor - stepSize * mp[i] / (vp[i].squareRoot() * invSqrtBc2 + eps)
        }
    }
}

/// RMSprop in the Keras form with time-based decay (seed 001: lr 5e-4, decay 5e-5):
///
///     lr_t = lr / (1 + decay·iterations)
///     a    = ρa + (1−ρ)g²
///     p   −= lr_t · g / (√a + ε)
public final class RMSprop: Optimizer {
    public let store: ParameterStore
    public var learningRate: Float
    public let rho: Float, epsilon: Float, decay: Float
    public private(set) var iterations = 0
    private let avg: Storage

    public init(_ store: ParameterStore, learningRate: Float = 1e-3, rho: Float = 0.9, epsilon: Float = 1e-7, decay: Float = 0) {
        self.store = store
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.decay = decay
        avg = Storage(capacity: store.count)
    }

    public func step() {
        let lr = learningRate / (1 + decay * Float(iterations)), r = rho, eps = epsilon
        let p = store.values.ptr, g = store.grads.ptr, a = avg.ptr
        for i in 0..<store.count {
            a[i] = r * a[i] + (1 - r) * g[i] * g[i]
            p[i] -= lr * g[i] / (a[i].squareRoot() + eps)
        }
        iterations += 1
    }
}

// MARK: Checkpoints

/// An optimizer's moving state (momentum, moment estimates, step count), so that a training
/// run stopped after an epoch and resumed from a checkpoint takes the very same next steps.
public protocol ResumableOptimizer: Optimizer {
    /// The base learning rate (a step schedule changes it between epochs).
    var learningRate: Float { get set }
    /// Named state buffers, each of the store's flat length.
    var stateBuffers: [(String, Tensor)] { get }
    /// Puts back buffers from ``stateBuffers`` and the step count.
    func restore(buffers: [String: Tensor], iterations: Int) throws
}

extension Storage {
    fileprivate func tensor(_ n: Int) -> Tensor {
        (try? Tensor(shape: [n], scalars: Array(UnsafeBufferPointer(start: ptr, count: n)))) ?? Tensor(zeros: [n])
    }

    fileprivate func fill(from buffers: [String: Tensor], _ name: String, count n: Int) throws {
        guard let t = buffers[name] else { throw NNError.missingTensor(name) }
        guard t.count == n else { throw NNError.shapeMismatch(what: "optimizer state '\(name)'", expected: [n], actual: t.shape) }
        ptr.update(from: t.ptr, count: n)
    }
}

extension SGD: ResumableOptimizer {
    public var stateBuffers: [(String, Tensor)] { [("velocity", velocity.tensor(store.count))] }
    public func restore(buffers: [String: Tensor], iterations: Int) throws {
        try velocity.fill(from: buffers, "velocity", count: store.count)
        self.iterations = iterations
    }
}

extension Adam: ResumableOptimizer {
    public var stateBuffers: [(String, Tensor)] { [("m", m.tensor(store.count)), ("v", v.tensor(store.count))] }
    public func restore(buffers: [String: Tensor], iterations: Int) throws {
        try m.fill(from: buffers, "m", count: store.count)
        try v.fill(from: buffers, "v", count: store.count)
        self.iterations = iterations
    }
}

extension RMSprop: ResumableOptimizer {
    public var stateBuffers: [(String, Tensor)] { [("avg", avg.tensor(store.count))] }
    public func restore(buffers: [String: Tensor], iterations: Int) throws {
        try avg.fill(from: buffers, "avg", count: store.count)
        self.iterations = iterations
    }
}
