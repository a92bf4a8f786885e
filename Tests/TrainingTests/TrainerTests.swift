import Foundation
import Models
import NN
import Samples
import TestSupport
import XCTest
@testable import Training

/// Small hyper-parameters per model so each trains in a fraction of a second.
let tinyHyperparameters: [String: [String: String]] = [
    "cnn2d": ["filters": "4,4,8,8,8,8", "dense": "32,16", "dropout": "0"],
    "lstm": ["units": "8,16", "dense": "32,16", "dropout": "0"],
    "cnn3d": ["filters": "4,4,8,8,8,8", "dense": "32,16", "dropout": "0"],
    "cnn-lstm": ["filters": "4,4,8,8,8,8", "units": "8,16", "dense": "32,16", "dropout": "0"],
    "convlstm": ["filters": "4,8,8", "dense": "16,16", "dropout": "0"],
    "cnn-mhsa": ["filters": "4,4,8,8,8,8", "heads": "2", "ff": "8", "dense": "32,16", "dropout": "0"],
    "lstm-pixel": ["units": "16"],
    "tempcnn": ["filters": "8,8,8", "kernel": "3", "dense": "16", "dropout": "0.1"],
    "cnn3d-cls": ["filters": "4,4", "dense": "16", "dropout": "0"],
    "cnn2d-stack": ["filters": "8,8", "head": "8", "dropout": "0"],
    "spatiotemp-cnn": ["temp_filters": "8,8", "temp_dense": "16", "temp_kernel": "3", "filters": "4,4", "dense": "16", "dropout": "0"],
    "parcel-cnn": ["kernels": "4,4,8", "mlp": "16,16"],
    "gru-stats": ["hidden": "16", "mlp": "16"],
    "cnn-gru": ["kernels": "4,4,8", "hidden": "16", "mlp": "16"],
    "parcel-convlstm": ["kernels": "4,8", "mlp": "16,16"],
]

final class TrainerTests: XCTestCase {
    var tmp: TempFolder!
    override func setUpWithError() throws { tmp = try TempFolder("train") }

    func options(_ model: String, epochs: Int = 2, lr: Double = 3e-3, batch: Int = 8) -> TrainingOptions {
        var o = TrainingOptions(model: model)
        o.epochs = epochs
        o.batch = batch
        o.learningRate = lr
        o.seed = 3
        o.threads = 1
        o.hyperparameters = tinyHyperparameters[model] ?? [:]
        return o
    }

    // MARK: Loading

    func testLoaderNormalisesSplitsAndFolds() throws {
        let nanIndex = 5 * 4 * 3 * 81 + 7  // row 5, first plane, pixel 7
        let synthetic = try SyntheticDataset(folder: tmp.file("ds"), nanAt: nanIndex)
        for budget in [1 << 30, 0] {  // held in memory, then streamed per batch
            let ds = try TrainingDataset(folder: synthetic.folder, memoryBudget: budget)
            XCTAssertEqual(ds.input, InputShape(t: 4, c: 3, h: 9, w: 9))
            XCTAssertEqual(try ds.rows(.train), (0..<48).filter { ($0 / 3) % 6 < 4 })
            XCTAssertEqual(try ds.rows(.validation), (0..<48).filter { ($0 / 3) % 6 == 4 })
            XCTAssertEqual(try ds.rows(.test), (0..<48).filter { ($0 / 3) % 6 == 5 })
            XCTAssertEqual(try ds.rows(.train, fold: 1), (0..<48).filter { ($0 / 3) % 3 != 1 })
            XCTAssertEqual(try ds.rows(.test, fold: 1), (0..<48).filter { ($0 / 3) % 3 == 1 })
            let rows = [5, 0, 47]
            var out = [Float](repeating: -1, count: rows.count * ds.sampleSize)
            try out.withUnsafeMutableBufferPointer { try ds.fillX(rows: rows, into: $0.baseAddress!) }
            for (i, r) in rows.enumerated() {
                for k in 0..<ds.sampleSize {
                    let c = (k / 81) % 3
                    let raw = synthetic.x[r * ds.sampleSize + k]
                    let want = raw.isNaN ? 0 : Float((Double(raw) - synthetic.mean[c]) / synthetic.std[c])
                    XCTAssertEqual(out[i * ds.sampleSize + k], want, accuracy: 1e-4, "row \(r) value \(k)")
                }
            }
            XCTAssertEqual(out[7], 0, "NaN becomes 0 after normalising")
        }
        XCTAssertEqual(TrainingDataset.csvFields("1,\"a, \"\"b\"\"\",c"), ["1", "a, \"b\"", "c"])
    }

