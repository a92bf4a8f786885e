/// Fully connected layer: y = x·W + b over the last axis.
///
/// Shapes: x (…, in) → y (…, out); W (in, out) as a Keras `Dense` kernel; b (out).
/// All leading axes are treated as batch, so it applies per time step to (B, T, in).
public final class Linear: Layer {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var x: Tensor?
    private var y: Tensor?
    private var dx: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer = .glorotUniform, biasInit: Initializer = .zeros, rng: inout RNG) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = makeParameter([inFeatures, outFeatures], weightInit, fanIn: inFeatures, fanOut: outFeatures, rng: &rng)
        self.bias = bias ? makeParameter([outFeatures], biasInit, fanIn: inFeatures, fanOut: outFeatures, rng: &rng) : nil
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 1, x.shape.last == inFeatures else {
            throw NNError.shapeMismatch(what: "Linear(\(inFeatures)→\(outFeatures)) input", expected: [-1, inFeatures], actual: x.shape)
        }
        let rows = x.count / inFeatures
        var oshape = x.shape; oshape[oshape.count - 1] = outFeatures
        let y = Tensor.reuse(self.y, oshape)
        // y (rows, out) = b broadcast, then += x (rows, in) · W (in, out)
        if let b = bias {
            for r in 0..<rows { (y.ptr + r * outFeatures).update(from: b.value.ptr, count: outFeatures) }
        }
        sgemm(m: rows, n: outFeatures, k: inFeatures, a: x.ptr, lda: inFeatures, b: weight.value.ptr, ldb: outFeatures,
              beta: bias == nil ? 0 : 1, c: y.ptr, ldc: outFeatures)
        self.x = x
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x else { preconditionFailure("Linear.backward before forward") }
        precondition(dy.count == x.count / inFeatures * outFeatures, "Linear.backward: dy shape \(dy.shape)")
        let rows = x.count / inFeatures
        // dW (in, out) += xᵀ·dy
        sgemm(transA: true, m: inFeatures, n: outFeatures, k: rows, a: x.ptr, lda: inFeatures, b: dy.ptr, ldb: outFeatures,
              beta: 1, c: weight.grad.ptr, ldc: outFeatures)
        if let b = bias { sumRows(dy.ptr, rows: rows, cols: outFeatures, into: b.grad.ptr) }
        // dx (rows, in) = dy·Wᵀ
        let dx = Tensor.reuse(self.dx, x.shape)
        sgemm(transB: true, m: rows, n: inFeatures, k: outFeatures, a: dy.ptr, lda: outFeatures, b: weight.value.ptr, ldb: outFeatures,
              beta: 0, c: dx.ptr, ldc: inFeatures)
        self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// out[j] += Σ_r a[r, j]  (bias gradients).
func sumRows(_ a: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = a + r * cols
        for j in 0..<cols { out[j] += row[j] }
    }
}
