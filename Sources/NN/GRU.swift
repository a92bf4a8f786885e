/// Gated recurrent unit (Cho et al. 2014) in the form Keras (`reset_after=True`,
/// its default) and PyTorch share, gate order (z, r, n):
///
///     z_t = σ(W_z x_t + b_xz + U_z h_{t−1} + b_hz)
///     r_t = σ(W_r x_t + b_xr + U_r h_{t−1} + b_hr)
///     n_t = tanh(W_n x_t + b_xn + r_t ⊙ (U_n h_{t−1} + b_hn))
///     h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t
///
/// Shapes: x (B, T, F) → (B, T, U) with `returnSequences`, else h_T (B, U).
/// kernel (F, 3U) Glorot-uniform, recurrentKernel (U, 3U) orthogonal, biases zero.
/// Seed 003 feeds the last hidden state to its classifier.
public final class GRU: Layer {
    public let inputSize: Int, units: Int
    public let returnSequences: Bool
    public let kernel: Parameter, recurrentKernel: Parameter, inputBias: Parameter, recurrentBias: Parameter
    private var x: Tensor?
    private var gates: Tensor?  // (B, T, 3U): input projections, then activated z, r, n
    private var hu: Tensor?  // (B, T, 3U): U·h_{t−1} + b_h
    private var h: Tensor?  // (B, T, U)
    private var last: Tensor?, dxg: Tensor?, dhu: Tensor?, dx: Tensor?, dhNext: Tensor?
    private var bt = (0, 0)

    public init(_ inputSize: Int, units: Int, returnSequences: Bool = false, rng: inout RNG) {
        self.inputSize = inputSize
        self.units = units
        self.returnSequences = returnSequences
        kernel = makeParameter([inputSize, 3 * units], .glorotUniform, fanIn: inputSize, fanOut: 3 * units, rng: &rng)
        recurrentKernel = makeParameter([units, 3 * units], .orthogonal, fanIn: units, fanOut: 3 * units, rng: &rng)
        inputBias = Parameter(Tensor(zeros: [3 * units]))
        recurrentBias = Parameter(Tensor(zeros: [3 * units]))
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == inputSize else {
            throw NNError.shapeMismatch(what: "GRU(\(inputSize)→\(units)) input (B, T, F)", expected: [-1, -1, inputSize], actual: x.shape)
        }
        let B = x.shape[0], T = x.shape[1], U = units, G = 3 * U
        let gates = Tensor.reuse(self.gates, [B, T, G]), hu = Tensor.reuse(self.hu, [B, T, G]), h = Tensor.reuse(self.h, [B, T, U])
        for r in 0..<(B * T) {
            (gates.ptr + r * G).update(from: inputBias.value.ptr, count: G)
            (hu.ptr + r * G).update(from: recurrentBias.value.ptr, count: G)
        }
        sgemm(m: B * T, n: G, k: inputSize, a: x.ptr, lda: inputSize, b: kernel.value.ptr, ldb: G, beta: 1, c: gates.ptr, ldc: G)
        let gp = gates.ptr, up = hu.ptr, hp = h.ptr
        for t in 0..<T {
            if t > 0 {
                sgemm(m: B, n: G, k: U, a: hp + (t - 1) * U, lda: T * U, b: recurrentKernel.value.ptr, ldb: G,
                      beta: 1, c: up + t * G, ldc: T * G)
            }
            for b in 0..<B {
                let a = gp + (b * T + t) * G, u = up + (b * T + t) * G, o = (b * T + t) * U
                for j in 0..<U {
                    let z = _sigmoid(a[j] + u[j]), r = _sigmoid(a[U + j] + u[U + j])
                    let n = _tanh(a[2 * U + j] + r * u[2 * U + j])
                    a[j] = z; a[U + j] = r; a[2 * U + j] = n
                    let hPrev: Float = t > 0 ? hp[o - U + j] : 0
                    hp[o + j] = z * hPrev + (1 - z) * n
                }
            }
        }
        self.x = x; self.gates = gates; self.hu = hu; self.h = h
        bt = (B, T)
        if returnSequences { return h }
        let last = Tensor.reuse(self.last, [B, U])
        for b in 0..<B { (last.ptr + b * U).update(from: hp + (b * T + T - 1) * U, count: U) }
        self.last = last
        return last
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x, let gates, let hu, let h else { preconditionFailure("GRU.backward before forward") }
        let (B, T) = bt, U = units, G = 3 * U
        precondition(dy.count == (returnSequences ? B * T * U : B * U), "GRU.backward: dy \(dy.shape)")
        let dxg = Tensor.reuse(self.dxg, [B, T, G]), dhu = Tensor.reuse(self.dhu, [B, T, G])
        let dhNext = Tensor.reuse(self.dhNext, [B, U])
        dhNext.zero()
        let gp = gates.ptr, up = hu.ptr, hp = h.ptr, dgp = dxg.ptr, dup = dhu.ptr, dyp = dy.ptr, dhn = dhNext.ptr
        for t in stride(from: T - 1, through: 0, by: -1) {
            for b in 0..<B {
                let a = gp + (b * T + t) * G, u = up + (b * T + t) * G, o = (b * T + t) * U
                let dg = dgp + (b * T + t) * G, du = dup + (b * T + t) * G
                let dyRow: UnsafeMutablePointer<Float>? = returnSequences ? dyp + o : (t == T - 1 ? dyp + b * U : nil)
                for j in 0..<U {
                    let z = a[j], r = a[U + j], n = a[2 * U + j]
                    let hPrev: Float = t > 0 ? hp[o - U + j] : 0
                    let dh = dhn[b * U + j] + (dyRow?[j] ?? 0)
                    let dan = dh * (1 - z) * (1 - n * n)
                    let daz = dh * (hPrev - n) * z * (1 - z)
                    let dar = dan * u[2 * U + j] * r * (1 - r)
                    dg[j] = daz; dg[U + j] = dar; dg[2 * U + j] = dan
                    du[j] = daz; du[U + j] = dar; du[2 * U + j] = dan * r
                    dhn[b * U + j] = dh * z  // direct path; the recurrent part is added below
                }
            }
            // dh_{t−1} += dhu_t·Uᵀ ; dU += h_{t−1}ᵀ·dhu_t
            sgemm(transB: true, m: B, n: U, k: G, a: dup + t * G, lda: T * G, b: recurrentKernel.value.ptr, ldb: G, beta: 1, c: dhn, ldc: U)
            if t > 0 {
                sgemm(transA: true, m: U, n: G, k: B, a: hp + (t - 1) * U, lda: T * U, b: dup + t * G, ldb: T * G,
                      beta: 1, c: recurrentKernel.grad.ptr, ldc: G)
            }
        }
        sumRows(dup, rows: B * T, cols: G, into: recurrentBias.grad.ptr)
        sumRows(dgp, rows: B * T, cols: G, into: inputBias.grad.ptr)
        sgemm(transA: true, m: inputSize, n: G, k: B * T, a: x.ptr, lda: inputSize, b: dgp, ldb: G, beta: 1, c: kernel.grad.ptr, ldc: G)
        let dx = Tensor.reuse(self.dx, x.shape)
        sgemm(transB: true, m: B * T, n: inputSize, k: G, a: dgp, lda: G, b: kernel.value.ptr, ldb: G, beta: 0, c: dx.ptr, ldc: inputSize)
        self.dxg = dxg; self.dhu = dhu; self.dhNext = dhNext; self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("kernel", kernel), ("recurrent_kernel", recurrentKernel), ("input_bias", inputBias), ("recurrent_bias", recurrentBias)]
    }
}