    /// Parcels: pixels outside the mask are 0 after normalising (x.npy holds 0 there, not a
    /// measurement); features are normalised means and std-scaled spreads.
    func testParcelMaskAndFeaturesNormalisation() throws {
        let synthetic = try SyntheticDataset(folder: tmp.file("parcels"), n: 6, size: 4, parcels: true)
        var mask = [UInt8](repeating: 1, count: 6 * 16)
        mask[16 + 5] = 0  // row 1, pixel (1, 1)
        try NpyWriter.write(mask, type: .uint8, shape: [6, 4, 4], to: synthetic.folder + "/mask.npy")
        let features = try NpyReader(path: synthetic.folder + "/features.npy").readAll(as: Float.self)
        let ds = try TrainingDataset(folder: synthetic.folder)
        var x = [Float](repeating: -1, count: ds.sampleSize)
        try x.withUnsafeMutableBufferPointer { try ds.fillX(rows: [1], into: $0.baseAddress!) }
        for plane in 0..<12 {
            XCTAssertEqual(x[plane * 16 + 5], 0)
            let c = plane % 3
            let raw = synthetic.x[ds.sampleSize + plane * 16 + 6]
            XCTAssertEqual(x[plane * 16 + 6], Float((Double(raw) - synthetic.mean[c]) / synthetic.std[c]), accuracy: 1e-4)
        }
        XCTAssertEqual(try ds.labeledPixels(row: 1).count, 15)
        var f = [Float](repeating: -1, count: ds.featureSize)
        try f.withUnsafeMutableBufferPointer { try ds.fillFeatures(rows: [2], into: $0.baseAddress!) }
        for t in 0..<4 {
            for c in 0..<3 {
                let m = features[2 * 24 + t * 6 + c], s = features[2 * 24 + t * 6 + 3 + c]
                XCTAssertEqual(f[t * 6 + c], Float((Double(m) - synthetic.mean[c]) / synthetic.std[c]), accuracy: 1e-4)
                XCTAssertEqual(f[t * 6 + 3 + c], Float(Double(s) / synthetic.std[c]), accuracy: 1e-4)
            }
        }
    }

    func testForestFeaturesAreTheCentrePixelSeriesTMajor() throws {
        let synthetic = try SyntheticDataset(folder: tmp.file("ds"))
        let ds = try TrainingDataset(folder: synthetic.folder)
        let (f, columns) = try ds.forestFeatures(rows: [2])
        XCTAssertEqual(columns, 12)
        for t in 0..<4 {
            for c in 0..<3 {
                let raw = synthetic.x[2 * ds.sampleSize + (t * 3 + c) * 81 + 40]  // centre (4, 4)
                XCTAssertEqual(f[t * 3 + c], Float((Double(raw) - synthetic.mean[c]) / synthetic.std[c]), accuracy: 1e-4)
            }
        }
    }

    // MARK: Training

    /// Every classification model of the registry trains through the trainer and lowers the
    /// training loss below its initial value.
    func testEveryClassificationModelLowersItsTrainingLoss() throws {
        let patches = try SyntheticDataset(folder: tmp.file("patches"))
        let parcels = try SyntheticDataset(folder: tmp.file("parcels"), n: 36, size: 22, parcels: true)
        for spec in ModelRegistry.all where spec.task == .classification || Trainer.pixelTrainedSegmentation.contains(spec.name) {
            guard tinyHyperparameters[spec.name] != nil else { XCTFail("no tiny settings for \(spec.name)"); continue }
            let parcelModel = ["parcel-cnn", "cnn-gru", "gru-stats", "parcel-convlstm"].contains(spec.name)
            let ds = try TrainingDataset(folder: parcelModel ? parcels.folder : patches.folder)
            let trainer = try Trainer(dataset: ds, options: options(spec.name, epochs: 3))
            let rows = try ds.rows(.train)
            let before = try predictNetwork(trainer.network, dataset: ds, rows: rows, batchSize: 16).meanLoss
            let result = try trainer.run(output: tmp.file("\(spec.name).safetensors"))
            let after = try predictNetwork(trainer.network, dataset: ds, rows: rows, batchSize: 16).meanLoss
            XCTAssertLessThan(after, before, spec.name)
            XCTAssertEqual(result.history.count, 3, spec.name)
        }
    }

