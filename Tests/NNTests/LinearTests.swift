import XCTest
@testable import NN

final class LinearTests: XCTestCase {
    func testMatchesNaiveMatmul() throws {
        var rng = RNG(seed: 1)
        let l = Linear(7, 5, biasInit: .glorotUniform, rng: &rng)
        let x = randomTensor([3, 4, 7], seed: 2)
        let y = try l.forward(x)
        XCTAssertEqual(y.shape, [3, 4, 5])
        var ref = [Float](repeating: 0, count: 12 * 5)
        for r in 0..<12 { for o in 0..<5 {
            var s = Double(l.bias!.value[o])
            for i in 0..<7 { s += Double(x[flat: r * 7 + i]) * Double(l.weight.value[i, o]) }
            ref[r * 5 + o] = Float(s)
        } }
        assertClose(y.scalars, ref, tol: 1e-5)
    }

    func testGradients() throws {
        var rng = RNG(seed: 3)
        let l = Linear(6, 4, biasInit: .glorotUniform, rng: &rng)
        try gradCheck(l, randomTensor([5, 6], seed: 4))
    }

    func testGradientsAccumulate() throws {
        var rng = RNG(seed: 3)
        let l = Linear(3, 2, rng: &rng)
        let x = randomTensor([4, 3], seed: 5), dy = randomTensor([4, 2], seed: 6)
        _ = try l.forward(x); _ = l.backward(dy)
        let once = l.weight.grad.scalars
        _ = try l.forward(x); _ = l.backward(dy)
        assertClose(l.weight.grad.scalars, once.map { 2 * $0 }, tol: 1e-6)
    }

    func testWrongInputThrowsNamedError() {
        var rng = RNG(seed: 3)
        let model = Sequential(named: [("fc1", Linear(4, 2, rng: &rng))])
        XCTAssertThrowsError(try model.forward(Tensor(zeros: [2, 5]))) { e in
            XCTAssertEqual(e as? NNError, .shapeMismatch(what: "layer fc1: Linear(4→2) input", expected: [-1, 4], actual: [2, 5]))
        }
    }
}
