/// Transposed 2-D convolution (the U-Net's up-sampling, seed 004 §II), channels last.
///
/// Each input pixel scatters kernel·x into a (kh, kw) window of the output at
/// stride s. Output size: 'valid' (H−1)·s + k; 'same' H·s, cropping
/// max(k − s, 0)/2 rows/columns at the top/left as TensorFlow does.
/// Shapes: x (N, H, W, cin) → y (N, OH, OW, cout); kernel (kh, kw, cout, cin) as a
/// Keras `Conv2DTranspose` kernel; bias (cout).
/// Implementation: cols = x·Wᵀ with one sgemm, then a col2im scatter.
public final class ConvTranspose2D: Layer {
    public let inChannels: Int, outChannels: Int
    public let kernel: (Int, Int), stride: (Int, Int)
    public let padding: Padding
    public let weight: Parameter
    public let bias: Parameter?
    private var x: Tensor?, y: Tensor?, dx: Tensor?, cols: Tensor?
    private var geom = Geometry(h: 0, w: 0, oh: 0, ow: 0, padH: 0, padW: 0)

    struct Geometry { var h, w, oh, ow, padH, padW: Int }

    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (2, 2),
                padding: Padding = .same, bias: Bool = true, weightInit: Initializer = .glorotUniform,
                biasInit: Initializer = .zeros, rng: inout RNG) throws {
        guard kernel.0 >= 1, kernel.1 >= 1, stride.0 >= 1, stride.1 >= 1, inChannels >= 1, outChannels >= 1 else {
            throw NNError.invalidArgument("ConvTranspose2D needs kernel, stride and channels ≥ 1, got kernel \(kernel), stride \(stride)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        let rf = kernel.0 * kernel.1
        // Keras computes fans from the kernel shape (kh, kw, cout, cin).
        weight = makeParameter([kernel.0, kernel.1, outChannels, inChannels], weightInit,
                               fanIn: rf * outChannels, fanOut: rf * inChannels, rng: &rng)
        self.bias = bias ? makeParameter([outChannels], biasInit, fanIn: rf * outChannels, fanOut: rf * inChannels, rng: &rng) : nil
    }

    func geometry(h: Int, w: Int) -> Geometry {
        switch padding {
        case .valid:
            return Geometry(h: h, w: w, oh: (h - 1) * stride.0 + kernel.0, ow: (w - 1) * stride.1 + kernel.1, padH: 0, padW: 0)
        case .same:
            return Geometry(h: h, w: w, oh: h * stride.0, ow: w * stride.1,
                            padH: Swift.max(kernel.0 - stride.0, 0) / 2, padW: Swift.max(kernel.1 - stride.1, 0) / 2)
        }
    }

    /// Visits every (input pixel, kernel tap) pair that lands inside the output:
    /// body(sample-relative input row, kernel-tap column offset, output offset).
    private func forEachTap(samples: Int, _ body: (Int, Int, Int) -> Void) {
        let g = geom, (kh, kw) = kernel, co = outChannels
        for s in 0..<samples { for ih in 0..<g.h { for iw in 0..<g.w {
            let row = (s * g.h + ih) * g.w + iw
            for a in 0..<kh {
                let oh = ih * stride.0 + a - g.padH
                guard oh >= 0, oh < g.oh else { continue }
                for b in 0..<kw {
                    let ow = iw * stride.1 + b - g.padW
                    guard ow >= 0, ow < g.ow else { continue }
                    body(row, (a * kw + b) * co, ((s * g.oh + oh) * g.ow + ow) * co)
                }
            }
        } } }
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[3] == inChannels else {
            throw NNError.shapeMismatch(what: "ConvTranspose2D(\(inChannels)→\(outChannels)) input", expected: [-1, -1, -1, inChannels], actual: x.shape)
        }
        let n = x.shape[0]
        geom = geometry(h: x.shape[1], w: x.shape[2])
        let g = geom, co = outChannels, kkc = kernel.0 * kernel.1 * co, rows = n * g.h * g.w
        let y = Tensor.reuse(self.y, [n, g.oh, g.ow, co])
        let cols = Tensor.reuse(self.cols, [rows, kkc])
        // cols (rows, kh·kw·cout) = x (rows, cin) · W(kh·kw·cout, cin)ᵀ
        sgemm(transB: true, m: rows, n: kkc, k: inChannels, a: x.ptr, lda: inChannels, b: weight.value.ptr, ldb: inChannels,
              beta: 0, c: cols.ptr, ldc: kkc)
        if let b = bias {
            for r in 0..<(n * g.oh * g.ow) { (y.ptr + r * co).update(from: b.value.ptr, count: co) }
        } else {
            y.zero()
        }
        let cp = cols.ptr, yp = y.ptr
        forEachTap(samples: n) { row, tap, out in
            let src = cp + row * kkc + tap
            for c in 0..<co { yp[out + c] += src[c] }
        }
        self.x = x; self.y = y; self.cols = cols
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x, let y, let cols else { preconditionFailure("ConvTranspose2D.backward before forward") }
        precondition(dy.count == y.count, "ConvTranspose2D.backward: dy \(dy.shape)")
        let n = x.shape[0], g = geom, co = outChannels, kkc = kernel.0 * kernel.1 * co, rows = n * g.h * g.w
        if let b = bias { sumRows(dy.ptr, rows: n * g.oh * g.ow, cols: co, into: b.grad.ptr) }
        // Gather dy back into the cols layout (taps outside the output get 0).
        let dcols = cols  // the forward cols are no longer needed
        dcols.zero()
        let dcp = dcols.ptr, gp = dy.ptr
        forEachTap(samples: n) { row, tap, out in
            (dcp + row * kkc + tap).update(from: gp + out, count: co)
        }
        // dW (kh·kw·cout, cin) += dcolsᵀ · x ; dx (rows, cin) = dcols · W
        sgemm(transA: true, m: kkc, n: inChannels, k: rows, a: dcp, lda: kkc, b: x.ptr, ldb: inChannels,
              beta: 1, c: weight.grad.ptr, ldc: inChannels)
        let dx = Tensor.reuse(self.dx, x.shape)
        sgemm(m: rows, n: inChannels, k: kkc, a: dcp, lda: kkc, b: weight.value.ptr, ldb: inChannels, beta: 0, c: dx.ptr, ldc: inChannels)
        self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
