/// Long short-term memory over a sequence, Keras layout and gate order (i, f, c, o).
///
/// Ienco et al. (seed 001) eqs. 1–6, with y_t the candidate cell:
///
///     i_t = σ(W_i x_t + U_i h_{t−1} + b_i)      (1)
///     f_t = σ(W_f x_t + U_f h_{t−1} + b_f)      (2)
///     y_t = tanh(W_y x_t + U_y h_{t−1} + b_y)   (3)
///     c_t = i_t ⊙ y_t + f_t ⊙ c_{t−1}           (4)
///     o_t = σ(W_o x_t + U_o h_{t−1} + b_o)      (5)
///     h_t = o_t ⊙ tanh(c_t)                     (6)
///
/// Shapes: x (B, T, F) → (B, T, U) with `returnSequences`, else h_T (B, U).
/// kernel (F, 4U) Glorot-uniform, recurrentKernel (U, 4U) orthogonal, bias (4U)
/// zero except b_f = 1 (Keras `unit_forget_bias`). Initial states are zero.
public final class LSTM: Layer {
    public let inputSize: Int, units: Int
    public let returnSequences: Bool
    public let kernel: Parameter, recurrentKernel: Parameter, bias: Parameter
    private var x: Tensor?
    private var gates: Tensor?  // (B, T, 4U) activated i, f, y, o
    private var c: Tensor?, tc: Tensor?, h: Tensor?  // (B, T, U): c_t, tanh(c_t), h_t
    private var last: Tensor?, dz: Tensor?, dx: Tensor?, dhNext: Tensor?, dcNext: Tensor?
    private var bt = (0, 0)

