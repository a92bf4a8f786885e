import XCTest
@testable import NN

final class InitializerTests: XCTestCase {
    func testGlorotAndHeRanges() {
        var rng = RNG(seed: 1)
        let t = Tensor(zeros: [3, 3, 16, 32])
        Initializer.glorotUniform.fill(t, fanIn: 144, fanOut: 288, rng: &rng)
        let l = Float((6.0 / 432.0).squareRoot())
        XCTAssert(t.scalars.allSatisfy { abs($0) <= l })
        XCTAssertGreaterThan(t.scalars.map(abs).max() ?? 0, 0.95 * l)
        // Variance of U(−l, l) is l²/3 = 2/(fanIn+fanOut).
        let v = t.scalars.reduce(0) { $0 + Double($1 * $1) } / Double(t.count)
        XCTAssertEqual(v, 2.0 / 432.0, accuracy: 0.1 * 2.0 / 432.0)
        Initializer.heNormal.fill(t, fanIn: 144, fanOut: 288, rng: &rng)
        let vh = t.scalars.reduce(0) { $0 + Double($1 * $1) } / Double(t.count)
        XCTAssertEqual(vh, 2.0 / 144.0, accuracy: 0.1 * 2.0 / 144.0)
    }

    func testOrthogonalRecurrentKernel() {
        var rng = RNG(seed: 2)
        // Keras's recurrent kernel (units, 4·units): rows orthonormal.
        let t = Tensor(zeros: [5, 20])
        Initializer.orthogonal.fill(t, fanIn: 5, fanOut: 20, rng: &rng)
        for i in 0..<5 { for j in 0..<5 {
            var d: Float = 0
            for k in 0..<20 { d += t[i, k] * t[j, k] }
            XCTAssertEqual(d, i == j ? 1 : 0, accuracy: 1e-5)
        } }
        let s = Tensor(zeros: [6, 3])  // tall: columns orthonormal
        Initializer.orthogonal.fill(s, fanIn: 6, fanOut: 3, rng: &rng)
        for i in 0..<3 { for j in 0..<3 {
            var d: Float = 0
            for k in 0..<6 { d += s[k, i] * s[k, j] }
            XCTAssertEqual(d, i == j ? 1 : 0, accuracy: 1e-5)
        } }
    }

    /// The column-contiguous Gram–Schmidt gives bit-for-bit what the first, row-major
    /// version gave (kept here as the reference), so saved seeds keep their weights.
    func testOrthogonalMatchesRowMajorReference() {
        func reference(rows: Int, cols: Int, rng: inout RNG) -> [Double] {
            let tall = Swift.max(rows, cols), short = Swift.min(rows, cols)
            var a = [Double](repeating: 0, count: tall * short)
            for i in 0..<a.count { a[i] = rng.normal() }
            for j in 0..<short {
                for _ in 0..<2 {
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
        for (r, c) in [(5, 20), (20, 5), (7, 7), (1, 4), (33, 12)] {
            var r1 = RNG(seed: 9), r2 = RNG(seed: 9)
            XCTAssertEqual(Initializer.orthogonalMatrix(rows: r, cols: c, rng: &r1), reference(rows: r, cols: c, rng: &r2), "\(r)×\(c)")
        }
    }

    func testRNGIsSeeded() {
        var a = RNG(seed: 7), b = RNG(seed: 7), c = RNG(seed: 8)
        let xa = (0..<5).map { _ in a.next() }, xb = (0..<5).map { _ in b.next() }, xc = (0..<5).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
        var u = RNG(seed: 9)
        let m = (0..<20000).reduce(0.0) { s, _ in s + Double(u.uniform()) } / 20000
        XCTAssertEqual(m, 0.5, accuracy: 0.01)
    }
}
