import XCTest
@testable import NN

final class LossTests: XCTestCase {
    func testCrossEntropyValueAndGradient() throws {
        // logits (1, 2, 3), label 2: CE = log(e¹+e²+e³) − 3 = 0.407606
        let x = try Tensor(shape: [1, 3], scalars: [1, 2, 3])
        XCTAssertEqual(try CrossEntropyLoss()(logits: x, labels: [2]).loss, 0.407606, accuracy: 1e-5)
        let logits = randomTensor([4, 3], seed: 1, -2, 2)
        let labels = [0, 2, 1, 2]
        try lossGradCheck(logits) { try CrossEntropyLoss()(logits: $0, labels: labels) }
        let w: [Float] = [0.5, 2, 1]
        try lossGradCheck(logits) { try CrossEntropyLoss(classWeights: w)(logits: $0, labels: labels) }
        try lossGradCheck(logits) { try CrossEntropyLoss(classWeights: w, normalization: .weightSum)(logits: $0, labels: labels) }
        // Weighted mean over the batch vs over the weights: the ratio is N/Σw = 4/4.5.
        let a = try CrossEntropyLoss(classWeights: w)(logits: logits, labels: labels).loss
        let b = try CrossEntropyLoss(classWeights: w, normalization: .weightSum)(logits: logits, labels: labels).loss
        XCTAssertEqual(a / b, 4.5 / 4, accuracy: 1e-5)
        XCTAssertThrowsError(try CrossEntropyLoss()(logits: logits, labels: [0, 1]))
        XCTAssertThrowsError(try CrossEntropyLoss()(logits: logits, labels: [0, 1, 3, 0]))
    }

    func testBinaryCrossEntropy() throws {
        let t = try Tensor(shape: [2, 2], scalars: [0, 1, 1, 0.25])
        let z = try Tensor(shape: [2, 2], scalars: [-1, 0.5, 2, 0.1])
        // From logits and from probabilities agree.
        let p = try Activation(.sigmoid).forward(z).copy()
        let a = try BinaryCrossEntropyLoss()(z, targets: t).loss
        let b = try BinaryCrossEntropyLoss(fromLogits: false)(p, targets: t).loss
        XCTAssertEqual(a, b, accuracy: 1e-5)
        // −mean(t log σ + (1−t) log(1−σ)) for element 0: log(1 + e^{−1}) = 0.313262
        XCTAssertEqual(try BinaryCrossEntropyLoss()(z.view([4]).gatherRows([0]), targets: t.view([4]).gatherRows([0])).loss, 0.313262, accuracy: 1e-5)
        try lossGradCheck(z) { try BinaryCrossEntropyLoss()($0, targets: t) }
        try lossGradCheck(p) { try BinaryCrossEntropyLoss(fromLogits: false)($0, targets: t) }
    }

    func testSoftJaccard() throws {
        let t = try Tensor(shape: [4], scalars: [1, 0, 1, 0])
        // p = t ⇒ J = 1, loss 0; p = (0.5, 0.5, 0.5, 0.5): I = 1, U = 2 + 2 − 1 = 3
        XCTAssertEqual(try SoftJaccardLoss()(t.copy(), targets: t).loss, 0, accuracy: 1e-6)
        let half = Tensor(repeating: 0.5, shape: [4])
        XCTAssertEqual(try SoftJaccardLoss()(half, targets: t).loss, -logf(1.0 / 3), accuracy: 1e-5)
        try lossGradCheck(randomTensor([2, 3], seed: 2, 0.1, 0.9)) { try SoftJaccardLoss()($0, targets: try Tensor(shape: [2, 3], scalars: [1, 0, 1, 1, 0, 0])) }
    }
}
