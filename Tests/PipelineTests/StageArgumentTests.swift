import Foundation
import XCTest
@testable import Pipeline

/// The exact command lines each stage runs, against the stage CLIs' contract (DESIGN.md §4).
final class StageArgumentTests: XCTestCase {
    let text = """
        archive: /data/archive
        workdir: /w
        seed: 7
        bands: [blue, red, nir]
        indices: [ndvi]
        scenes: {sensor: landsat, from: 2000-01-01, to: 2005-12-31, max_cloud: 40}
        grid: {epsg: 32622, resolution: 30}
        mask: {buffer: 2, snow: true}
        composite: {windows: quarter, reducer: p50}
        fill: {method: none}
        samples: {labels: /l/points.geojson, field: class, size: 5, split: [70, 10, 20], folds: 3}
        train:
          models: [cnn-lstm, rf]
          preset: seed000
          epochs: 30
          batch: 512
          optimizer: sgd
          lr: 0.01
          patience: 4
          hp: ["dropout=0.2", "cnn-lstm:units=16,32"]
          cv_folds: 3
        predict: {model: rf, mask: /l/forest_loss.tif, probabilities: true, confidence: true, tile: 256}
        """

    func stages(quick: Bool = false, shard: String? = nil) throws -> [Stage] {
        StagePlanner(config: try PipelineFile.parse(text), quick: quick).stages(shard: shard)
    }

    func testEveryStageCommandLine() throws {
        let s = try stages()
        XCTAssertEqual(s.map(\.name), [.scenes, .cube, .samples, .train, .evaluate, .cv, .predict])
        XCTAssertEqual(s[0].commands, [StageCommand(arguments: ["scenes", "/data/archive", "--json", "--sensor", "landsat", "--from", "2000-01-01", "--to", "2005-12-31", "--max-cloud", "40"], stdoutFile: "/w/scenes.json")])
        XCTAssertEqual(s[1].commands[0].arguments, [
            "cube", "/data/archive", "-o", "/w/cube", "--sensor", "landsat", "--from", "2000-01-01", "--to", "2005-12-31", "--max-cloud", "40",
            "--windows", "quarter", "--reducer", "p50", "--bands", "blue,red,nir", "--indices", "ndvi", "--fill", "none", "--fill-ends", "nearest",
            "--grid", "EPSG:32622,30", "--buffer", "2", "--mask-snow", "--resampling", "bilinear", "--memory", "1GiB"])
        XCTAssertEqual(s[2].commands[0].arguments, [
            "patches", "/w/cube", "--labels", "/l/points.geojson", "-o", "/w/dataset", "--size", "5", "--field", "class", "--pad", "skip",
            "--split", "70,10,20", "--folds", "3", "--seed", "7"])
        XCTAssertEqual(s[3].commands.map(\.arguments), [
            ["train", "/w/dataset", "--model", "cnn-lstm", "-o", "/w/models/cnn-lstm/model.safetensors", "--preset", "seed000", "--epochs", "30",
             "--batch", "512", "--optimizer", "sgd", "--lr", "0.01", "--seed", "7", "--patience", "4", "--hp", "dropout=0.2", "--hp", "units=16,32"],
            ["train", "/w/dataset", "--model", "rf", "-o", "/w/models/rf/model.safetensors", "--preset", "seed000", "--epochs", "30",
             "--batch", "512", "--optimizer", "sgd", "--lr", "0.01", "--seed", "7", "--patience", "4", "--hp", "dropout=0.2"],
        ])
        XCTAssertEqual(s[4].commands.map(\.arguments), [
            ["evaluate", "/w/models/cnn-lstm/model.safetensors", "/w/dataset", "--split", "test", "-o", "/w/models/cnn-lstm/eval"],
            ["evaluate", "/w/models/rf/model.safetensors", "/w/dataset", "--split", "test", "-o", "/w/models/rf/eval"],
        ])
        XCTAssertEqual(s[5].commands.map(\.arguments), [
            ["cv", "/w/dataset", "--model", "cnn-lstm", "--folds", "3", "-o", "/w/cv/cnn-lstm", "--preset", "seed000", "--epochs", "30",
             "--batch", "512", "--optimizer", "sgd", "--lr", "0.01", "--seed", "7", "--patience", "4", "--hp", "dropout=0.2", "--hp", "units=16,32"],
            ["cv", "/w/dataset", "--model", "rf", "--folds", "3", "-o", "/w/cv/rf", "--preset", "seed000", "--epochs", "30",
             "--batch", "512", "--optimizer", "sgd", "--lr", "0.01", "--seed", "7", "--patience", "4", "--hp", "dropout=0.2"],
        ])
        XCTAssertEqual(s[6].commands[0].arguments, [
            "predict", "/w/models/rf/model.safetensors", "/w/cube", "-o", "/w/map.tif", "--mask", "/l/forest_loss.tif",
            "--probabilities", "/w/probabilities.tif", "--confidence", "/w/confidence.tif", "--tile", "256", "--quicklook", "/w/map.png"])
        XCTAssertEqual(s[6].inputs, ["/w/models/rf/model.safetensors", "/w/cube", "/l/forest_loss.tif"])
    }

