import XCTest
@testable import NN

/// A tensor of uniform values in [lo, hi).
func randomTensor(_ shape: [Int], seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    var rng = RNG(seed: seed)
    let t = Tensor(zeros: shape)
    for i in 0..<t.count { t[flat: i] = rng.uniform(lo, hi) }
    return t
}

/// A tensor whose values are distinct and at least `gap` apart (no max-pool ties,
/// no ReLU kinks within a finite-difference step), shuffled by `seed`.
func separatedTensor(_ shape: [Int], seed: UInt64, gap: Float = 0.05) -> Tensor {
    var rng = RNG(seed: seed)
    let n = shape.reduce(1, *)
    var v = (0..<n).map { (Float($0) - Float(n - 1) / 2 + 0.37) * gap }  // never 0
    v.shuffle(using: &rng)
    return try! Tensor(shape: shape, scalars: v)  // test-only, shape matches by construction
}

/// Σ a·b in Double.
func dot(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.count == b.count)
    var s = 0.0
    for i in 0..<a.count { s += Double(a[flat: i]) * Double(b[flat: i]) }
    return s
}

/// Finite-difference check of a layer: L = Σ r ⊙ layer(x) for a fixed random r.
/// Compares backward's ∂L/∂x and every trainable parameter gradient with central
/// differences (step `eps` in Float32, sums in Double). Tolerance:
/// |analytic − numeric| ≤ rtol·max(|a|, |n|) + atol.
func gradCheck(_ layer: Layer, _ x: Tensor, eps: Float = 1e-2, rtol: Double = 2e-2, atol: Double = 3e-3,
               checkInput: Bool = true, maxPoints: Int = 48, file: StaticString = #filePath, line: UInt = #line) throws {
    let y0 = try layer.forward(x)
    let r = randomTensor(y0.shape, seed: 4242)
    layer.zeroGrad()
    _ = try layer.forward(x)
    let dx = layer.backward(r).copy()
    let params = layer.parameters
    let grads = params.map { $0.grad.copy() }
    func loss() throws -> Double { dot(try layer.forward(x), r) }
    func check(_ t: Tensor, _ analytic: Tensor, _ what: String) throws {
        let n = t.count
        let step = Swift.max(1, n / maxPoints)
        var worst = 0.0
        for i in stride(from: 0, to: n, by: step) {
            let orig = t[flat: i]
            t[flat: i] = orig + eps
            let lp = try loss()
            t[flat: i] = orig - eps
            let lm = try loss()
            t[flat: i] = orig
            let num = (lp - lm) / (2 * Double(eps))
            let ana = Double(analytic[flat: i])
            let err = abs(num - ana)
            worst = Swift.max(worst, err)
            if err > rtol * Swift.max(abs(num), abs(ana)) + atol {
                XCTFail("\(what)[\(i)]: analytic \(ana) vs numeric \(num)", file: file, line: line)
                return
            }
        }
    }
    if checkInput { try check(x, dx, "dx") }
    for (k, p) in params.enumerated() { try check(p.value, grads[k], "dparam\(k) \(p.shape)") }
}

/// Checks a loss function's gradient with central differences.
func lossGradCheck(_ x: Tensor, eps: Float = 1e-3, rtol: Double = 2e-2, atol: Double = 1e-4,
                   file: StaticString = #filePath, line: UInt = #line, _ f: (Tensor) throws -> LossResult) throws {
    let g = try f(x).grad.copy()
    for i in 0..<x.count {
        let orig = x[flat: i]
        x[flat: i] = orig + eps
        let lp = Double(try f(x).loss)
        x[flat: i] = orig - eps
        let lm = Double(try f(x).loss)
        x[flat: i] = orig
        let num = (lp - lm) / (2 * Double(eps))
        let ana = Double(g[flat: i])
        if abs(num - ana) > rtol * Swift.max(abs(num), abs(ana)) + atol {
            XCTFail("loss grad[\(i)]: analytic \(ana) vs numeric \(num)", file: file, line: line)
            return
        }
    }
}

func assertClose(_ a: [Float], _ b: [Float], tol: Float, _ msg: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, msg, file: file, line: line)
    for i in 0..<Swift.min(a.count, b.count) where abs(a[i] - b[i]) > tol * Swift.max(1, abs(b[i])) {
        XCTFail("\(msg)[\(i)]: \(a[i]) vs \(b[i])", file: file, line: line)
        return
    }
}
