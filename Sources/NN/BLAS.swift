import CBLAS

// The only file that calls OpenBLAS. Everything is row-major.

/// C = alpha·op(A)·op(B) + beta·C, with op(A): m×k, op(B): k×n, C: m×n (row-major).
@inline(__always)
func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
           alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
           b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS leaves C untouched when k = 0 only for beta = 1; be explicit.
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Thread settings for the engine.
public enum Threads {
    nonisolated(unsafe) private static var current = 0

    /// Uses `n` threads for BLAS and for the engine's own parallel loops.
    /// The same seed and the same thread count give identical training results.
    public static func set(_ n: Int) {
        let n = Swift.max(1, n)
        current = n
        openblas_set_num_threads(Int32(n))
    }

    /// The thread count in use (OpenBLAS's default until ``set(_:)`` is called).
    public static var count: Int {
        if current == 0 { current = Int(openblas_get_num_threads()) }
        return current
    }
}