    func testSmallModelsOverfitThirtyTwoSamples() throws {
        // 32 noisy training samples; the validation split repeats them, so the kept epoch is
        // the one that fits them best.
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds"), n: 64, noise: 1.0, memorise: true).folder)
        for model in ["tempcnn", "cnn2d"] {
            var o = options(model, epochs: 30, lr: 1e-2)
            o.hyperparameters["dropout"] = "0"
            let trainer = try Trainer(dataset: ds, options: o)
            _ = try trainer.run(output: tmp.file("\(model).safetensors"))
            let train = try ds.rows(.train)
            XCTAssertEqual(train.count, 32)
            let (m, _) = try evaluateNetwork(trainer.network, dataset: ds, rows: train, batchSize: 32)
            XCTAssertEqual(m.overallAccuracy, 1, "\(model) fits its 32 training samples")
        }
    }

    /// cnn2d-stack (seed 002 §2.2.2) learns through the labeled pixels only: the parcel mask's
    /// pixels, or a patch's centre. The masked loss matches a direct computation on one pixel.
    func testSegmentationModelTrainsThroughTheLabeledPixels() throws {
        let logits = try Tensor(shape: [1, 1, 2, 2], scalars: [2, 0, 0, 1])
        let (loss, grad) = try MaskedPixelCrossEntropy()(logits: logits, labels: [1], pixels: [[0]])
        let p0 = exp(2.0) / (exp(2.0) + 1), p1 = 1 / (exp(2.0) + 1)
        XCTAssertEqual(Double(loss), -log(p1), accuracy: 1e-5)
        XCTAssertEqual(grad.scalars.map(Double.init), [p0, p1 - 1, 0, 0], accuracy: 1e-6)

        let parcels = try SyntheticDataset(folder: tmp.file("parcels"), n: 36, size: 22, parcels: true)
        let ds = try TrainingDataset(folder: parcels.folder)
        XCTAssertEqual(try ds.labeledPixels(row: 0).count, 22 * 22, "every pixel of the all-ones mask")
        let patches = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("patches")).folder)
        XCTAssertEqual(try patches.labeledPixels(row: 0), [4 * 9 + 4], "the centre of a 9×9 patch")
        let trainer = try Trainer(dataset: patches, options: options("cnn2d-stack", epochs: 12, lr: 1e-2))
        _ = try trainer.run(output: tmp.file("seg.safetensors"))
        let m = try Evaluator.metrics(of: .network(trainer.network), dataset: patches, rows: try patches.rows(.test))
        XCTAssertGreaterThan(m.macroF1, 0.8)
    }

    func testSameSeedAndThreadsGiveTheSameBytes() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        var o = options("tempcnn", epochs: 2)
        o.augment = true
        o.oversample = true
        for name in ["a", "b"] { _ = try Trainer(dataset: ds, options: o).run(output: tmp.file("\(name)/m.safetensors").creatingFolder()) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("a/m.safetensors"))),
                       try Data(contentsOf: URL(fileURLWithPath: tmp.file("b/m.safetensors"))))
        o.seed = 4
        _ = try Trainer(dataset: ds, options: o).run(output: tmp.file("c/m.safetensors").creatingFolder())
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("a/m.safetensors"))),
                          try Data(contentsOf: URL(fileURLWithPath: tmp.file("c/m.safetensors"))))
    }

    /// Four epochs in one go, and two epochs then `resume` to four, give the same model bytes
    /// (tempcnn keeps dropout on, so the mask generators must continue too; Adam's moments and
    /// the shuffling generator travel in the checkpoint).
    func testResumedTrainingEqualsAnUninterruptedOne() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        var o = options("tempcnn", epochs: 4)
        o.shuffleTime = true
        _ = try Trainer(dataset: ds, options: o).run(output: tmp.file("whole/m.safetensors").creatingFolder())
        o.epochs = 2
        _ = try Trainer(dataset: ds, options: o).run(output: tmp.file("split/m.safetensors").creatingFolder())
        o.epochs = 4
        let resumed = try Trainer(dataset: ds, options: o).run(output: tmp.file("split/m.safetensors"), resume: true)
        XCTAssertEqual(resumed.history.count, 4)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("whole/m.safetensors"))),
                       try Data(contentsOf: URL(fileURLWithPath: tmp.file("split/m.safetensors"))))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("whole/history.json"))),
                       try Data(contentsOf: URL(fileURLWithPath: tmp.file("split/history.json"))))
        // Other settings refuse the checkpoint.
        o.learningRate = 1e-2
        XCTAssertThrowsError(try Trainer(dataset: ds, options: o).run(output: tmp.file("split/m.safetensors"), resume: true)) {
            XCTAssertTrue("\($0)".contains("other settings"), "\($0)")
        }
    }

    func testEarlyStoppingAndTheBestEpochIsKept() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        var o = options("tempcnn", epochs: 40, lr: 1e-2)
        o.patience = 2
        let trainer = try Trainer(dataset: ds, options: o)
        let result = try trainer.run(output: tmp.file("m.safetensors"))
        let best = result.history.map(\.valMacroF1).max() ?? -1
        XCTAssertEqual(result.bestMacroF1, best)
        XCTAssertEqual(result.history[result.bestEpoch - 1].valMacroF1, best)
        XCTAssertLessThan(result.history.count, 40, "stops once validation macro F1 stalls for 2 epochs")
        XCTAssertEqual(result.history.count, result.bestEpoch + 2)
        // The file holds the best epoch's weights: evaluating it gives the best validation F1.
        let (network, _) = try Network.read(from: URL(fileURLWithPath: tmp.file("m.safetensors")))
        let (m, _) = try evaluateNetwork(network, dataset: ds, rows: try ds.rows(.validation), batchSize: 8)
        XCTAssertEqual(m.macroF1, best, accuracy: 1e-12)
    }

    /// The model file carries the card `predict` needs, and save → load → evaluate gives the
    /// report of the in-memory model.
    func testModelCardAndSavedModelEvaluatesLikeTheInMemoryOne() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        let trainer = try Trainer(dataset: ds, options: options("tempcnn", epochs: 2))
        _ = try trainer.run(output: tmp.file("model/m.safetensors").creatingFolder())
        let (model, card, meta) = try TrainedModel.read(from: URL(fileURLWithPath: tmp.file("model/m.safetensors")))
        XCTAssertEqual(meta["model"], "tempcnn")
        XCTAssertEqual(card.bands, ["b0", "b1", "b2"])
        XCTAssertEqual(card.times.count, 4)
        XCTAssertEqual(card.classes.map(\.code), [1, 2, 3])
        XCTAssertEqual(card.classes.map(\.name), ["class, 1", "class, 2", "class, 3"])
        XCTAssertEqual(card.normalization.mean, [[5, 15, 25]])
        XCTAssertEqual(card.border, "reflect")
        XCTAssertEqual(card.datasetKind, "patches")
        XCTAssertEqual(card.training["epochs_run"], "2")
        XCTAssertEqual(card.training["optimizer"], "adam")
        let rows = try ds.rows(.test)
        let inMemory = try Evaluator.metrics(of: .network(trainer.network), dataset: ds, rows: rows)
        let loaded = try Evaluator.metrics(of: model, dataset: ds, rows: rows)
        XCTAssertEqual(inMemory, loaded)
        let report = try Evaluator.evaluate(modelPath: tmp.file("model/m.safetensors"), dataset: ds, role: .test, fold: nil,
                                            directory: tmp.file("report"))
        XCTAssertEqual(report, EvaluationReport(model: "tempcnn", split: "test", metrics: inMemory, classes: card.classes))
        for file in ["report.json", "report.md", "confusion.svg", "learning_curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("report/" + file)), file)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("report/report.json")))) as? [String: Any]
        for key in ["oa", "kappa", "macro_f1", "micro_f1", "per_class", "confusion"] { XCTAssertNotNil(json?[key], key) }
        XCTAssertEqual((json?["oa"] as? Double) ?? -1, inMemory.overallAccuracy, accuracy: 1e-12)
    }

    func testRandomForestIsDeterministicAndScored() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        var o = TrainingOptions(model: "rf")
        o.trees = 10
        o.minLeaf = 1
        o.seed = 9
        o.threads = 2
        _ = try ForestTrainer.train(dataset: ds, options: o, output: tmp.file("a/rf.safetensors").creatingFolder())
        o.threads = 1
        _ = try ForestTrainer.train(dataset: ds, options: o, output: tmp.file("b/rf.safetensors").creatingFolder())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("a/rf.safetensors"))),
                       try Data(contentsOf: URL(fileURLWithPath: tmp.file("b/rf.safetensors"))))
        let (model, card, _) = try TrainedModel.read(from: URL(fileURLWithPath: tmp.file("a/rf.safetensors")))
        guard case let .forest(forest) = model else { return XCTFail("not a forest") }
        XCTAssertEqual(forest.treeCount, 10)
        XCTAssertEqual(forest.featureCount, 12)
        XCTAssertEqual(card.training["trees"], "10")
        // The synthetic classes are well apart: the forest separates the test rows.
        let m = try Evaluator.metrics(of: model, dataset: ds, rows: try ds.rows(.test))
        XCTAssertGreaterThan(m.macroF1, 0.9)
    }

    func testCrossValidationSummarisesEachFold() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        var o = TrainingOptions(model: "rf")
        o.trees = 5
        let result = try CrossValidation.run(dataset: ds, options: o, folds: 3, directory: tmp.file("cv")) { opts, path in
            try ForestTrainer.train(dataset: ds, options: opts, output: path)
        }
        XCTAssertEqual(result.oa.values.count, 3)
        for k in 0..<3 {
            let data = try Data(contentsOf: URL(fileURLWithPath: tmp.file("cv/fold-\(k)/report.json")))
            let report = try JSONDecoder().decode(EvaluationReport.self, from: data)
            XCTAssertEqual(report.samples, try ds.rows(.test, fold: k).count)
            XCTAssertEqual(report.oa, result.oa.values[k])
        }
        let v = result.oa.values, mean = v.reduce(0, +) / 3
        XCTAssertEqual(result.oa.mean, mean, accuracy: 1e-12)
        XCTAssertEqual(result.oa.std, (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("cv/cv.md")))
    }

    // MARK: Bad input

    func testBadOptionsAreRefusedWithClearErrors() throws {
        let ds = try TrainingDataset(folder: try SyntheticDataset(folder: tmp.file("ds")).folder)
        func refused(_ change: (inout TrainingOptions) -> Void, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
            var o = options("tempcnn")
            change(&o)
            XCTAssertThrowsError(try Trainer(dataset: ds, options: o), file: file, line: line) {
                XCTAssertTrue("\($0)".contains(fragment), "\($0)", file: file, line: line)
            }
        }
        refused({ $0.model = "nope" }, "--model 'nope' is unknown")
        refused({ $0.epochs = 0 }, "--epochs must be at least 1")
        refused({ $0.learningRate = 0 }, "--lr must be a positive number")
        refused({ $0.batch = -1 }, "--batch must be at least 1")
        refused({ $0.momentum = 1.5 }, "--momentum")
        refused({ $0.preset = "seed009" }, "--preset 'seed009' is unknown")
        refused({ $0.fold = 3 }, "--fold 3 is out of range")
        refused({ $0.patience = 0 }, "--patience must be at least 1")
        refused({ $0.alpha = 1.5 }, "--alpha must be in [0, 1]")
        refused({ $0.hyperparameters = ["bogus": "1"] }, "bogus")
        for spec in ModelRegistry.all where spec.task == .segmentation && !Trainer.pixelTrainedSegmentation.contains(spec.name) {
            refused({ $0.model = spec.name }, "trains on a `sitscube segments` dataset")
        }
        refused({ $0.model = "gru-stats" }, "features.npy")
        XCTAssertThrowsError(try TrainingOptions.hyperparameters(["novalue"])) { XCTAssertTrue("\($0)".contains("key=value")) }
    }

    func testDatasetProblemsNameTheFile() throws {
        let synthetic = try SyntheticDataset(folder: tmp.file("ds"))
        // No validation rows.
        let csv = try String(contentsOfFile: synthetic.folder + "/samples.csv", encoding: .utf8).replacingOccurrences(of: ",val,", with: ",train,")
        try csv.write(toFile: synthetic.folder + "/samples.csv", atomically: true, encoding: .utf8)
        let ds = try TrainingDataset(folder: synthetic.folder)
        XCTAssertThrowsError(try Trainer(dataset: ds, options: options("tempcnn"))) { XCTAssertTrue("\($0)".contains("no validation samples"), "\($0)") }
        // A label outside the class table.
        try NpyWriter.write([Int32](repeating: 7, count: 48), type: .int32, shape: [48], to: synthetic.folder + "/y.npy")
        XCTAssertThrowsError(try TrainingDataset(folder: synthetic.folder)) { XCTAssertTrue("\($0)".contains("y.npy"), "\($0)") }
        // A samples.csv of the wrong length.
        try NpyWriter.write([Int32](repeating: 0, count: 48), type: .int32, shape: [48], to: synthetic.folder + "/y.npy")
        try "index,code,class,x,y,row,col,group,split,fold\n0,1,a,0,0,0,0,g,train,0\n".write(toFile: synthetic.folder + "/samples.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainingDataset(folder: synthetic.folder)) { XCTAssertTrue("\($0)".contains("samples.csv: has 1 rows"), "\($0)") }
        XCTAssertThrowsError(try TrainingDataset(folder: tmp.file("missing"))) { XCTAssertTrue("\($0)".contains("dataset.json"), "\($0)") }
    }
}

extension String {
    /// Creates the folder of this path and returns the path.
    func creatingFolder() throws -> String {
        try FileManager.default.createDirectory(atPath: (self as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return self
    }
}
