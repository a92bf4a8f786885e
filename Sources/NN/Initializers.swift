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
        // Work on a tall matrix a: (tall × short), orthonormalise its columns.
        let tall = Swift.max(rows, cols), short = Swift.min(rows, cols)
        var a = [Double](repeating: 0, count: tall * short)
        for i in 0..<a.count { a[i] = rng.normal() }
        for j in 0..<short {
            for _ in 0..<2 {  // re-orthogonalise once for stability
                for k in 0..<j {
                    var d = 0.0
                    for i in 0..<tall { d += a[i * short + j] * a[i * short + k] }
                    for i in 0..<tall { a[i * short + j] -= d * a[i * short + k] }
                }
            }
            var nrm = 0.0
            for i in 0..<tall { nrm += a[i * short + j] * a[i * short + j] }
            nrm = nrm.squareRoot()
            for i in 0..<tall { a[i * short + j] /= nrm }
        }
        if rows >= cols { return a }
        var t = [Double](repeating: 0, count: rows * cols)
        for i in 0..<tall { for j in 0..<short { t[j * cols + i] = a[i * short + j] } }
        return t
    }
}

/// Builds a parameter tensor of `shape` filled by `initializer`.
func makeParameter(_ shape: [Int], _ initializer: Initializer, fanIn: Int, fanOut: Int, rng: inout RNG) -> Parameter {
    let t = Tensor(zeros: shape)
    initializer.fill(t, fanIn: fanIn, fanOut: fanOut, rng: &rng)
    return Parameter(t)
}
