import Foundation
import Models

/// `report.json` of `sitscube evaluate` (and of each fold of `sitscube cv`).
public struct EvaluationReport: Codable, Equatable {
    public struct ClassScore: Codable, Equatable {
        public var code: Int, name: String
        public var precision: Double, recall: Double, f1: Double
        public var support: Int
    }
    public struct Confusion: Codable, Equatable {
        /// counts[i][j]: samples of class i predicted as class j (classes in index order).
        public var counts: [[Int]]
        /// Rows divided by their sums.
        public var normalized: [[Double]]
        /// Class names in index order.
        public var classes: [String]
    }

    public var model: String
    public var split: String
    public var samples: Int
    public var oa: Double
    public var kappa: Double
    public var macroF1: Double
    public var microF1: Double
    public var perClass: [ClassScore]
    public var confusion: Confusion
    /// IoU of the road class, for a one-map model scored per pixel on a segments dataset
    /// (`samples` then counts pixels).
    public var roadIoU: Double? = nil

    enum CodingKeys: String, CodingKey {
        case roadIoU = "road_iou"
        case model, split, samples, oa, kappa, confusion
        case macroF1 = "macro_f1"
        case microF1 = "micro_f1"
        case perClass = "per_class"
    }

    public init(model: String, split: String, metrics m: ClassificationMetrics, classes: [ModelCard.ClassEntry]) {
        let ordered = classes.sorted { $0.index < $1.index }
        self.model = model
        self.split = split
        samples = m.total
        oa = m.overallAccuracy
        kappa = m.kappa
        macroF1 = m.macroF1
        microF1 = m.microF1
        perClass = zip(ordered, m.perClass).map { c, s in
            ClassScore(code: c.code, name: c.name, precision: s.precision, recall: s.recall, f1: s.f1, support: s.support)
        }
        confusion = Confusion(counts: m.counts, normalized: m.normalized, classes: ordered.map(\.name))
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The same numbers as a Markdown page.
    public func markdown() -> String {
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        var lines = ["# Evaluation of \(model) on the \(split) split", "",
                     roadIoU == nil ? "\(samples) samples." : "\(samples) pixels of road-mask tiles.", "",
                     "| metric | value |", "|---|---|",
                     "| overall accuracy | \(f(oa)) |", "| Cohen's kappa | \(f(kappa)) |",
                     "| macro F1 | \(f(macroF1)) |", "| micro F1 | \(f(microF1)) |"]
        if let roadIoU { lines.append("| road IoU | \(f(roadIoU)) |") }
        lines += ["",
                     "## Per class", "", "| code | class | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
        for c in perClass { lines.append("| \(c.code) | \(c.name) | \(f(c.precision)) | \(f(c.recall)) | \(f(c.f1)) | \(c.support) |") }
        lines += ["", "## Confusion matrix (rows: truth, columns: prediction)", "",
                  "| | " + confusion.classes.joined(separator: " | ") + " |",
                  "|---|" + String(repeating: "---|", count: confusion.classes.count)]
        for (name, row) in zip(confusion.classes, confusion.counts) {
            lines.append("| **\(name)** | " + row.map(String.init).joined(separator: " | ") + " |")
        }
        lines += ["", "![confusion matrix](confusion.svg)", ""]
        return lines.joined(separator: "\n")
    }
}

/// Scores a trained model on a dataset split (issue 7 "Evaluation").
public enum Evaluator {
    /// Checks that the model was trained on data shaped like `dataset`: same bands, times
    /// and classes (codes in index order).
    public static func checkCompatible(card: ModelCard, dataset: TrainingDataset, modelPath: String) throws {
        let m = dataset.manifest
        guard card.bands == m.bands else {
            throw TrainingError.invalidOption("\(modelPath) was trained on bands \(card.bands), dataset \(dataset.folder) has \(m.bands)")
        }
        guard card.times == m.times else {
            throw TrainingError.invalidOption("\(modelPath) was trained on times \(card.times), dataset \(dataset.folder) has \(m.times)")
        }
        let a = card.classes.sorted { $0.index < $1.index }.map(\.code), b = m.classes.sorted { $0.index < $1.index }.map(\.code)
        guard a == b else {
            throw TrainingError.invalidOption("\(modelPath) predicts class codes \(a), dataset \(dataset.folder) has \(b)")
        }
    }

    /// The confusion-matrix scores of `model` on `rows` of `dataset`.
    public static func metrics(of model: TrainedModel, dataset: TrainingDataset, rows: [Int], threads: Int = 1, batchSize: Int = 256) throws -> ClassificationMetrics {
        let predicted: [Int]
        switch model {
        case let .network(network):
            guard network.inputShape == dataset.input else {
                throw TrainingError.invalidOption("the model reads samples of \(network.inputShape), dataset \(dataset.folder) holds \(dataset.input)")
            }
            try RoadSegmentation.check(model: network.name, task: network.task, dataset: dataset)
            if RoadSegmentation.applies(network: network, dataset: dataset) {
                // Per-pixel scores over background and road (seed 004).
                let s = try RoadSegmentation.scores(network, dataset: dataset, rows: rows, batchSize: batchSize, alpha: 0.5)
                return ClassificationMetrics(confusion: s.counts)
            }
            guard network.task == .classification || Trainer.pixelTrainedSegmentation.contains(network.name) else {
                throw TrainingError.unsupported("segmentation model \(network.name) gives \(network.outputShape(batch: 1).last ?? 0) maps; \(dataset.folder) needs one road map")
            }
            if network.source == .features && !dataset.hasFeatures {
                throw TrainingError.invalidOption("model \(network.name) reads features.npy, which \(dataset.folder) lacks")
            }
            predicted = try predictNetwork(network, dataset: dataset, rows: rows, batchSize: batchSize).classes
        case let .forest(forest):
            predicted = try ForestTrainer.predictForest(forest, dataset: dataset, rows: rows, threads: threads)
        }
        return ClassificationMetrics(truth: rows.map { dataset.labels[$0] }, predicted: predicted, classes: dataset.classCount)
    }

    /// Reads a model file, scores it and writes report.json, report.md, confusion.svg and
    /// (when history.json lies beside the model) learning_curves.svg into `directory`.
    @discardableResult
    public static func evaluate(modelPath: String, dataset: TrainingDataset, role: DatasetRole, fold: Int?,
                                directory: String, threads: Int = 1) throws -> EvaluationReport {
        let (model, card, meta) = try TrainedModel.read(from: URL(fileURLWithPath: modelPath))
        try checkCompatible(card: card, dataset: dataset, modelPath: modelPath)
        let rows = try dataset.rows(role, fold: fold)
        guard !rows.isEmpty else {
            throw TrainingError.invalidOption("dataset \(dataset.folder) has no samples in the \(role.rawValue) split\(fold.map { " of fold \($0)" } ?? "")")
        }
        let m = try metrics(of: model, dataset: dataset, rows: rows, threads: threads)
        var report = EvaluationReport(model: meta["model"] ?? "?", split: role.rawValue, metrics: m, classes: card.classes)
        if case let .network(net) = model, RoadSegmentation.applies(network: net, dataset: dataset) { report.roadIoU = m.iou(of: 1) }
        let history = URL(fileURLWithPath: modelPath).deletingLastPathComponent().appendingPathComponent("history.json")
        let records = (try? Data(contentsOf: history)).flatMap { try? JSONDecoder().decode([EpochRecord].self, from: $0) }
        try write(report, history: records, to: directory)
        return report
    }

    /// Writes the report files atomically into `directory` (created when missing).
    public static func write(_ report: EvaluationReport, history: [EpochRecord]?, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: directory)
        try report.json().write(to: base.appendingPathComponent("report.json"), options: .atomic)
        try Data(report.markdown().utf8).write(to: base.appendingPathComponent("report.md"), options: .atomic)
        try Data(SVGPlots.confusion(report.confusion).utf8).write(to: base.appendingPathComponent("confusion.svg"), options: .atomic)
        if let history, !history.isEmpty {
            try Data(SVGPlots.learningCurves(history).utf8).write(to: base.appendingPathComponent("learning_curves.svg"), options: .atomic)
        }
    }
}
