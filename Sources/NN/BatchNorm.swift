import Dispatch

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
    // backward recomputes x̂ = (x − μ)·invStd from the input, as PyTorch does,
    // instead of keeping an activation-sized x̂ buffer.
    private var x: Tensor?, y: Tensor?, dx: Tensor?
    private var mean: [Float], invStd: [Float]
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
        mean = [Float](repeating: 0, count: channels)
        invStd = [Float](repeating: 1, count: channels)
    }

    public func setTraining(_ training: Bool) { self.training = training }

    public func forward(_ x: Tensor) throws -> Tensor {
        let c = channels
        guard x.rank >= 2, x.shape.last == c else {
            throw NNError.shapeMismatch(what: "BatchNorm(\(c)) input", expected: [-1, c], actual: x.shape)
        }
        let m = x.count / c
        let y = Tensor.reuse(self.y, x.shape)
        let xp = x.ptr, rm = runningMean.value.ptr, rv = runningVar.value.ptr
        usedBatchStats = training
        if training {
            let sum = columnReduce(rows: m, cols: c) { r, acc in let row = xp + r * c; for j in 0..<c { acc[j] += row[j] } }
            for j in 0..<c { mean[j] = Float(sum[j] / Double(m)) }
            let sq = mean.withUnsafeBufferPointer { mu in
                columnReduce(rows: m, cols: c) { r, acc in
                    let row = xp + r * c
                    for j in 0..<c { let d = row[j] - mu[j]; acc[j] += d * d }
                }
            }
            let unbias: Double = (convention == .pytorch && m > 1) ? Double(m) / Double(m - 1) : 1
            let keep = convention == .keras ? momentum : 1 - momentum
            for j in 0..<c {
                let v = Float(sq[j] / Double(m))
                invStd[j] = 1 / (v + epsilon).squareRoot()
                rm[j] = keep * rm[j] + (1 - keep) * mean[j]
                rv[j] = keep * rv[j] + (1 - keep) * Float(Double(v) * unbias)
            }
        } else {
            for j in 0..<c { mean[j] = rm[j]; invStd[j] = 1 / (rv[j] + epsilon).squareRoot() }
        }
        // y = x·scale + shift, scale = γ·invStd, shift = β − μ·scale
        let g = gamma.value.ptr, b = beta.value.ptr
        var scale = [Float](repeating: 0, count: c), shift = scale
        for j in 0..<c { scale[j] = g[j] * invStd[j]; shift[j] = b[j] - mean[j] * scale[j] }
        affineRows(x, y, rows: m, cols: c, scale, shift)
        self.x = x
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x else { preconditionFailure("BatchNorm.backward before forward") }
        precondition(dy.count == x.count, "BatchNorm.backward: dy \(dy.shape)")
        let c = channels, m = x.count / c
        let dx = Tensor.reuse(self.dx, x.shape)
        let xp = x.ptr, gp = dy.ptr, gam = gamma.value.ptr
        // Σ dy and Σ dy·x per channel; Σ dy·x̂ = invStd·(Σ dy·x − μ·Σ dy).
        let sdy = columnReduce(rows: m, cols: c) { r, acc in let row = gp + r * c; for j in 0..<c { acc[j] += row[j] } }
        let mu0 = mean  // centre before multiplying, for accuracy
        let sdyx = mu0.withUnsafeBufferPointer { mu in
            columnReduce(rows: m, cols: c) { r, acc in
                let gr = gp + r * c, xr = xp + r * c
                for j in 0..<c { acc[j] += gr[j] * (xr[j] - mu[j]) }
            }
        }
        let dg = gamma.grad.ptr, db = beta.grad.ptr
        var k1 = [Float](repeating: 0, count: c), k0 = k1, a = k1
        for j in 0..<c {
            let inv = Double(invStd[j])
            let sdyh = inv * sdyx[j]
            dg[j] += Float(sdyh)
            db[j] += Float(sdy[j])
            a[j] = gam[j] * invStd[j]
            if usedBatchStats {
                // dx = a·(dy − mean(dy) − x̂·mean(dy·x̂)) = a·dy + k1·x + k0
                let mdy = sdy[j] / Double(m), mdyh = sdyh / Double(m)
                k1[j] = Float(-Double(a[j]) * inv * mdyh)
                k0[j] = Float(-Double(a[j]) * mdy + Double(a[j]) * inv * mdyh * Double(mean[j]))
            }
        }
        let dxp = dx.ptr
        a.withUnsafeBufferPointer { a in k1.withUnsafeBufferPointer { k1 in k0.withUnsafeBufferPointer { k0 in
            parallelChunks(m * c) { lo, hi in
                for r in (lo / c)..<(hi / c) {
                    let o = r * c
                    for j in 0..<c { dxp[o + j] = a[j] * gp[o + j] + k1[j] * xp[o + j] + k0[j] }
                }
            }
        } } }
        self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("gamma", gamma), ("beta", beta), ("running_mean", runningMean), ("running_var", runningVar)]
    }
}

/// y[r, j] = x[r, j]·scale[j] + shift[j], split over threads by rows.
func affineRows(_ x: Tensor, _ y: Tensor, rows m: Int, cols c: Int, _ scale: [Float], _ shift: [Float]) {
    let xp = x.ptr, yp = y.ptr
    scale.withUnsafeBufferPointer { s in shift.withUnsafeBufferPointer { b in
        parallelChunks(m * c) { lo, hi in
            for r in (lo / c)..<(hi / c) {
                let o = r * c
                for j in 0..<c { yp[o + j] = xp[o + j] * s[j] + b[j] }
            }
        }
    } }
}

/// Per-column sums of a row function over rows 0..<m: each thread takes a fixed
/// block of rows, sums 256-row blocks in Float and blocks in Double; partial results
/// are added in thread order, so the result depends only on the thread count.
func columnReduce(rows m: Int, cols c: Int, _ rowBody: (Int, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
    let t = m * c >= (1 << 16) ? Swift.max(1, Swift.min(Threads.count, m)) : 1
    let partial = UnsafeMutablePointer<Double>.allocate(capacity: t * c)
    partial.initialize(repeating: 0, count: t * c)
    defer { partial.deallocate() }
    DispatchQueue.concurrentPerform(iterations: t) { part in
        let lo = m * part / t, hi = m * (part + 1) / t
        let blk = UnsafeMutablePointer<Float>.allocate(capacity: c)
        defer { blk.deallocate() }
        let acc = partial + part * c
        var r = lo
        while r < hi {
            let end = Swift.min(hi, r + 256)
            blk.update(repeating: 0, count: c)
            for q in r..<end { rowBody(q, blk) }
            for j in 0..<c { acc[j] += Double(blk[j]) }
            r = end
        }
    }
    var out = [Double](repeating: 0, count: c)
    for p in 0..<t { for j in 0..<c { out[j] += partial[p * c + j] } }
    return out
}
