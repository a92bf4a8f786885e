import XCTest
@testable import NN

final class ConvTransposeTests: XCTestCase {
    /// Plain scatter loops: y[oh, ow] += x[ih, iw]·W[a, b] at oh = ih·s + a − pad.
    private func naive(_ l: ConvTranspose2D, _ x: Tensor) -> [Float] {
        let n = x.shape[0], h = x.shape[1], w = x.shape[2], ci = l.inChannels, co = l.outChannels
        let g = l.geometry(h: h, w: w)
        var y = [Float](repeating: 0, count: n * g.oh * g.ow * co)
        for s in 0..<n { for oh in 0..<g.oh { for ow in 0..<g.ow { for c in 0..<co {
            y[((s * g.oh + oh) * g.ow + ow) * co + c] = l.bias?.value[c] ?? 0
        } } } }
        for s in 0..<n { for ih in 0..<h { for iw in 0..<w { for a in 0..<l.kernel.0 { for b in 0..<l.kernel.1 {
            let oh = ih * l.stride.0 + a - g.padH, ow = iw * l.stride.1 + b - g.padW
            guard oh >= 0, oh < g.oh, ow >= 0, ow < g.ow else { continue }
            for c in 0..<co { for k in 0..<ci {
                y[((s * g.oh + oh) * g.ow + ow) * co + c] += x[s, ih, iw, k] * l.weight.value[a, b, c, k]
            } }
        } } } } }
        return y
    }

    func testMatchesNaiveAndKerasShapes() throws {
        var rng = RNG(seed: 1)
        let cases: [((Int, Int), (Int, Int), Padding, [Int])] = [
            ((2, 2), (2, 2), .same, [2, 6, 8, 4]), ((3, 3), (2, 2), .same, [2, 6, 8, 4]),
            ((3, 3), (2, 2), .valid, [2, 7, 9, 4]), ((3, 2), (1, 1), .valid, [2, 5, 5, 4]), ((4, 4), (2, 2), .same, [2, 6, 8, 4]),
        ]
        for (k, s, pad, outShape) in cases {
            let l = try ConvTranspose2D(3, 4, kernel: k, stride: s, padding: pad, biasInit: .glorotUniform, rng: &rng)
            let x = randomTensor([2, 3, 4, 3], seed: 2)
            let y = try l.forward(x)
            XCTAssertEqual(y.shape, outShape, "\(k) \(s) \(pad)")
            assertClose(y.scalars, naive(l, x), tol: 1e-5, "\(k) \(s) \(pad)")
        }
    }

    func testGradients() throws {
        var rng = RNG(seed: 3)
        try gradCheck(try ConvTranspose2D(2, 3, kernel: (2, 2), stride: (2, 2), biasInit: .glorotUniform, rng: &rng), randomTensor([2, 3, 2, 2], seed: 4))
        try gradCheck(try ConvTranspose2D(2, 2, kernel: (3, 3), stride: (2, 2), padding: .valid, rng: &rng), randomTensor([1, 2, 3, 2], seed: 5))
        try gradCheck(try ConvTranspose2D(2, 2, kernel: (3, 3), stride: (2, 2), padding: .same, rng: &rng), randomTensor([1, 3, 2, 2], seed: 6))
    }
}
