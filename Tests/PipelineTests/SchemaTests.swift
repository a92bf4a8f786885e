import Foundation
import XCTest
@testable import Pipeline

/// Validation and the template, against the schema table and hand-written expectations.
final class SchemaTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testEveryStudyPipelineValidatesAndNamesItsPaper() throws {
        let folder = Self.repo + "/pipelines"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(files, ["demo.yaml", "landsat-flu.yaml", "reunion-lstm.yaml", "s2-landcover.yaml", "s2-parcels.yaml", "s2-roads.yaml"])
        let seeds = ["demo.yaml": "seed 000", "landsat-flu.yaml": "seed 000", "reunion-lstm.yaml": "seed 001",
                     "s2-landcover.yaml": "seed 002", "s2-parcels.yaml": "seed 003", "s2-roads.yaml": "seed 004"]
        for file in files {
            let path = folder + "/" + file
            XCTAssertNoThrow(try PipelineFile.load(path), file)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("#"), "\(file) starts with a comment naming its paper")
            XCTAssertTrue(text.contains(seeds[file] ?? "?"), "\(file) names \(seeds[file] ?? "")")
            XCTAssertTrue(text.contains("§"), "\(file) names the section it follows")
        }
        // Settings the issue fixes for seed 000.
        let flu = try PipelineFile.load(folder + "/landsat-flu.yaml")
        XCTAssertEqual(flu.texts(PipelineSchema.models), ["cnn2d", "lstm", "cnn3d", "cnn-lstm", "convlstm", "cnn-mhsa"])
        XCTAssertEqual(flu.int(PipelineSchema.epochs), 30)
        XCTAssertEqual(flu.int(PipelineSchema.batch), 512)
        XCTAssertEqual(flu.numbers(PipelineSchema.split), [75, 10, 15])
        XCTAssertEqual(flu.int(PipelineSchema.folds), 3)
    }

    func testUnknownKeyNamesTheLineTheNearestKeyAndTheValidOnes() {
        let text = "archive: a\nsamples:\n  labels: l.geojson\n  szie: 9\n"
        XCTAssertThrowsError(try PipelineFile.parse(text, file: "p.yaml")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("p.yaml:4: unknown key 'samples.szie'"), message)
            XCTAssertTrue(message.contains("did you mean 'size'?"), message)
            XCTAssertTrue(message.contains("valid keys: kind, labels, field"), message)
        }
        XCTAssertThrowsError(try PipelineFile.parse("archive: a\ntrian: {}\n", file: "p.yaml")) { error in
            XCTAssertTrue("\(error)".contains("p.yaml:2: unknown key 'trian' at the top level; did you mean 'train'?"), "\(error)")
        }
        // Far from every name: no suggestion, but still the list.
        XCTAssertThrowsError(try PipelineFile.parse("archive: a\nzzzzzzzzzz: 1\n")) { error in
            XCTAssertFalse("\(error)".contains("did you mean"), "\(error)")
            XCTAssertTrue("\(error)".contains("valid keys: archive, workdir"), "\(error)")
        }
    }

    func testWrongTypeAndOutOfRangeNameKeyLineAndExpectation() {
        let base = "archive: a\nsamples:\n  labels: l\n"
        let cases: [(String, String)] = [
            ("train:\n  epochs: ten\n", "p.yaml:5: 'train.epochs' is 'ten'; expected an integer from 1 to 100000"),
            ("train:\n  epochs: 0\n", "p.yaml:5: 'train.epochs' is 0, out of range; expected an integer from 1 to 100000"),
            ("scenes:\n  max_cloud: 101\n", "p.yaml:5: 'scenes.max_cloud' is 101, out of range; expected a number from 0 to 100"),
            ("scenes:\n  land_cloud: maybe\n", "p.yaml:5: 'scenes.land_cloud' is 'maybe'; expected true or false"),
            ("scenes:\n  sensor: landsta\n", "p.yaml:5: 'scenes.sensor' is 'landsta'; did you mean 'landsat'?; expected one of landsat, sentinel2, all"),
            ("bands: [red, nri]\n", "p.yaml:4: 'bands' holds 'nri'; did you mean 'nir'?; expected a list of coastal"),
            ("train:\n  optimizer: [sgd]\n", "p.yaml:5: 'train.optimizer' is a list; expected one of sgd, adam, rmsprop"),
        ]
        for (extra, expected) in cases {
            XCTAssertThrowsError(try PipelineFile.parse(base + extra, file: "p.yaml"), extra) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "got: \(error)\nexpected: \(expected)")
            }
        }
        XCTAssertThrowsError(try PipelineFile.parse("workdir: w\n", file: "p.yaml")) { error in
            XCTAssertTrue("\(error)".contains("missing required key 'archive'"), "\(error)")
        }
        XCTAssertThrowsError(try PipelineFile.parse(base + "samples:\n  labels: l\n  split: [70, 10, 10]\n", file: "p.yaml"))
        XCTAssertThrowsError(try PipelineFile.parse(base.replacingOccurrences(of: "labels: l\n", with: "labels: l\n  split: [70, 10, 10]\n"), file: "p.yaml")) { error in
            XCTAssertTrue("\(error)".contains("adds up to 90; expected 100"), "\(error)")
        }
        XCTAssertThrowsError(try PipelineFile.parse("archive: [\n", file: "p.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("p.yaml:"), "\(error)")
        }
    }

    func testDefaultsFillWhatTheFileLeavesOutAndOverridesApply() throws {
        let c = try PipelineFile.parse("archive: a\nsamples:\n  labels: l\n", overrides: ["train.epochs=7", "scenes.max_cloud=20"])
        for key in PipelineSchema.keys {
            if key.path == "train.epochs" { XCTAssertEqual(c[key], .int(7)) }
            else if key.path == "scenes.max_cloud" { XCTAssertEqual(c[key], .number(20)) }
            else if let d = key.defaultValue { XCTAssertEqual(c[key], d, key.path) }
        }
        XCTAssertThrowsError(try PipelineFile.parse("archive: a\nsamples:\n  labels: l\n", overrides: ["train.epoch=7"])) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'train.epochs'?"), "\(error)")
        }
    }

    func testTemplateListsEveryKeyAndReadsBackAsTheDefaults() throws {
        let template = PipelineTemplate.text()
        for key in PipelineSchema.keys {
            XCTAssertTrue(template.contains("\(key.name):"), key.path)
            XCTAssertTrue(template.contains(key.help), key.path)
        }
        let c = try PipelineFile.parse(template)
        for key in PipelineSchema.keys where key.defaultValue != nil {
            XCTAssertEqual(c[key], key.defaultValue, key.path)
        }
        // Keys without default stay commented out.
        XCTAssertNil(c[PipelineSchema.epochs])
    }

    func testEditDistanceAgainstHandCountedCases() {
        XCTAssertEqual(PipelineFile.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(PipelineFile.editDistance("", "abc"), 3)
        XCTAssertEqual(PipelineFile.editDistance("abc", ""), 3)
        XCTAssertEqual(PipelineFile.editDistance("szie", "size"), 2)
        XCTAssertEqual(PipelineFile.editDistance("epochs", "epochs"), 0)
    }
}
