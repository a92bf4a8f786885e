/// Convolutional LSTM (Shi et al. 2015) with the optional peepholes of seed 004 eq. 1,
/// channels last, 'same' padding, stride 1, Keras gate order (i, f, c, o):
///
///     i_t = σ(W_xi ⋆ x_t + W_hi ⋆ h_{t−1} + w_ci ⊙ c_{t−1} + b_i)
///     f_t = σ(W_xf ⋆ x_t + W_hf ⋆ h_{t−1} + w_cf ⊙ c_{t−1} + b_f)
///     c_t = f_t ⊙ c_{t−1} + i_t ⊙ tanh(W_xc ⋆ x_t + W_hc ⋆ h_{t−1} + b_c)
///     o_t = σ(W_xo ⋆ x_t + W_ho ⋆ h_{t−1} + w_co ⊙ c_{t−1} + b_o)
///     h_t = o_t ⊙ tanh(c_t)
///
/// The output gate's peephole reads c_{t−1} as seed 004 writes it (Shi et al. use
/// c_t). Peephole weights are one per filter, shared over positions.
/// Shapes: x (B, T, H, W, C) → (B, T, H, W, F) with `returnSequences`, else
/// h_T (B, H, W, F). kernel (k, k, C, 4F), recurrentKernel (k, k, F, 4F) as Keras's
/// `ConvLSTM2D`; bias (4F) with forget bias 1. Each step runs one convolution over
/// the channel concatenation [x_t, h_{t−1}].
public final class ConvLSTM2D: Layer {
    public let inChannels: Int, filters: Int, kernelSize: (Int, Int)
    public let returnSequences: Bool
    public let kernel: Parameter, recurrentKernel: Parameter, bias: Parameter
    public let peepholes: (input: Parameter, forget: Parameter, output: Parameter)?
    private let ws = ConvWorkspace()
    private var combined: Tensor?, dCombined: Tensor?
    private var cat: Tensor?  // (T, B, H, W, C+F)
    private var gates: Tensor?, c: Tensor?, tc: Tensor?, h: Tensor?  // (T, B, H, W, ·)
    private var out: Tensor?, dz: Tensor?, dcat: Tensor?, dhNext: Tensor?, dcNext: Tensor?, dx: Tensor?
    private var dims = (b: 0, t: 0, h: 0, w: 0)

    public init(_ inChannels: Int, filters: Int, kernel: (Int, Int) = (3, 3), returnSequences: Bool = false,
                peepholes: Bool = false, rng: inout RNG) throws {
        guard kernel.0 >= 1, kernel.1 >= 1, inChannels >= 1, filters >= 1 else {
            throw NNError.invalidArgument("ConvLSTM2D needs kernel, channels and filters ≥ 1, got kernel \(kernel), \(inChannels)→\(filters)")
        }
        self.inChannels = inChannels
        self.filters = filters
        kernelSize = kernel
        self.returnSequences = returnSequences
        let rf = kernel.0 * kernel.1, G = 4 * filters
        self.kernel = makeParameter([kernel.0, kernel.1, inChannels, G], .glorotUniform, fanIn: rf * inChannels, fanOut: rf * G, rng: &rng)
        recurrentKernel = makeParameter([kernel.0, kernel.1, filters, G], .orthogonal, fanIn: rf * filters, fanOut: rf * G, rng: &rng)
        let b = Tensor(zeros: [G])
        for j in filters..<(2 * filters) { b[flat: j] = 1 }
        bias = Parameter(b)
        self.peepholes = peepholes
            ? (Parameter(Tensor(zeros: [filters])), Parameter(Tensor(zeros: [filters])), Parameter(Tensor(zeros: [filters]))) : nil
    }

