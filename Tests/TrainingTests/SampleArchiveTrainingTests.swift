import Foundation
import TestSupport
import Training
import XCTest

/// End to end on the sample archive, through the CLI: cube → patches (every pixel of the label
/// raster) → train → evaluate. The sample classes are separable by construction, so the
/// papers' pixel and patch models must reach macro F1 ≥ 0.9 on the test split (issue 7).
/// cnn-lstm is shrunk with --hp (filters 8…16, LSTM 16-32, dense 64-32) to keep CI short.
final class SampleArchiveTrainingTests: XCTestCase {
    /// The patches dataset, made once per test run.
    static let dataset: Result<String, Error> = {
        do {
            let archive = try SampleArchiveFixture.path()
            let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("sitscube-train-fixture-\(ProcessInfo.processInfo.processIdentifier)")
            if !FileManager.default.fileExists(atPath: folder + "/patches/dataset.json") {
                var r = try SitscubeBinary.run(["cube", archive, "-o", folder + "/cube", "--sensor", "landsat",
                                                "--from", "2000-01-01", "--to", "2005-12-31", "--threads", "2"])
                guard r.status == 0 else { throw TrainingError.invalidOption("cube failed: \(r.stderr)") }
                r = try SitscubeBinary.run(["patches", folder + "/cube", "--labels", archive + "/labels/classes.tif", "-o", folder + "/patches"])
                guard r.status == 0 else { throw TrainingError.invalidOption("patches failed: \(r.stderr)") }
            }
            return .success(folder + "/patches")
        } catch {
            return .failure(error)
        }
    }()

    func trainAndEvaluate(_ arguments: [String], in tmp: TempFolder) throws -> [String: Any] {
        let dataset = try Self.dataset.get()
        var r = try SitscubeBinary.run(["train", dataset] + arguments + ["--threads", "2", "-o", tmp.file("model.safetensors")])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try SitscubeBinary.run(["evaluate", tmp.file("model.safetensors"), dataset, "--split", "test", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for file in ["history.json", "report.json", "report.md", "confusion.svg", "learning_curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file(file)), file)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: tmp.file("report.json")))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func testTempCNNReachesMacroF1OfNinetyPercent() throws {
        let tmp = try TempFolder("train-tempcnn")
        let report = try trainAndEvaluate(["--model", "tempcnn", "--epochs", "4", "--seed", "1"], in: tmp)
        let f1 = report["macro_f1"] as? Double ?? 0
        XCTAssertGreaterThanOrEqual(f1, 0.9, "tempcnn test macro F1 \(f1)")
        // The report's scores agree with its own confusion matrix.
        let counts = (report["confusion"] as? [String: Any])?["counts"] as? [[Int]] ?? []
        let total = counts.reduce(0) { $0 + $1.reduce(0, +) }
        let diagonal = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        XCTAssertEqual(report["oa"] as? Double ?? -1, Double(diagonal) / Double(max(total, 1)), accuracy: 1e-12)
    }

    func testCNNLSTMReachesMacroF1OfNinetyPercent() throws {
        let tmp = try TempFolder("train-cnnlstm")
        let report = try trainAndEvaluate(["--model", "cnn-lstm", "--epochs", "12", "--lr", "0.003", "--seed", "1",
                                           "--hp", "filters=8,8,16,16,16,16", "--hp", "units=16,32", "--hp", "dense=64,32"], in: tmp)
        let f1 = report["macro_f1"] as? Double ?? 0
        XCTAssertGreaterThanOrEqual(f1, 0.9, "cnn-lstm test macro F1 \(f1)")
    }

    func testRandomForestThroughTheCLI() throws {
        let tmp = try TempFolder("train-rf")
        let report = try trainAndEvaluate(["--model", "rf", "--preset", "seed001", "--trees", "50"], in: tmp)
        XCTAssertGreaterThanOrEqual(report["macro_f1"] as? Double ?? 0, 0.85)
    }

    func testBadFlagsGiveClearErrors() throws {
        let dataset = try Self.dataset.get()
        let tmp = try TempFolder("train-bad")
        let cases: [([String], String)] = [
            (["--model", "resnet"], "unknown"),
            (["--model", "tempcnn", "--epochs", "0"], "--epochs must be at least 1"),
            (["--model", "tempcnn", "--lr=-1"], "--lr must be a positive number"),
            (["--model", "tempcnn", "--optimizer", "lbfgs"], "--optimizer must be one of"),
            (["--model", "tempcnn", "--fold", "7"], "--fold 7 is out of range"),
            (["--model", "tempcnn", "--hp", "filters"], "key=value"),
            (["--model", "rf", "--preset", "seed000"], "no random-forest settings"),
            (["--model", "tempcnn", "--resume"], "checkpoint"),
        ]
        for (args, fragment) in cases {
            let r = try SitscubeBinary.run(["train", dataset] + args + ["-o", tmp.file("m.safetensors")])
            XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
        let r = try SitscubeBinary.run(["evaluate", tmp.file("none.safetensors"), dataset])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("does not exist"), r.stderr)
    }
}