    public init(_ inputSize: Int, units: Int, returnSequences: Bool = false, rng: inout RNG) {
        self.inputSize = inputSize
        self.units = units
        self.returnSequences = returnSequences
        kernel = makeParameter([inputSize, 4 * units], .glorotUniform, fanIn: inputSize, fanOut: 4 * units, rng: &rng)
        recurrentKernel = makeParameter([units, 4 * units], .orthogonal, fanIn: units, fanOut: 4 * units, rng: &rng)
        let b = Tensor(zeros: [4 * units])
        for j in units..<(2 * units) { b[flat: j] = 1 }
        bias = Parameter(b)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == inputSize else {
            throw NNError.shapeMismatch(what: "LSTM(\(inputSize)→\(units)) input (B, T, F)", expected: [-1, -1, inputSize], actual: x.shape)
        }
        let B = x.shape[0], T = x.shape[1], U = units, G = 4 * U
        let gates = Tensor.reuse(self.gates, [B, T, G])
        let c = Tensor.reuse(self.c, [B, T, U]), tc = Tensor.reuse(self.tc, [B, T, U]), h = Tensor.reuse(self.h, [B, T, U])
        // All input projections at once: (B·T, F)·(F, 4U) + b.
        for r in 0..<(B * T) { (gates.ptr + r * G).update(from: bias.value.ptr, count: G) }
        sgemm(m: B * T, n: G, k: inputSize, a: x.ptr, lda: inputSize, b: kernel.value.ptr, ldb: G, beta: 1, c: gates.ptr, ldc: G)
        let gp = gates.ptr, cp = c.ptr, tp = tc.ptr, hp = h.ptr
        for t in 0..<T {
            if t > 0 {  // += h_{t−1}·U, rows strided by T
                sgemm(m: B, n: G, k: U, a: hp + (t - 1) * U, lda: T * U, b: recurrentKernel.value.ptr, ldb: G,
                      beta: 1, c: gp + t * G, ldc: T * G)
            }
            for b in 0..<B {
                let z = gp + (b * T + t) * G, o = (b * T + t) * U
                for j in 0..<U {
                    let i = _sigmoid(z[j]), f = _sigmoid(z[U + j]), y = _tanh(z[2 * U + j]), og = _sigmoid(z[3 * U + j])
                    z[j] = i; z[U + j] = f; z[2 * U + j] = y; z[3 * U + j] = og
                    let cPrev: Float = t > 0 ? cp[o - U + j] : 0
                    let ct = i * y + f * cPrev
                    cp[o + j] = ct
                    let th = _tanh(ct)
                    tp[o + j] = th
                    hp[o + j] = og * th
                }
            }
        }
        self.x = x; self.gates = gates; self.c = c; self.tc = tc; self.h = h
        bt = (B, T)
        if returnSequences { return h }
        let last = Tensor.reuse(self.last, [B, U])
        for b in 0..<B { (last.ptr + b * U).update(from: hp + (b * T + T - 1) * U, count: U) }
        self.last = last
        return last
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x, let gates, let c, let tc, let h else { preconditionFailure("LSTM.backward before forward") }
        let (B, T) = bt, U = units, G = 4 * U
        precondition(dy.count == (returnSequences ? B * T * U : B * U), "LSTM.backward: dy \(dy.shape)")
        let dz = Tensor.reuse(self.dz, [B, T, G])
        let dhNext = Tensor.reuse(self.dhNext, [B, U]), dcNext = Tensor.reuse(self.dcNext, [B, U])
        dhNext.zero(); dcNext.zero()
        let gp = gates.ptr, cp = c.ptr, tp = tc.ptr, hp = h.ptr, zp = dz.ptr, dyp = dy.ptr, dhn = dhNext.ptr, dcn = dcNext.ptr
        for t in stride(from: T - 1, through: 0, by: -1) {
            for b in 0..<B {
                let a = gp + (b * T + t) * G, d = zp + (b * T + t) * G, o = (b * T + t) * U
                let dyRow: UnsafeMutablePointer<Float>? = returnSequences ? dyp + o : (t == T - 1 ? dyp + b * U : nil)
                for j in 0..<U {
                    let i = a[j], f = a[U + j], y = a[2 * U + j], og = a[3 * U + j]
                    let dh = dhn[b * U + j] + (dyRow?[j] ?? 0)
                    let th = tp[o + j]
                    let dc = dcn[b * U + j] + dh * og * (1 - th * th)
                    let cPrev: Float = t > 0 ? cp[o - U + j] : 0
                    d[j] = dc * y * i * (1 - i)
                    d[U + j] = dc * cPrev * f * (1 - f)
                    d[2 * U + j] = dc * i * (1 - y * y)
                    d[3 * U + j] = dh * th * og * (1 - og)
                    dcn[b * U + j] = dc * f
                }
            }
            // dh_{t−1} = dz_t·Uᵀ ; dU += h_{t−1}ᵀ·dz_t
            sgemm(transB: true, m: B, n: U, k: G, a: zp + t * G, lda: T * G, b: recurrentKernel.value.ptr, ldb: G, beta: 0, c: dhn, ldc: U)
            if t > 0 {
                sgemm(transA: true, m: U, n: G, k: B, a: hp + (t - 1) * U, lda: T * U, b: zp + t * G, ldb: T * G,
                      beta: 1, c: recurrentKernel.grad.ptr, ldc: G)
            }
        }
        // Input side for all steps at once.
        sgemm(transA: true, m: inputSize, n: G, k: B * T, a: x.ptr, lda: inputSize, b: zp, ldb: G, beta: 1, c: kernel.grad.ptr, ldc: G)
        sumRows(zp, rows: B * T, cols: G, into: bias.grad.ptr)
        let dx = Tensor.reuse(self.dx, x.shape)
        sgemm(transB: true, m: B * T, n: inputSize, k: G, a: zp, lda: G, b: kernel.value.ptr, ldb: G, beta: 0, c: dx.ptr, ldc: inputSize)
        self.dz = dz; self.dhNext = dhNext; self.dcNext = dcNext; self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("kernel", kernel), ("recurrent_kernel", recurrentKernel), ("bias", bias)]
    }
}
