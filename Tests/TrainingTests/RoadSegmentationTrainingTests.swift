import Foundation
import Models
import NN
import Samples
import TestSupport
import XCTest
@testable import Training

/// A `sitscube segments`-shaped dataset written by hand: S×S tiles, each crossed by one straight
/// road (a horizontal or vertical band `width` pixels wide, at a random place; every fourth tile
/// has none). Road pixels add +2 standard deviations to every band and date, background is noise,
/// so the masks are learnable from the spectra. Tiles 0..<train are "train", the rest "val";
/// tile i is in fold i % 3.
struct SyntheticSegments {
    let folder: String
    let n: Int, t: Int, c: Int, size: Int, train: Int
    let mean: [Double], std: [Double]
    /// Raw x (N, T, C, S, S) and masks (N, S, S) as written.
    let x: [Float]
    let masks: [UInt8]

    init(folder: String, n: Int = 24, train: Int = 16, t: Int = 3, c: Int = 2, size: Int = 16, width: Int = 2, seed: UInt64 = 5) throws {
        self.folder = folder
        self.n = n; self.t = t; self.c = c; self.size = size; self.train = train
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RNG(seed: seed)
        mean = (0..<c).map { Double($0) * 100 + 500 }
        std = (0..<c).map { Double($0) * 20 + 50 }
        let hw = size * size
        var masks = [UInt8](repeating: 0, count: n * hw)
        var x = [Float](repeating: 0, count: n * t * c * hw)
        for i in 0..<n {
            let at = Int(rng.next() % UInt64(size - width))
            let horizontal = rng.next() % 2 == 0
            for r in 0..<size {
                for k in 0..<size where i % 4 != 3 && (horizontal ? (at..<(at + width)).contains(r) : (at..<(at + width)).contains(k)) {
                    masks[i * hw + r * size + k] = 1
                }
            }
            for tc in 0..<(t * c) {
                let band = tc % c
                for p in 0..<hw {
                    let z = 0.4 * rng.normal() + (masks[i * hw + p] == 1 ? 2 : 0)
                    x[(i * t * c + tc) * hw + p] = Float(mean[band] + std[band] * z)
                }
            }
        }
        self.x = x
        self.masks = masks
        let y = (0..<n).map { i in Int32(masks[(i * hw)..<((i + 1) * hw)].contains(1) ? 1 : 0) }
        try NpyWriter.write(x, type: .float32, shape: [n, t, c, size, size], to: folder + "/x.npy")
        try NpyWriter.write(masks, type: .uint8, shape: [n, size, size], to: folder + "/labels.npy")
        try NpyWriter.write(y, type: .int32, shape: [n], to: folder + "/y.npy")
        var csv = "index,code,class,x,y,row,col,group,split,fold\n"
        for i in 0..<n { csv += "\(i),\(y[i]),\(y[i] == 1 ? "road" : "background"),0,0,0,0,\(i),\(i < train ? "train" : "val"),\(i % 3)\n" }
        try csv.write(toFile: folder + "/samples.csv", atomically: true, encoding: .utf8)
        let manifest: [String: Any] = [
            "format": "sitscube-dataset/1", "kind": "segments", "shape": [n, t, c, size, size], "axes": "NTCHW",
            "bands": (0..<c).map { "b\($0)" }, "times": (0..<t).map { "2000-T\($0)" },
            "classes": [["code": 0, "name": "background", "index": 0], ["code": 1, "name": "road", "index": 1]],
            "arrays": ["x": ["file": "x.npy", "dtype": "float32", "shape": [n, t, c, size, size]],
                       "y": ["file": "y.npy", "dtype": "int32", "shape": [n]],
                       "labels": ["file": "labels.npy", "dtype": "uint8", "shape": [n, size, size]]],
            "normalization": ["scope": "band", "statistics_from": "train", "mean": mean, "std": std, "count": [Int](repeating: 1, count: c)],
            "splits": ["fractions": [2, 1, 0], "folds": 3, "seed": 1, "oversample": false, "grouped_by": "tile"],
            "counts": ["total": n, "by_split": ["train": train, "val": n - train, "test": 0], "by_class": [[String: Any]](), "by_fold": [Int](),
                       "oversampled": 0],
            "skipped": [String: Int](), "settings": ["size": size, "dilate": 0, "keep_nan": false],
            "provenance": ["cube": ["path": "cube", "manifest_sha256": "0"], "labels": ["path": "roads", "sha256": "0", "field": "road"], "tool": "test"],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: folder + "/dataset.json"))
    }

    /// Tiles `rows` normalised by hand ((x − mean)/std), as the network reads them.
    func normalised(rows: [Int]) -> [Float] {
        let hw = size * size, per = t * c * hw
        return rows.flatMap { i in
            (0..<per).map { j in Float((Double(x[i * per + j]) - mean[(j / hw) % c]) / std[(j / hw) % c]) }
        }
    }
}

