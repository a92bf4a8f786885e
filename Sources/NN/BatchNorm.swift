/// How running statistics are updated; the two libraries differ.
public enum BatchNormConvention: String, Codable {
    /// running ← momentum·running + (1−momentum)·batch, batch variance biased
    /// (Keras `BatchNormalization`, defaults momentum 0.99, ε 1e-3).
    case keras
    /// running ← (1−momentum)·running + momentum·batch, running variance unbiased
    /// (PyTorch `BatchNorm*d`, defaults momentum 0.1, ε 1e-5).
    case pytorch
}

/// Batch normalisation over the last (channel) axis; every other axis is batch,
/// so the same layer serves dense (N, C) and convolutional (N, H, W, C) inputs
/// (Ioffe & Szegedy 2015; seed 000 §2.3 uses it after every convolution).
///
/// Training normalises with the batch statistics (biased variance) and updates the
/// running ones; evaluation uses the running ones.
public final class BatchNorm: Layer {
    public let channels: Int
    public let momentum: Float, epsilon: Float
    public let convention: BatchNormConvention
    public let gamma: Parameter, beta: Parameter
    /// Non-trainable, saved with the model.
    public let runningMean: Parameter, runningVar: Parameter
    public private(set) var training = true
    private var xhat: Tensor?, y: Tensor?, dx: Tensor?
    private var invStd: [Float]
    private var usedBatchStats = true

    public init(_ channels: Int, momentum: Float? = nil, epsilon: Float? = nil, convention: BatchNormConvention = .keras) {
        self.channels = channels
        self.convention = convention
        self.momentum = momentum ?? (convention == .keras ? 0.99 : 0.1)
        self.epsilon = epsilon ?? (convention == .keras ? 1e-3 : 1e-5)
        gamma = Parameter(Tensor(repeating: 1, shape: [channels]))
        beta = Parameter(Tensor(zeros: [channels]))
        runningMean = Parameter(Tensor(zeros: [channels]), trainable: false)
        runningVar = Parameter(Tensor(repeating: 1, shape: [channels]), trainable: false)
        invStd = [Float](repeating: 1, count: channels)
    }

    public func setTraining(_ training: Bool) { self.training = training }

    public func forward(_ x: Tensor) throws -> Tensor {
        let c = channels
        guard x.rank >= 2, x.shape.last == c else {
            throw NNError.shapeMismatch(what: "BatchNorm(\(c)) input", expected: [-1, c], actual: x.shape)
        }
        let m = x.count / c
        let xhat = Tensor.reuse(self.xhat, x.shape), y = Tensor.reuse(self.y, x.shape)
        let xp = x.ptr, hp = xhat.ptr, yp = y.ptr, g = gamma.value.ptr, b = beta.value.ptr
        var mean = [Float](repeating: 0, count: c)
        usedBatchStats = training
        if training {
            var var_ = [Float](repeating: 0, count: c)
            channelMoments(xp, rows: m, cols: c, mean: &mean, variance: &var_)
            let rm = runningMean.value.ptr, rv = runningVar.value.ptr
            let unbias: Float = (convention == .pytorch && m > 1) ? Float(m) / Float(m - 1) : 1
            let keep = convention == .keras ? momentum : 1 - momentum
            for j in 0..<c {
                invStd[j] = 1 / (var_[j] + epsilon).squareRoot()
                rm[j] = keep * rm[j] + (1 - keep) * mean[j]
                rv[j] = keep * rv[j] + (1 - keep) * var_[j] * unbias
            }
        } else {
            let rm = runningMean.value.ptr, rv = runningVar.value.ptr
            for j in 0..<c { mean[j] = rm[j]; invStd[j] = 1 / (rv[j] + epsilon).squareRoot() }
        }
        mean.withUnsafeBufferPointer { mu in
            invStd.withUnsafeBufferPointer { inv in
                for r in 0..<m {
                    let o = r * c
                    for j in 0..<c {
                        let h = (xp[o + j] - mu[j]) * inv[j]
                        hp[o + j] = h
                        yp[o + j] = g[j] * h + b[j]
                    }
                }
            }
        }
        self.xhat = xhat
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat else { preconditionFailure("BatchNorm.backward before forward") }
        precondition(dy.count == xhat.count, "BatchNorm.backward: dy \(dy.shape)")
        let c = channels, m = xhat.count / c
        let dx = Tensor.reuse(self.dx, xhat.shape)
        let hp = xhat.ptr, gp = dy.ptr, dxp = dx.ptr, gam = gamma.value.ptr
        // Σ dy and Σ dy·x̂ per channel (Double accumulators: m reaches 10⁵–10⁶).
        var sdy = [Double](repeating: 0, count: c), sdyh = [Double](repeating: 0, count: c)
        var blockA = [Float](repeating: 0, count: c), blockB = [Float](repeating: 0, count: c)
        var r = 0
        while r < m {
            let end = Swift.min(m, r + 256)
            for j in 0..<c { blockA[j] = 0; blockB[j] = 0 }
            for q in r..<end { let o = q * c; for j in 0..<c { blockA[j] += gp[o + j]; blockB[j] += gp[o + j] * hp[o + j] } }
            for j in 0..<c { sdy[j] += Double(blockA[j]); sdyh[j] += Double(blockB[j]) }
            r = end
        }
        let dg = gamma.grad.ptr, db = beta.grad.ptr
        for j in 0..<c { dg[j] += Float(sdyh[j]); db[j] += Float(sdy[j]) }
        if usedBatchStats {
            // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))
            var a = [Float](repeating: 0, count: c), mdy = a, mdyh = a
            for j in 0..<c { a[j] = gam[j] * invStd[j]; mdy[j] = Float(sdy[j] / Double(m)); mdyh[j] = Float(sdyh[j] / Double(m)) }
            for q in 0..<m { let o = q * c; for j in 0..<c { dxp[o + j] = a[j] * (gp[o + j] - mdy[j] - hp[o + j] * mdyh[j]) } }
        } else {
            var a = [Float](repeating: 0, count: c)
            for j in 0..<c { a[j] = gam[j] * invStd[j] }
            for q in 0..<m { let o = q * c; for j in 0..<c { dxp[o + j] = a[j] * gp[o + j] } }
        }
        self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("gamma", gamma), ("beta", beta), ("running_mean", runningMean), ("running_var", runningVar)]
    }
}

/// Per-column mean and biased variance of a (rows, cols) matrix: two passes,
/// blocks of 256 rows summed in Float, blocks summed in Double.
func channelMoments(_ x: UnsafePointer<Float>, rows m: Int, cols c: Int, mean: inout [Float], variance: inout [Float]) {
    var acc = [Double](repeating: 0, count: c), blk = [Float](repeating: 0, count: c)
    var r = 0
    while r < m {
        let end = Swift.min(m, r + 256)
        for j in 0..<c { blk[j] = 0 }
        for q in r..<end { let o = q * c; for j in 0..<c { blk[j] += x[o + j] } }
        for j in 0..<c { acc[j] += Double(blk[j]) }
        r = end
    }
    for j in 0..<c { mean[j] = Float(acc[j] / Double(m)); acc[j] = 0 }
    r = 0
    while r < m {
        let end = Swift.min(m, r + 256)
        for j in 0..<c { blk[j] = 0 }
        for q in r..<end { let o = q * c; for j in 0..<c { let d = x[o + j] - mean[j]; blk[j] += d * d } }
        for j in 0..<c { acc[j] += Double(blk[j]) }
        r = end
    }
    for j in 0..<c { variance[j] = Float(acc[j] / Double(m)) }
}
