import Foundation
import Models
import NN

/// Training and scoring of one-map segmentation models (`unet-convlstm`) on the road masks of a
/// `sitscube segments` dataset (seed 004 §II-C, §III): the model's logit per pixel gives
/// P(road) = σ(logit); the loss is eq. 2, L = αH − (1 − α) log J (``SegmentationLoss``), and a
/// pixel is road where σ(logit) > 0.5, i.e. logit > 0.
enum RoadSegmentation {
    /// Whether `network` trains on `dataset`'s road masks: a segments dataset (labels.npy) and
    /// a segmentation model with one output map.
    static func applies(network: Network, dataset: TrainingDataset) -> Bool {
        network.task == .segmentation && dataset.hasPixelLabels && network.outputShape(batch: 1).last == 1
    }

    /// Refuses what cannot be trained or scored here, naming the model and the dataset.
    static func check(model: String, task: ModelTask, dataset: TrainingDataset) throws {
        let pixelTrained = Trainer.pixelTrainedSegmentation.contains(model)
        if task == .segmentation && !pixelTrained && !dataset.hasPixelLabels {
            throw TrainingError.unsupported("--model \(model) segments whole tiles: it trains on a `sitscube segments` dataset (labels.npy); \(dataset.folder) is a '\(dataset.manifest.kind)' dataset")
        }
        if pixelTrained && dataset.hasPixelLabels {
            throw TrainingError.unsupported("--model \(model) trains on the labeled pixels of patches or parcels; a segments dataset (\(dataset.folder)) trains one-map models such as unet-convlstm")
        }
    }

    /// (N, H, W, 1) 0/1 targets of `rows` from labels.npy, in `buffers`' tensor for that
    /// batch size (full batches and the shorter last one each keep theirs).
    static func targets(rows: [Int], dataset: TrainingDataset, buffers: inout [Int: Tensor]) throws -> Tensor {
        let t = buffers[rows.count] ?? Tensor(zeros: [rows.count, dataset.input.h, dataset.input.w, 1])
        buffers[rows.count] = t
        try t.withUnsafeMutableBufferPointer { try dataset.fillPixelLabels(rows: rows, into: $0.baseAddress!) }
        return t
    }

    /// Per-pixel confusion counts over `rows` (counts[truth][prediction], 0 background, 1 road)
    /// and the mean loss per tile, in evaluation mode.
    static func scores(_ network: Network, dataset: TrainingDataset, rows: [Int], batchSize: Int, alpha: Double) throws -> (counts: [[Int]], meanLoss: Double) {
        network.setTraining(false)
        defer { network.setTraining(true) }
        let assembler = BatchAssembler(dataset: dataset, source: network.source)
        let loss = try SegmentationLoss(alpha: Float(alpha))
        var counts = [[0, 0], [0, 0]]
        var lossSum = 0.0
        var buffers: [Int: Tensor] = [:]
        var start = 0
        while start < rows.count {
            let chunk = Array(rows[start..<min(rows.count, start + batchSize)])
            let x = try assembler.input(rows: chunk, batchSize: batchSize)
            let logits = try network.forward(x)
            let targets = try Self.targets(rows: chunk, dataset: dataset, buffers: &buffers)
            lossSum += Double(try loss(logits: logits, targets: targets).loss) * Double(chunk.count)
            for i in 0..<logits.count {
                counts[targets[flat: i] > 0.5 ? 1 : 0][logits[flat: i] > 0 ? 1 : 0] += 1
            }
            start += chunk.count
        }
        return (counts, rows.isEmpty ? 0 : lossSum / Double(rows.count))
    }
}

extension ClassificationMetrics {
    /// Intersection over union of class `k`: TP / (TP + FP + FN) (seed 004 §II-C's J, counted).
    public func iou(of k: Int) -> Double {
        guard k < counts.count else { return 0 }
        let tp = counts[k][k]
        let fn = counts[k].reduce(0, +) - tp
        let fp = counts.reduce(0) { $0 + $1[k] } - tp
        return tp + fn + fp > 0 ? Double(tp) / Double(tp + fn + fp) : 0
    }
}