    private var geometry: ConvGeometry {
        ConvGeometry(inSize: [1, dims.h, dims.w], kernel: [1, kernelSize.0, kernelSize.1], padding: .same,
                     cin: inChannels + filters, cout: 4 * filters)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 5, x.shape[4] == inChannels else {
            throw NNError.shapeMismatch(what: "ConvLSTM2D(\(inChannels)→\(filters)) input (B, T, H, W, C)", expected: [-1, -1, -1, -1, inChannels], actual: x.shape)
        }
        let B = x.shape[0], T = x.shape[1], H = x.shape[2], W = x.shape[3]
        dims = (B, T, H, W)
        let C = inChannels, F = filters, G = 4 * F, CF = C + F, P = H * W
        // Combined kernel (k, k, C+F, 4F): per tap, the C input rows then the F recurrent rows.
        let taps = kernelSize.0 * kernelSize.1
        let wc = Tensor.reuse(combined, [taps * CF, G])
        for p in 0..<taps {
            (wc.ptr + p * CF * G).update(from: kernel.value.ptr + p * C * G, count: C * G)
            (wc.ptr + (p * CF + C) * G).update(from: recurrentKernel.value.ptr + p * F * G, count: F * G)
        }
        combined = wc
        let cat = Tensor.reuse(self.cat, [T, B, H, W, CF])
        let gates = Tensor.reuse(self.gates, [T, B, H, W, G])
        let c = Tensor.reuse(self.c, [T, B, H, W, F]), tc = Tensor.reuse(self.tc, [T, B, H, W, F]), h = Tensor.reuse(self.h, [T, B, H, W, F])
        let g = geometry
        let xp = x.ptr, catp = cat.ptr, gp = gates.ptr, cp = c.ptr, tp = tc.ptr, hp = h.ptr
        let wi = peepholes?.input.value.ptr, wf = peepholes?.forget.value.ptr, wo = peepholes?.output.value.ptr
        let step = B * P  // pixels per time step
        for t in 0..<T {
            for b in 0..<B { for q in 0..<P {
                let dst = catp + ((t * B + b) * P + q) * CF
                dst.update(from: xp + ((b * T + t) * P + q) * C, count: C)
                if t > 0 { (dst + C).update(from: hp + ((t - 1) * step + b * P + q) * F, count: F) } else { (dst + C).update(repeating: 0, count: F) }
            } }
            convForward(g, batch: B, x: catp + t * step * CF, w: wc.ptr, b: bias.value.ptr, y: gp + t * step * G, ws: ws)
            for r in 0..<step {
                let z = gp + (t * step + r) * G, o = (t * step + r) * F
                for j in 0..<F {
                    let cPrev: Float = t > 0 ? cp[o - step * F + j] : 0
                    let i = _sigmoid(z[j] + (wi.map { $0[j] * cPrev } ?? 0))
                    let f = _sigmoid(z[F + j] + (wf.map { $0[j] * cPrev } ?? 0))
                    let y = _tanh(z[2 * F + j])
                    let og = _sigmoid(z[3 * F + j] + (wo.map { $0[j] * cPrev } ?? 0))
                    z[j] = i; z[F + j] = f; z[2 * F + j] = y; z[3 * F + j] = og
                    let ct = f * cPrev + i * y
                    cp[o + j] = ct
                    let th = _tanh(ct)
                    tp[o + j] = th
                    hp[o + j] = og * th
                }
            }
        }
        self.cat = cat; self.gates = gates; self.c = c; self.tc = tc; self.h = h
        // Back to batch-major.
        let y = Tensor.reuse(out, returnSequences ? [B, T, H, W, F] : [B, H, W, F])
        if returnSequences {
            for b in 0..<B { for t in 0..<T { (y.ptr + (b * T + t) * P * F).update(from: hp + (t * B + b) * P * F, count: P * F) } }
        } else {
            y.ptr.update(from: hp + (T - 1) * step * F, count: step * F)
        }
        out = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let cat, let gates, let c, let tc, let combined else { preconditionFailure("ConvLSTM2D.backward before forward") }
        let (B, T, H, W) = dims, C = inChannels, F = filters, G = 4 * F, CF = C + F, P = H * W, step = B * P
        precondition(dy.count == (returnSequences ? T : 1) * step * F, "ConvLSTM2D.backward: dy \(dy.shape)")
        let g = geometry
        let dz = Tensor.reuse(self.dz, [B, H, W, G]), dcat = Tensor.reuse(self.dcat, [B, H, W, CF])
        let dhNext = Tensor.reuse(self.dhNext, [B, H, W, F]), dcNext = Tensor.reuse(self.dcNext, [B, H, W, F])
        let dWc = Tensor.reuse(dCombined, combined.shape)
        dWc.zero(); dhNext.zero(); dcNext.zero()
        let dx = Tensor.reuse(self.dx, [B, T, H, W, C])
        let gp = gates.ptr, cp = c.ptr, tp = tc.ptr, dzp = dz.ptr, dyp = dy.ptr, dhn = dhNext.ptr, dcn = dcNext.ptr
        let wi = peepholes?.input.value.ptr, wf = peepholes?.forget.value.ptr, wo = peepholes?.output.value.ptr
        let gwi = peepholes?.input.grad.ptr, gwf = peepholes?.forget.grad.ptr, gwo = peepholes?.output.grad.ptr
        for t in stride(from: T - 1, through: 0, by: -1) {
            for r in 0..<step {
                let a = gp + (t * step + r) * G, d = dzp + r * G, o = (t * step + r) * F
                let (b, q) = (r / P, r % P)
                let dyRow: UnsafeMutablePointer<Float>? = returnSequences ? dyp + ((b * T + t) * P + q) * F : (t == T - 1 ? dyp + r * F : nil)
                for j in 0..<F {
                    let i = a[j], f = a[F + j], y = a[2 * F + j], og = a[3 * F + j]
                    let cPrev: Float = t > 0 ? cp[o - step * F + j] : 0
                    let dh = dhn[r * F + j] + (dyRow?[j] ?? 0)
                    let th = tp[o + j]
                    let dc = dcn[r * F + j] + dh * og * (1 - th * th)
                    let dzi = dc * y * i * (1 - i), dzf = dc * cPrev * f * (1 - f)
                    let dzo = dh * th * og * (1 - og)
                    d[j] = dzi; d[F + j] = dzf; d[2 * F + j] = dc * i * (1 - y * y); d[3 * F + j] = dzo
                    var dcp = dc * f
                    if let wi, let wf, let wo, let gwi, let gwf, let gwo {
                        dcp += dzi * wi[j] + dzf * wf[j] + dzo * wo[j]
                        gwi[j] += dzi * cPrev; gwf[j] += dzf * cPrev; gwo[j] += dzo * cPrev
                    }
                    dcn[r * F + j] = dcp
                }
            }
            convBackward(g, batch: B, x: cat.ptr + t * step * CF, w: combined.ptr, dy: dzp, dx: dcat.ptr,
                         dw: dWc.ptr, db: bias.grad.ptr, ws: ws)
            for b in 0..<B { for q in 0..<P {
                let src = dcat.ptr + (b * P + q) * CF
                (dx.ptr + ((b * T + t) * P + q) * C).update(from: src, count: C)
                (dhn + (b * P + q) * F).update(from: src + C, count: F)
            } }
        }
        let taps = kernelSize.0 * kernelSize.1
        for p in 0..<taps {
            let k = kernel.grad.ptr + p * C * G, rk = recurrentKernel.grad.ptr + p * F * G, src = dWc.ptr + p * CF * G
            for i in 0..<(C * G) { k[i] += src[i] }
            for i in 0..<(F * G) { rk[i] += src[C * G + i] }
        }
        self.dz = dz; self.dcat = dcat; self.dhNext = dhNext; self.dcNext = dcNext; self.dx = dx; dCombined = dWc
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        var p: [(String, Parameter)] = [("kernel", kernel), ("recurrent_kernel", recurrentKernel), ("bias", bias)]
        if let ph = peepholes { p += [("peephole_input", ph.input), ("peephole_forget", ph.forget), ("peephole_output", ph.output)] }
        return p
    }
}
