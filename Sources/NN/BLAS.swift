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

/// Measurements of the BLAS in use, for benchmarks.
public enum BLASProbe {
    /// Sustained GFLOP/s of `C = A·B` with A (m, k), B (k, n), repeated for about
    /// `seconds` after one warm-up call.
    public static func sgemmGFLOPS(m: Int, n: Int, k: Int, seconds: Double = 0.5) -> Double {
        let a = Tensor(repeating: 0.5, shape: [m, k]), b = Tensor(repeating: 0.25, shape: [k, n]), c = Tensor(zeros: [m, n])
        sgemm(m: m, n: n, k: k, a: a.ptr, lda: k, b: b.ptr, ldb: n, beta: 0, c: c.ptr, ldc: n)
        let clock = ContinuousClock()
        let start = clock.now
        var reps = 0
        var elapsed = 0.0
        repeat {
            sgemm(m: m, n: n, k: k, a: a.ptr, lda: k, b: b.ptr, ldb: n, beta: 0, c: c.ptr, ldc: n)
            reps += 1
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < seconds
        return 2.0 * Double(m) * Double(n) * Double(k) * Double(reps) / elapsed / 1e9
    }
}
