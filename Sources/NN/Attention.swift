/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017, §3.2) as
/// Keras's `MultiHeadAttention(num_heads, key_dim)` applied to (x, x):
///
///     Q = xW_q + b_q, K = xW_k + b_k, V = xW_v + b_v        (per head h: T × keyDim)
///     O_h = softmax(Q_h K_hᵀ / √keyDim) V_h
///     y = concat_h(O_h) W_o + b_o
///
/// Shapes: x (B, T, D) → y (B, T, D); W_q, W_k, W_v (D, heads·keyDim), W_o (heads·keyDim, D).
/// The CNN-MHSA of seed 000 §2.3.6 uses 4 heads on 128-dimensional features.
public final class MultiHeadSelfAttention: Layer {
    public let modelDim: Int, heads: Int, keyDim: Int
    public let query: Linear, key: Linear, value: Linear, output: Linear
    private var q: Tensor?, k: Tensor?, v: Tensor?  // copies of the projections (B, T, H·dk)
    private var attn: Tensor?  // (B, H, T, T)
    private var o: Tensor?, dq: Tensor?, dk: Tensor?, dv: Tensor?, dx: Tensor?
    private var bt = (0, 0)

    /// - Throws: ``NNError/invalidArgument`` for non-positive sizes.
    public init(modelDim: Int, heads: Int, keyDim: Int? = nil, rng: inout RNG) throws {
        guard modelDim >= 1, heads >= 1, (keyDim ?? 1) >= 1 else {
            throw NNError.invalidArgument("MultiHeadSelfAttention needs modelDim, heads and keyDim ≥ 1, got \(modelDim), \(heads), \(String(describing: keyDim))")
        }
        let kd = keyDim ?? Swift.max(1, modelDim / heads)
        self.modelDim = modelDim
        self.heads = heads
        self.keyDim = kd
        query = Linear(modelDim, heads * kd, rng: &rng)
        key = Linear(modelDim, heads * kd, rng: &rng)
        value = Linear(modelDim, heads * kd, rng: &rng)
        output = Linear(heads * kd, modelDim, rng: &rng)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == modelDim else {
            throw NNError.shapeMismatch(what: "MultiHeadSelfAttention(\(modelDim)) input (B, T, D)", expected: [-1, -1, modelDim], actual: x.shape)
        }
        let B = x.shape[0], T = x.shape[1], H = heads, dk = keyDim, I = H * dk
        // The Linear layers own their outputs; keep copies since each is used in backward.
        let q = Tensor.reuse(self.q, [B, T, I]), k = Tensor.reuse(self.k, [B, T, I]), v = Tensor.reuse(self.v, [B, T, I])
        try q.assign(from: try query.forward(x))
        try k.assign(from: try key.forward(x))
        try v.assign(from: try value.forward(x))
        let attn = Tensor.reuse(self.attn, [B, H, T, T]), o = Tensor.reuse(self.o, [B, T, I])
        let scale = 1 / Float(dk).squareRoot()
        let qp = q.ptr, kp = k.ptr, vp = v.ptr, ap = attn.ptr, op = o.ptr
        parallelFor(B) { b in
            for hh in 0..<H {
                let a = ap + (b * H + hh) * T * T
                for i in 0..<T {
                    let qi = qp + (b * T + i) * I + hh * dk
                    for j in 0..<T {
                        let kj = kp + (b * T + j) * I + hh * dk
                        var s: Float = 0
                        for d in 0..<dk { s += qi[d] * kj[d] }
                        a[i * T + j] = s * scale
                    }
                }
                softmaxRows(a, a, rows: T, cols: T)
                for i in 0..<T {
                    let oi = op + (b * T + i) * I + hh * dk
                    for d in 0..<dk { oi[d] = 0 }
                    for j in 0..<T {
                        let w = a[i * T + j], vj = vp + (b * T + j) * I + hh * dk
                        for d in 0..<dk { oi[d] += w * vj[d] }
                    }
                }
            }
        }
        self.q = q; self.k = k; self.v = v; self.attn = attn; self.o = o
        bt = (B, T)
        return try output.forward(o)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let q, let k, let v, let attn else { preconditionFailure("MultiHeadSelfAttention.backward before forward") }
        let (B, T) = bt, H = heads, dk = keyDim, I = H * dk
        let dO = output.backward(dy)  // (B, T, I)
        let dq = Tensor.reuse(self.dq, [B, T, I]), dkT = Tensor.reuse(self.dk, [B, T, I]), dv = Tensor.reuse(self.dv, [B, T, I])
        dq.zero(); dkT.zero(); dv.zero()
        let scale = 1 / Float(dk).squareRoot()
        let qp = q.ptr, kp = k.ptr, vp = v.ptr, ap = attn.ptr, gp = dO.ptr, dqp = dq.ptr, dkp = dkT.ptr, dvp = dv.ptr
        parallelFor(B) { b in
            var dA = [Float](repeating: 0, count: T * T)
            for hh in 0..<H {
                let a = ap + (b * H + hh) * T * T
                for i in 0..<T {
                    let gi = gp + (b * T + i) * I + hh * dk
                    for j in 0..<T {
                        let vj = vp + (b * T + j) * I + hh * dk, dvj = dvp + (b * T + j) * I + hh * dk
                        var s: Float = 0
                        let w = a[i * T + j]
                        for d in 0..<dk { s += gi[d] * vj[d]; dvj[d] += w * gi[d] }
                        dA[i * T + j] = s
                    }
                    // softmax backward, then the 1/√dk scale
                    var dot: Float = 0
                    for j in 0..<T { dot += dA[i * T + j] * a[i * T + j] }
                    for j in 0..<T { dA[i * T + j] = a[i * T + j] * (dA[i * T + j] - dot) * scale }
                }
                for i in 0..<T {
                    let qi = qp + (b * T + i) * I + hh * dk, dqi = dqp + (b * T + i) * I + hh * dk
                    for j in 0..<T {
                        let s = dA[i * T + j]
                        let kj = kp + (b * T + j) * I + hh * dk, dkj = dkp + (b * T + j) * I + hh * dk
                        for d in 0..<dk { dqi[d] += s * kj[d]; dkj[d] += s * qi[d] }
                    }
                }
            }
        }
        let dx = Tensor.reuse(self.dx, [B, T, modelDim])
        dx.ptr.update(from: query.backward(dq).ptr, count: dx.count)
        let gk = key.backward(dkT), gv = value.backward(dv)
        for i in 0..<dx.count { dx.ptr[i] += gk.ptr[i] + gv.ptr[i] }
        self.dq = dq; self.dk = dkT; self.dv = dv; self.dx = dx
        return dx
    }

