/// Weight initialisers as Keras and PyTorch define them.
///
/// Fans follow Keras: for a kernel of shape (k…, in, out), fanIn = Πk·in and
/// fanOut = Πk·out; for a dense (in, out) kernel, fanIn = in, fanOut = out.
public enum Initializer: Equatable {
    /// U(−l, l), l = √(6/(fanIn+fanOut)). Keras's default for kernels.
    case glorotUniform
    /// N(0, 2/(fanIn+fanOut)).
    case glorotNormal
    /// U(−l, l), l = √(6/fanIn) (Keras `he_uniform`, PyTorch `kaiming_uniform_`).
    case heUniform
    /// N(0, 2/fanIn) (PyTorch `kaiming_normal_`; Keras truncates, we do not).
    case heNormal
    /// U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear/Conv weights and biases.
    case torchDefault
    /// A (semi-)orthogonal matrix over the (Π leading dims, last dim) flattening
    /// (Keras `orthogonal`, the default recurrent-kernel initialiser).
    case orthogonal
    case zeros
    case constant(Float)

    /// Fills `t` in place.
    public func fill(_ t: Tensor, fanIn: Int, fanOut: Int, rng: inout RNG) {
        let n = t.count
        let p = t.ptr
        switch self {
        case .glorotUniform:
            let l = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
            for i in 0..<n { p[i] = rng.uniform(-l, l) }
        case .glorotNormal:
            let s = (2.0 / Double(fanIn + fanOut)).squareRoot()
            for i in 0..<n { p[i] = Float(rng.normal() * s) }
        case .heUniform:
            let l = Float((6.0 / Double(fanIn)).squareRoot())
            for i in 0..<n { p[i] = rng.uniform(-l, l) }
        case .heNormal:
            let s = (2.0 / Double(fanIn)).squareRoot()
            for i in 0..<n { p[i] = Float(rng.normal() * s) }
        case .torchDefault:
            let l = Float(1.0 / Double(Swift.max(fanIn, 1)).squareRoot())
            for i in 0..<n { p[i] = rng.uniform(-l, l) }
        case .orthogonal:
            let cols = t.shape.last ?? 1
            let rows = n / Swift.max(cols, 1)
            let q = Initializer.orthogonalMatrix(rows: rows, cols: cols, rng: &rng)
            for i in 0..<n { p[i] = Float(q[i]) }
        case .zeros:
            t.zero()
        case let .constant(v):
            t.fill(v)
        }
    }

    /// A rows×cols matrix (row-major) with orthonormal rows or columns, whichever
    /// are fewer: Gram–Schmidt on a Gaussian matrix, with the sign convention of a
    /// QR decomposition whose R has a positive diagonal.
    static func orthogonalMatrix(rows: Int, cols: Int, rng: inout RNG) -> [Double] {
        // Work on a tall matrix a: (tall × short), orthonormalise its columns. The draws
        // fill a row by row; each column is kept contiguous (col[j·tall + i] = a[i, j]) so
        // the dot products and updates stream through memory (a 2048×512 LSTM kernel took
        // 25 s with row-major storage). Same operations in the same order as before.
        let tall = Swift.max(rows, cols), short = Swift.min(rows, cols)
        var col = [Double](repeating: 0, count: tall * short)
        for i in 0..<tall { for j in 0..<short { col[j * tall + i] = rng.normal() } }
        col.withUnsafeMutableBufferPointer { buf in
            guard let a = buf.baseAddress else { return }
            for j in 0..<short {
                let cj = a + j * tall
                for _ in 0..<2 {  // re-orthogonalise once for stability
                    for k in 0..<j {
                        let ck = a + k * tall
                        var d = 0.0
                        for i in 0..<tall { d += cj[i] * ck[i] }
                        for i in 0..<tall { cj[i] -= d * ck[i] }
                    }
                }
                var nrm = 0.0
                for i in 0..<tall { nrm += cj[i] * cj[i] }
                nrm = nrm.squareRoot()
                for i in 0..<tall { cj[i] /= nrm }
            }
        }
        // rows ≥ cols: the result is a (rows × cols), row-major; otherwise its transpose.
        var t = [Double](repeating: 0, count: rows * cols)
        if rows >= cols {
            for i in 0..<tall { for j in 0..<short { t[i * short + j] = col[j * tall + i] } }
        } else {
            for j in 0..<short { for i in 0..<tall { t[j * cols + i] = col[j * tall + i] } }
        }
        return t
    }
}

/// Builds a parameter tensor of `shape` filled by `initializer`.
func makeParameter(_ shape: [Int], _ initializer: Initializer, fanIn: Int, fanOut: Int, rng: inout RNG) -> Parameter {
    let t = Tensor(zeros: shape)
    initializer.fill(t, fanIn: fanIn, fanOut: fanOut, rng: &rng)
    return Parameter(t)
}
