import Foundation
import TestSupport
import XCTest
@testable import Training

/// Scores of fixed confusion matrices against numbers worked out by hand (and scikit-learn's
/// when python3 has it).
final class MetricsTests: XCTestCase {
    // Rows truth, columns prediction; n = 20, diagonal 15.
    let counts = [[5, 1, 0], [2, 3, 1], [0, 1, 7]]

    func testThreeClassMatrixByHand() {
        let m = ClassificationMetrics(confusion: counts)
        XCTAssertEqual(m.total, 20)
        XCTAssertEqual(m.overallAccuracy, 0.75, accuracy: 1e-12)
        // Row sums 6, 6, 8; column sums 7, 5, 8: p_e = (42 + 30 + 64) / 400 = 0.34.
        XCTAssertEqual(m.kappa, (0.75 - 0.34) / (1 - 0.34), accuracy: 1e-12)
        XCTAssertEqual(m.perClass.map(\.precision), [5.0 / 7, 3.0 / 5, 7.0 / 8].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(m.perClass.map(\.recall), [5.0 / 6, 3.0 / 6, 7.0 / 8], accuracy: 1e-12)
        // F1 = 2TP / (2TP + FP + FN): 10/13, 6/11, 14/16.
        XCTAssertEqual(m.perClass.map(\.f1), [10.0 / 13, 6.0 / 11, 14.0 / 16], accuracy: 1e-12)
        XCTAssertEqual(m.perClass.map(\.support), [6, 6, 8])
        XCTAssertEqual(m.macroF1, (10.0 / 13 + 6.0 / 11 + 14.0 / 16) / 3, accuracy: 1e-12)
        XCTAssertEqual(m.microF1, 0.75, accuracy: 1e-12)
        XCTAssertEqual(m.normalized[1], [2.0 / 6, 3.0 / 6, 1.0 / 6], accuracy: 1e-12)
    }

    func testAClassAbsentFromTruthAndPredictionsIsLeftOutOfMacroF1() {
        let padded = counts.map { $0 + [0] } + [[0, 0, 0, 0]]
        let m = ClassificationMetrics(confusion: padded)
        XCTAssertEqual(m.macroF1, ClassificationMetrics(confusion: counts).macroF1, accuracy: 1e-12)
        XCTAssertEqual(m.perClass[3].f1, 0)
        XCTAssertEqual(m.normalized[3], [0, 0, 0, 0])
        // A class predicted but never true counts (F1 0) and lowers macro F1.
        var wrong = padded
        wrong[0][3] = 1
        XCTAssertLessThan(ClassificationMetrics(confusion: wrong).macroF1, m.macroF1)
    }

    func testPerfectAndDegenerateMatrices() {
        let perfect = ClassificationMetrics(confusion: [[3, 0], [0, 4]])
        XCTAssertEqual(perfect.overallAccuracy, 1)
        XCTAssertEqual(perfect.kappa, 1)
        XCTAssertEqual(perfect.macroF1, 1)
        // Everything predicted as class 0: p_o = p_e = 0.5 → κ = 0.
        let constant = ClassificationMetrics(confusion: [[5, 0], [5, 0]])
        XCTAssertEqual(constant.kappa, 0, accuracy: 1e-12)
        XCTAssertEqual(constant.perClass[1].precision, 0)
        let empty = ClassificationMetrics(confusion: [[0, 0], [0, 0]])
        XCTAssertEqual(empty.overallAccuracy, 0)
        XCTAssertEqual(empty.macroF1, 0)
    }

    func testPredictionsBuildTheSameMatrix() {
        var truth: [Int] = [], predicted: [Int] = []
        for (i, row) in counts.enumerated() { for (j, v) in row.enumerated() { for _ in 0..<v { truth.append(i); predicted.append(j) } } }
        XCTAssertEqual(ClassificationMetrics(truth: truth, predicted: predicted, classes: 3), ClassificationMetrics(confusion: counts))
    }

    func testAgreesWithScikitLearnWhenAvailable() throws {
        // bench/.venv (bench/bench-train.sh installs scikit-learn there), else the system python3.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = root.appendingPathComponent("bench/.venv/bin/python").path
        let python = FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
        let probe = try Command.run(python, ["-c", "import sklearn"], allowFailure: true)
        try XCTSkipIf(probe.status != 0, "python3 with scikit-learn is not available (run bench/bench-train.sh once)")
        var truth: [Int] = [], predicted: [Int] = []
        for (i, row) in counts.enumerated() { for (j, v) in row.enumerated() { for _ in 0..<v { truth.append(i); predicted.append(j) } } }
        let script = """
        import sys, json
        from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score
        t = json.loads(sys.argv[1]); p = json.loads(sys.argv[2])
        print(json.dumps([accuracy_score(t, p), cohen_kappa_score(t, p), f1_score(t, p, average='macro'), f1_score(t, p, average='micro')]))
        """
        let file = NSTemporaryDirectory() + "/sitscube-metrics-\(UUID().uuidString).py"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try Command.run(python, [file, "\(truth)", "\(predicted)"], allowFailure: true)
        XCTAssertEqual(r.status, 0, r.stderr)
        let values = try JSONDecoder().decode([Double].self, from: Data(r.stdout.utf8))
        let m = ClassificationMetrics(truth: truth, predicted: predicted, classes: 3)
        XCTAssertEqual([m.overallAccuracy, m.kappa, m.macroF1, m.microF1], values, accuracy: 1e-9)
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
