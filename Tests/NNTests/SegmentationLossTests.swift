import XCTest
@testable import NN

/// Seed 004 eq. 2: L = αH − (1−α)·log J on logits.
final class SegmentationLossTests: XCTestCase {
    /// Hand-worked value: logits 0 (p = ½) on targets (1, 0, 1, 0):
    /// H = log 2; J = (Σpt)/(Σp + Σt − Σpt) = 1 / (2 + 2 − 1) = 1/3.
    func testValueWorkedByHand() throws {
        let z = Tensor(zeros: [1, 2, 2, 1])
        let t = try Tensor(shape: [1, 2, 2, 1], scalars: [1, 0, 1, 0])
        let l = try SegmentationLoss(alpha: 0.3, smooth: 0)(logits: z, targets: t)
        XCTAssertEqual(Double(l.loss), 0.3 * log(2.0) - 0.7 * log(1.0 / 3), accuracy: 1e-5)
        XCTAssertEqual(try SegmentationLoss(alpha: 1)(logits: z, targets: t).loss, Float(log(2.0)), accuracy: 1e-5)
    }

    /// The analytic gradient against central differences, for several α.
    func testGradientMatchesFiniteDifferences() throws {
        let t = try Tensor(shape: [2, 3, 2, 1], scalars: [1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1])
        for alpha: Float in [0, 0.25, 0.5, 1] {
            let loss = try SegmentationLoss(alpha: alpha)
            try lossGradCheck(randomTensor([2, 3, 2, 1], seed: 11, -2, 2)) { try loss(logits: $0, targets: t) }
        }
    }

    func testBadArgumentsThrow() throws {
        XCTAssertThrowsError(try SegmentationLoss(alpha: 1.5))
        XCTAssertThrowsError(try SegmentationLoss()(logits: Tensor(zeros: [2, 2]), targets: Tensor(zeros: [4])))
    }

    /// segmentationStep lowers the loss of a 1×1 conv on a mask it can express.
    func testStepLowersTheLoss() throws {
        var rng = RNG(seed: 3)
        let model = try Conv2D(2, 1, kernel: (1, 1), rng: &rng)
        let x = randomTensor([2, 4, 4, 2], seed: 5)
        let t = Tensor(zeros: [2, 4, 4, 1])
        for i in 0..<t.count where x[flat: 2 * i] > 0 { t[flat: i] = 1 }
        let opt = Adam(ParameterStore(model), learningRate: 0.05)
        let first = try segmentationStep(model, opt, input: x, targets: t, alpha: 0.5)
        var last = first
        for _ in 0..<100 { last = try segmentationStep(model, opt, input: x, targets: t, alpha: 0.5) }
        XCTAssertLessThan(last, 0.5 * first)
    }
}
