import XCTest
@testable import NN

final class ConvLSTMTests: XCTestCase {
    func testGradients() throws {
        var rng = RNG(seed: 1)
        try gradCheck(try ConvLSTM2D(2, filters: 2, kernel: (3, 3), returnSequences: true, rng: &rng), randomTensor([2, 3, 3, 3, 2], seed: 2))
        let p = try ConvLSTM2D(2, filters: 2, kernel: (3, 3), returnSequences: false, peepholes: true, rng: &rng)
        guard let ph = p.peepholes else { return XCTFail("peepholes missing") }
        ph.input.value.assignScalars([0.3, -0.2]); ph.forget.value.assignScalars([-0.4, 0.5]); ph.output.value.assignScalars([0.2, 0.6])
        try gradCheck(p, randomTensor([2, 3, 3, 2, 2], seed: 3))
    }

    /// With a 1×1 kernel the ConvLSTM is an LSTM applied to every pixel independently.
    func testOneByOneKernelEqualsPixelwiseLSTM() throws {
        var rng = RNG(seed: 4)
        let conv = try ConvLSTM2D(3, filters: 4, kernel: (1, 1), returnSequences: true, rng: &rng)
        let lstm = LSTM(3, units: 4, returnSequences: true, rng: &rng)
        try lstm.kernel.value.assign(from: conv.kernel.value)
        try lstm.recurrentKernel.value.assign(from: conv.recurrentKernel.value)
        conv.bias.value.assignScalars((0..<16).map { Float($0) * 0.05 - 0.4 })
        try lstm.bias.value.assign(from: conv.bias.value)
        let x = randomTensor([2, 5, 2, 3, 3], seed: 5)  // (B, T, H, W, C)
        let y = try conv.forward(x)
        // Pixel (1, 2) of sample 1 as a sequence (1, T, C).
        var seq: [Float] = []
        for t in 0..<5 { for c in 0..<3 { seq.append(x[1, t, 1, 2, c]) } }
        let ref = try lstm.forward(try Tensor(shape: [1, 5, 3], scalars: seq))
        for t in 0..<5 { for f in 0..<4 { XCTAssertEqual(y[1, t, 1, 2, f], ref[0, t, f], accuracy: 1e-5) } }
    }

    func testLastStateShape() throws {
        var rng = RNG(seed: 6)
        let l = try ConvLSTM2D(2, filters: 3, rng: &rng)
        XCTAssertEqual(try l.forward(Tensor(zeros: [2, 4, 5, 5, 2])).shape, [2, 5, 5, 3])
        XCTAssertThrowsError(try l.forward(Tensor(zeros: [2, 4, 5, 5, 3])))
    }
}