/// `unet-convlstm` trained on road masks (seed 004 §II-C eq. 2), validated and evaluated per pixel.
final class RoadSegmentationTrainingTests: XCTestCase {
    var tmp: TempFolder!
    override func setUpWithError() throws { tmp = try TempFolder("train-roads") }

    static let tinyUNet = ["--hp", "filters=4,8", "--hp", "pmap=3", "--hp", "lstm=8,8"]

    func options(epochs: Int) -> TrainingOptions {
        var o = TrainingOptions(model: "unet-convlstm")
        o.epochs = epochs; o.batch = 4; o.learningRate = 0.01; o.seed = 2; o.threads = 1; o.augment = true
        o.hyperparameters = ["filters": "4,8", "pmap": "3", "lstm": "8,8"]
        return o
    }

    /// Through the CLI: train learns the roads (road F1 and IoU on the training tiles far above
    /// the ~0.15 a guess at the road share gives), history.json records the road IoU, and
    /// `evaluate`'s per-pixel report equals a confusion matrix counted here from a naive forward.
    func testUNetLearnsRoadsAndEvaluateMatchesANaiveForward() throws {
        let ds = try SyntheticSegments(folder: tmp.file("ds"))
        let model = tmp.file("m/unet.safetensors")
        try FileManager.default.createDirectory(atPath: tmp.file("m"), withIntermediateDirectories: true)
        let train = try SitscubeBinary.run(["train", ds.folder, "--model", "unet-convlstm"] + Self.tinyUNet
            + ["--epochs", "12", "--batch", "4", "--lr", "0.01", "--augment", "--alpha", "0.5", "--seed", "2", "--threads", "1", "-o", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        let history = try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: URL(fileURLWithPath: tmp.file("m/history.json"))))
        XCTAssertEqual(history.count, 12)
        XCTAssertTrue(history.allSatisfy { $0.valRoadIoU != nil })

        let eval = try SitscubeBinary.run(["evaluate", model, ds.folder, "--split", "train", "--threads", "1", "-o", tmp.file("rep")])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let report = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: URL(fileURLWithPath: tmp.file("rep/report.json"))))

        // Naive: the saved network on hand-normalised tiles, road where the logit > 0 (σ > 0.5).
        let (net, meta) = try Network.read(from: URL(fileURLWithPath: model))
        XCTAssertEqual(try ModelCard(metadata: meta).datasetKind, "segments")
        net.setTraining(false)
        let rows = Array(0..<ds.train), hw = ds.size * ds.size
        let logits = try net.forward(try Tensor(shape: [rows.count, ds.t, ds.c, ds.size, ds.size], scalars: ds.normalised(rows: rows))).scalars
        XCTAssertEqual(logits.count, rows.count * hw)
        var counts = [[0, 0], [0, 0]]
        for i in 0..<logits.count { counts[Int(ds.masks[i])][logits[i] > 0 ? 1 : 0] += 1 }
        XCTAssertEqual(report.confusion.counts, counts)
        XCTAssertEqual(report.samples, rows.count * hw)
        let tp = Double(counts[1][1]), fp = Double(counts[0][1]), fn = Double(counts[1][0])
        let roadF1 = 2 * tp / (2 * tp + fp + fn), iou = tp / (tp + fp + fn)
        XCTAssertEqual(report.perClass[1].f1, roadF1, accuracy: 1e-12)
        XCTAssertEqual(report.roadIoU ?? -1, iou, accuracy: 1e-12)
        XCTAssertEqual(report.perClass.map(\.name), ["background", "road"])
        print("road F1 \(roadF1), road IoU \(iou), macro F1 \(report.macroF1) on the training tiles; val road IoU by epoch \(history.map { $0.valRoadIoU ?? 0 })")
        XCTAssertGreaterThan(roadF1, 0.8)
        XCTAssertGreaterThan(iou, 0.65)
    }

    /// A run stopped after 2 epochs and resumed to 4 gives the bytes of 4 epochs in one go
    /// (augmentation draws included); another α refuses the checkpoint.
    func testResumedRoadTrainingEqualsAnUninterruptedOne() throws {
        let ds = try TrainingDataset(folder: try SyntheticSegments(folder: tmp.file("ds"), n: 12, train: 8).folder)
        var o = options(epochs: 4)
        for sub in ["whole", "split"] { try FileManager.default.createDirectory(atPath: tmp.file(sub), withIntermediateDirectories: true) }
        let whole = try Trainer(dataset: ds, options: o).run(output: tmp.file("whole/m.safetensors"))
        XCTAssertEqual(whole.card.datasetKind, "segments")
        o.epochs = 2
        _ = try Trainer(dataset: ds, options: o).run(output: tmp.file("split/m.safetensors"))
        o.epochs = 4
        _ = try Trainer(dataset: ds, options: o).run(output: tmp.file("split/m.safetensors"), resume: true)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("whole/m.safetensors"))),
                       try Data(contentsOf: URL(fileURLWithPath: tmp.file("split/m.safetensors"))))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("whole/history.json"))),
                       try Data(contentsOf: URL(fileURLWithPath: tmp.file("split/history.json"))))
        o.alpha = 0.3
        XCTAssertThrowsError(try Trainer(dataset: ds, options: o).run(output: tmp.file("split/m.safetensors"), resume: true)) {
            XCTAssertTrue("\($0)".contains("other settings"), "\($0)")
        }
    }

    /// The flip/rotation of a tile is applied to its mask too: after augmenting, each mask still
    /// equals the first plane of its tile (built equal before), and some tiles did turn.
    func testAugmentationTurnsMasksWithTheirTiles() throws {
        let n = 16, s = 5, planes = 3
        var values = [Float]()
        for i in 0..<n { for p in 0..<planes { for k in 0..<(s * s) { values.append(Float(i * 1000 + p * 100 + k)) } } }
        let x = try Tensor(shape: [n, planes, s, s], scalars: values)
        let masks = try Tensor(shape: [n, s, s, 1], scalars: (0..<n).flatMap { i in (0..<(s * s)).map { Float(i * 1000 + $0) } })
        var rng = RNG(seed: 9)
        Augmentation.flipRotate(x, planes: planes, h: s, w: s, masks: masks, rng: &rng)
        let xs = x.scalars, ms = masks.scalars
        var turned = 0
        for i in 0..<n {
            let plane0 = Array(xs[(i * planes * s * s)..<(i * planes * s * s + s * s)])
            XCTAssertEqual(Array(ms[(i * s * s)..<((i + 1) * s * s)]), plane0, "tile \(i)")
            if plane0 != (0..<(s * s)).map({ Float(i * 1000 + $0) }) { turned += 1 }
        }
        XCTAssertGreaterThan(turned, 8)
    }

    /// Cross-validation of a segments dataset scores each fold per pixel: cv.json's road IoU
    /// holds each fold's report value, and their mean.
    func testCrossValidationReportsRoadIoUPerFold() throws {
        let ds = try TrainingDataset(folder: try SyntheticSegments(folder: tmp.file("ds"), n: 12, train: 8).folder)
        let result = try CrossValidation.run(dataset: ds, options: options(epochs: 2), folds: 3, directory: tmp.file("cv")) { o, path in
            try Trainer(dataset: ds, options: o).run(output: path)
        }
        let perFold = try (0..<3).map { k -> Double in
            let r = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: URL(fileURLWithPath: tmp.file("cv/fold-\(k)/report.json"))))
            XCTAssertEqual(r.samples, 4 * 16 * 16, "fold \(k): 4 tiles of 256 pixels")
            return try XCTUnwrap(r.roadIoU)
        }
        XCTAssertEqual(result.roadIoU?.values, perFold)
        XCTAssertEqual(result.roadIoU?.mean ?? -1, perFold.reduce(0, +) / 3, accuracy: 1e-12)
    }

    func testRefusals() throws {
        let synthetic = try SyntheticSegments(folder: tmp.file("ds"), n: 8, train: 4)
        let ds = try TrainingDataset(folder: synthetic.folder)
        var o = options(epochs: 1)
        o.model = "cnn2d-stack"
        o.hyperparameters = ["filters": "8,8", "head": "8", "dropout": "0"]
        XCTAssertThrowsError(try Trainer(dataset: ds, options: o)) { XCTAssertTrue("\($0)".contains("segments dataset"), "\($0)") }
        var weighted = options(epochs: 1)
        weighted.classWeights = .balanced
        XCTAssertThrowsError(try Trainer(dataset: ds, options: weighted)) { XCTAssertTrue("\($0)".contains("--alpha"), "\($0)") }
        // A mask value other than 0/1 names labels.npy.
        var masks = synthetic.masks
        masks[300] = 2
        try NpyWriter.write(masks, type: .uint8, shape: [8, 16, 16], to: synthetic.folder + "/labels.npy")
        XCTAssertThrowsError(try TrainingDataset(folder: synthetic.folder)) { XCTAssertTrue("\($0)".contains("labels.npy"), "\($0)") }
        try FileManager.default.removeItem(atPath: synthetic.folder + "/labels.npy")
        XCTAssertThrowsError(try TrainingDataset(folder: synthetic.folder)) { XCTAssertTrue("\($0)".contains("labels.npy"), "\($0)") }
    }
}
