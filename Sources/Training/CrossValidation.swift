import Foundation

/// K-fold cross-validation as the papers report it (seed 000 §2.3: three folds, mean ± std;
/// seed 003 §4: five folds): fold k held out, a model trained on the others and scored on
/// fold k. The held-out fold serves both early stopping and the score (the dataset's folds
/// carry no separate test share).
public enum CrossValidation {
    /// Mean and sample standard deviation (n − 1; 0 for one fold) of one metric over the folds.
    public struct Summary: Codable, Equatable {
        public var mean: Double
        public var std: Double
        public var values: [Double]

        public init(_ values: [Double]) {
            self.values = values
            let n = Double(values.count)
            mean = values.isEmpty ? 0 : values.reduce(0, +) / n
            let m = mean
            std = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
        }
    }

    public struct Result: Codable, Equatable {
        public var model: String
        public var folds: Int
        public var oa: Summary
        public var kappa: Summary
        public var macroF1: Summary
        public var microF1: Summary
        /// Per class name: F1 over the folds.
        public var perClassF1: [String: Summary]
        /// Road IoU over the folds, for a one-map model on a segments dataset.
        public var roadIoU: Summary? = nil

        enum CodingKeys: String, CodingKey {
            case roadIoU = "road_iou"
            case model, folds, oa, kappa
            case macroF1 = "macro_f1"
            case microF1 = "micro_f1"
            case perClassF1 = "per_class_f1"
        }
    }

    /// Trains `folds` models into `directory/fold-k/` through `train` (which writes the model
    /// file it is given), evaluates each on its fold and writes cv.json and cv.md.
    public static func run(dataset: TrainingDataset, options: TrainingOptions, folds: Int, directory: String,
                           train: (TrainingOptions, String) throws -> TrainingResult) throws -> Result {
        guard folds >= 2 else { throw TrainingError.invalidOption("--folds must be at least 2, got \(folds)") }
        guard dataset.foldCount >= folds else {
            throw TrainingError.invalidOption("--folds \(folds): dataset \(dataset.folder) has \(dataset.foldCount) fold(s); make it with `--folds \(folds)`")
        }
        var reports: [EvaluationReport] = []
        for k in 0..<folds {
            var o = options
            o.fold = k
            let folder = directory + "/fold-\(k)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let model = folder + "/model.safetensors"
            _ = try train(o, model)
            reports.append(try Evaluator.evaluate(modelPath: model, dataset: dataset, role: .test, fold: k, directory: folder, threads: o.threads))
        }
        var perClass: [String: Summary] = [:]
        for (i, c) in (reports.first?.perClass ?? []).enumerated() {
            perClass[c.name] = Summary(reports.map { $0.perClass[i].f1 })
        }
        var result = Result(model: options.model, folds: folds, oa: Summary(reports.map(\.oa)), kappa: Summary(reports.map(\.kappa)),
                            macroF1: Summary(reports.map(\.macroF1)), microF1: Summary(reports.map(\.microF1)), perClassF1: perClass)
        let ious = reports.compactMap(\.roadIoU)
        if ious.count == reports.count { result.roadIoU = Summary(ious) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: directory + "/cv.json"), options: .atomic)
        try Data(markdown(result).utf8).write(to: URL(fileURLWithPath: directory + "/cv.md"), options: .atomic)
        return result
    }

    static func markdown(_ r: Result) -> String {
        func f(_ s: Summary) -> String { String(format: "%.4f ± %.4f", s.mean, s.std) }
        var lines = ["# \(r.folds)-fold cross-validation of \(r.model)", "", "Mean ± sample standard deviation over the folds.", "",
                     "| metric | mean ± std |", "|---|---|", "| overall accuracy | \(f(r.oa)) |", "| Cohen's kappa | \(f(r.kappa)) |",
                     "| macro F1 | \(f(r.macroF1)) |", "| micro F1 | \(f(r.microF1)) |"]
        if let iou = r.roadIoU { lines.append("| road IoU | \(f(iou)) |") }
        lines += ["", "| class | F1 mean ± std |", "|---|---|"]
        for (name, s) in r.perClassF1.sorted(by: { $0.key < $1.key }) { lines.append("| \(name) | \(f(s)) |") }
        return lines.joined(separator: "\n") + "\n"
    }
}
