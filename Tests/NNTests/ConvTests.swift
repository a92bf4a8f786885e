import XCTest
@testable import NN

final class ConvTests: XCTestCase {
    /// Fast path (im2col + sgemm, chunked) against the plain-loop reference.
    private func compare(_ layer: ConvolutionLayer, _ shape: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        let x = randomTensor(shape, seed: 11)
        let y = try layer.forward(x)
        let r = layer.spatialRank
        let s = Array(repeating: 1, count: 3 - r) + Array(shape[1...r])
        let k = Array(repeating: 1, count: 3 - r) + layer.kernelSize
        let g = ConvGeometry(inSize: s, kernel: k, padding: layer.padding, cin: layer.inChannels, cout: layer.outChannels)
        let ref = convForwardNaive(g, batch: shape[0], x: x.scalars, w: layer.weight.value.scalars, b: layer.bias?.value.scalars)
        assertClose(y.scalars, ref, tol: 1e-4, "conv\(r)d \(shape)", file: file, line: line)
    }

    func testConv2DMatchesNaive() throws {
        var rng = RNG(seed: 1)
        for (k, pad) in [((3, 3), Padding.same), ((3, 3), .valid), ((2, 4), .same), ((1, 1), .valid), ((5, 2), .valid)] {
            try compare(try Conv2D(3, 4, kernel: k, padding: pad, biasInit: .glorotUniform, rng: &rng), [2, 6, 5, 3])
        }
    }

    func testConv1DAnd3DMatchNaive() throws {
        var rng = RNG(seed: 2)
        try compare(try Conv1D(3, 5, kernel: 3, padding: .same, biasInit: .glorotUniform, rng: &rng), [2, 7, 3])
        try compare(try Conv1D(2, 3, kernel: 4, padding: .valid, rng: &rng), [3, 9, 2])
        try compare(try Conv3D(2, 3, kernel: (3, 3, 3), padding: .same, biasInit: .glorotUniform, rng: &rng), [2, 4, 5, 3, 2])
        try compare(try Conv3D(2, 3, kernel: (2, 3, 1), padding: .valid, rng: &rng), [1, 4, 5, 3, 2])
    }

    func testChunkedBatchMatchesNaive() throws {
        // Enough samples that the im2col matrix is split into several chunks.
        var rng = RNG(seed: 3)
        let conv = try Conv2D(8, 4, kernel: (3, 3), rng: &rng)
        let per = 9 * 9 * 72
        XCTAssertGreaterThan(600 * per, 3 * ConvWorkspace.chunkElements)
        try compare(conv, [600, 9, 9, 8])
    }

    func testConvGradients() throws {
        var rng = RNG(seed: 4)
        try gradCheck(try Conv2D(2, 3, kernel: (3, 3), padding: .same, biasInit: .glorotUniform, rng: &rng), randomTensor([2, 4, 5, 2], seed: 5))
        try gradCheck(try Conv2D(2, 3, kernel: (2, 3), padding: .valid, rng: &rng), randomTensor([2, 4, 5, 2], seed: 6))
        try gradCheck(try Conv2D(3, 2, kernel: (1, 1), padding: .valid, rng: &rng), randomTensor([2, 3, 3, 3], seed: 7))
        try gradCheck(try Conv1D(2, 3, kernel: 3, rng: &rng), randomTensor([2, 6, 2], seed: 8))
        try gradCheck(try Conv3D(2, 2, kernel: (3, 3, 3), biasInit: .glorotUniform, rng: &rng), randomTensor([1, 3, 4, 3, 2], seed: 9))
    }

    func testInvalidHyperparametersThrow() {
        var rng = RNG(seed: 4)
        XCTAssertThrowsError(try Conv2D(1, 1, kernel: (0, 3), rng: &rng))
        XCTAssertThrowsError(try ConvTranspose2D(1, 1, kernel: (2, 2), stride: (0, 2), rng: &rng))
        XCTAssertThrowsError(try MaxPool2D((0, 2)))
        XCTAssertThrowsError(try Dropout(1, rng: &rng))
        XCTAssertThrowsError(try MultiHeadSelfAttention(modelDim: 8, heads: 0, rng: &rng))
        XCTAssertThrowsError(try ConvLSTM2D(2, filters: 0, rng: &rng))
    }

    func testValidPaddingOnTooSmallInputThrows() throws {
        var rng = RNG(seed: 4)
        let c = try Conv2D(1, 1, kernel: (3, 3), padding: .valid, rng: &rng)
        XCTAssertThrowsError(try c.forward(Tensor(zeros: [1, 2, 2, 1])))
        XCTAssertThrowsError(try c.forward(Tensor(zeros: [1, 4, 4, 2])))
    }
}