    func testQuickCapsEpochsAndFolds() throws {
        let s = try stages(quick: true)
        let train = s[3].commands[0].arguments
        XCTAssertEqual(train[train.firstIndex(of: "--epochs").map { $0 + 1 } ?? 0], "2")
        XCTAssertTrue(s[2].commands[0].arguments.joined(separator: " ").contains("--folds 2"))
        XCTAssertEqual(Array(s[5].commands[0].arguments.prefix(8)), ["cv", "/w/dataset", "--model", "cnn-lstm", "--folds", "2", "-o", "/w/cv/cnn-lstm"])
        let cv = s[5].commands[0].arguments
        XCTAssertEqual(cv[cv.firstIndex(of: "--epochs").map { $0 + 1 } ?? 0], "2", "each fold trains with the quick epochs too")
    }

    func testShardGoesOnlyToCubeAndPredict() throws {
        let s = try stages(shard: "1/3")
        for stage in s {
            let sharded = stage.commands.contains { $0.arguments.suffix(2) == ["--shard", "1/3"] }
            XCTAssertEqual(sharded, stage.name == .cube || stage.name == .predict, stage.name.rawValue)
        }
        let runner = PipelineRunner(config: try PipelineFile.parse(text), binary: "/bin/false")
        XCTAssertThrowsError(try runner.selectedStages(shard: "0/3")) { error in
            XCTAssertTrue("\(error)".contains("--shard splits only the cube and predict stages"), "\(error)")
        }
        XCTAssertEqual(try runner.selectedStages(only: [.cube], shard: "0/3").map(\.name), [.cube])
        XCTAssertEqual(try runner.selectedStages(from: .train, until: .cv).map(\.name), [.train, .evaluate, .cv])
    }

    func testParcelsAndSegmentsStages() throws {
        let parcels = try PipelineFile.parse("archive: a\nworkdir: w\nsamples: {kind: parcels, labels: p.gpkg, field: crop, size: 32}\n")
        XCTAssertEqual(StagePlanner(config: parcels).stages()[2].commands[0].arguments, [
            "parcels", "w/cube", "--parcels", "p.gpkg", "-o", "w/dataset", "--size", "32", "--field", "crop",
            "--split", "75,10,15", "--folds", "3", "--seed", "42"])
        let segments = try PipelineFile.parse("archive: a\nworkdir: w\nsamples: {kind: segments, labels: roads.gpkg, dilate: 2, size: 256}\n")
        XCTAssertEqual(StagePlanner(config: segments).stages()[2].commands[0].arguments, [
            "segments", "w/cube", "--labels", "roads.gpkg", "--size", "256", "--dilate", "2", "-o", "w/dataset"])
    }
}