    /// Attention weights of the last forward call, (B, heads, T, T).
    public var attentionWeights: Tensor? { attn }

    public var namedParameters: [(String, Parameter)] {
        [("query", query), ("key", key), ("value", value), ("output", output)].flatMap { n, l in
            l.namedParameters.map { ("\(n).\($0.0)", $0.1) }
        }
    }
}

/// Transformer encoder block, post-norm as in Vaswani et al. and the Keras
/// example the CNN-MHSA of seed 000 §2.3.6 follows:
///
///     a = LN₁(x + Dropout(MHSA(x)))
///     y = LN₂(a + Dropout(W₂·ReLU(W₁a + b₁) + b₂))
///
/// Shapes: x (B, T, D) → y (B, T, D); the feed-forward hidden size is `ffDim`.
public final class TransformerEncoderBlock: Layer {
    public let attention: MultiHeadSelfAttention
    public let norm1: LayerNorm, norm2: LayerNorm
    public let ff1: Linear, ff2: Linear
    private let act = Activation(.relu)
    private let drop1: Dropout, drop2: Dropout
    private var sum1: Tensor?, sum2: Tensor?, dx: Tensor?

    public init(modelDim: Int, heads: Int, ffDim: Int, dropout: Float = 0.1, keyDim: Int? = nil,
                epsilon: Float = 1e-6, rng: inout RNG) throws {
        attention = try MultiHeadSelfAttention(modelDim: modelDim, heads: heads, keyDim: keyDim, rng: &rng)
        ff1 = Linear(modelDim, ffDim, rng: &rng)
        ff2 = Linear(ffDim, modelDim, rng: &rng)
        norm1 = LayerNorm(modelDim, epsilon: epsilon)
        norm2 = LayerNorm(modelDim, epsilon: epsilon)
        drop1 = try Dropout(dropout, rng: &rng)
        drop2 = try Dropout(dropout, rng: &rng)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        let a = try drop1.forward(try attention.forward(x))
        let s1 = try add(x, a, into: sum1)
        sum1 = s1
        let h = try norm1.forward(s1)
        let f = try drop2.forward(try ff2.forward(try act.forward(try ff1.forward(h))))
        let s2 = try add(h, f, into: sum2)
        sum2 = s2
        return try norm2.forward(s2)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let ds2 = norm2.backward(dy)  // flows to h directly and through the FFN
        let dhF = ff1.backward(act.backward(ff2.backward(drop2.backward(ds2))))
        let dh = Tensor.reuse(dx, ds2.shape)
        for i in 0..<dh.count { dh.ptr[i] = ds2.ptr[i] + dhF.ptr[i] }
        let ds1 = norm1.backward(dh)  // flows to x directly and through attention
        let dxA = attention.backward(drop1.backward(ds1))
        let out = dh  // reuse: dh is no longer needed
        for i in 0..<out.count { out.ptr[i] = ds1.ptr[i] + dxA.ptr[i] }
        dx = out
        return out
    }

    public func setTraining(_ training: Bool) {
        drop1.setTraining(training)
        drop2.setTraining(training)
    }

    public var namedParameters: [(String, Parameter)] {
        let parts: [(String, Layer)] = [("attention", attention), ("norm1", norm1), ("ff1", ff1), ("ff2", ff2), ("norm2", norm2)]
        return parts.flatMap { n, l in l.namedParameters.map { ("\(n).\($0.0)", $0.1) } }
    }
}
