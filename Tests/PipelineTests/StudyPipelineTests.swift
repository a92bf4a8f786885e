import Foundation
import TestSupport
import XCTest

/// Each study in pipelines/ runs end to end with `--quick` (issue 9: "each runs on the sample
/// archive with --quick in CI") on a 128-pixel sample archive, the smallest whose parcels hold
/// more than one class. The checks are what a user opens: the model, its test report, the map.
final class StudyPipelineTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var archiveFolder: TempFolder?

    /// A 128-px sample archive, generated once for the class.
    func archive() throws -> String {
        if let a = Self.archiveFolder { return a.path + "/archive" }
        let folder = try TempFolder("study-archive")
        let r = try SitscubeBinary.run(["sample-data", "-o", folder.path + "/archive", "--size", "128"])
        XCTAssertEqual(r.status, 0, r.stderr)
        Self.archiveFolder = folder
        return folder.path + "/archive"
    }

    /// Runs pipelines/NAME.yaml with --quick on the test archive; returns the work folder.
    func runStudy(_ name: String, extra: [String] = []) throws -> String {
        let archive = try archive()
        let path = Self.repo + "/pipelines/\(name).yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let labels = text.firstMatch(of: #/labels: \S*/labels/(\S+)/#).map { String($0.1) } ?? "points.geojson"
        let work = try TempFolder("study-\(name)").path + "/work"
        var args = ["run", path, "--quick", "--set", "archive=\(archive)", "--set", "workdir=\(work)",
                    "--set", "samples.labels=\(archive)/labels/\(labels)"]
        if text.contains("forest_loss.tif") { args += ["--set", "predict.mask=\(archive)/labels/forest_loss.tif"] }
        let r = try SitscubeBinary.run(args + extra)
        XCTAssertEqual(r.status, 0, "\(name): \(r.stderr.suffix(2000))")
        XCTAssertTrue(FileManager.default.fileExists(atPath: work + "/report.md"), name)
        return work
    }

    /// The first model's test report holds metrics in [0, 1].
    func assertTrained(_ work: String, model: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = work + "/models/\(model)"
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/model.safetensors"), "\(model) model", file: file, line: line)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/eval/report.json"), "\(model) test report", file: file, line: line)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["oa", "kappa", "macro_f1", "micro_f1"] {
            let v = try XCTUnwrap(report[key] as? Double, "\(model) report.\(key)", file: file, line: line)
            XCTAssertTrue((-1...1).contains(v), "\(model) \(key) = \(v)", file: file, line: line)
        }
    }

    /// The map opens in GDAL with the cube's size and a class legend.
    func assertMap(_ work: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let info = try Command.run("gdalinfo", [work + "/map.tif"]).stdout
        XCTAssertTrue(info.contains("LAYOUT=COG"), "map is a COG", file: file, line: line)
        XCTAssertTrue(info.contains("Categories:"), "map has category names", file: file, line: line)
        XCTAssertTrue(info.contains("Color Table"), "map has a colour table", file: file, line: line)
    }

    func testLandsatFLU() throws {
        let work = try runStudy("landsat-flu")
        for m in ["cnn2d", "lstm", "cnn3d", "cnn-lstm", "convlstm", "cnn-mhsa"] { try assertTrained(work, model: m) }
        try assertMap(work)
    }

    func testReunionLSTM() throws {
        // Cross-validation runs in testLandsatFLU; here it would triple the time.
        let work = try runStudy("reunion-lstm", extra: ["--set", "train.cv_folds=0"])
        for m in ["lstm-pixel", "rf"] { try assertTrained(work, model: m) }
        try assertMap(work)
    }

    func testS2Landcover() throws {
        // The paper's map model (spatiotemp-cnn) takes minutes per 16k px on 2 cores; the map
        // stage is checked here with the study's pixel model.
        let work = try runStudy("s2-landcover", extra: ["--set", "predict.model=tempcnn"])
        for m in ["tempcnn", "cnn3d-cls", "cnn2d-stack", "spatiotemp-cnn", "rf"] { try assertTrained(work, model: m) }
        try assertMap(work)
    }

    func testS2Parcels() throws {
        let work = try runStudy("s2-parcels", extra: ["--set", "train.cv_folds=0"])
        for m in ["cnn-gru", "gru-stats", "parcel-cnn", "parcel-convlstm"] { try assertTrained(work, model: m) }
    }

    func testS2Roads() throws {
        let work = try runStudy("s2-roads")
        try assertTrained(work, model: "unet-convlstm")
        try assertMap(work)
    }
}
