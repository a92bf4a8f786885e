import ArgumentParser
import Foundation
import Training

/// `sitscube cv DATASET --model NAME --folds K -o DIR`: trains K models, fold k held out,
/// and reports each metric's mean ± std (cv.json, cv.md, and each fold's report in DIR/fold-k).
struct CVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv", abstract: "Cross-validate a model over the dataset's folds.")

    @Argument(help: "Dataset folder made with --folds.") var dataset: String
    @OptionGroup var flags: TrainingFlags
    @Option(help: "Number of folds to train (at most the dataset's).") var folds: Int
    @Option(name: .shortAndLong, help: "Output folder.") var output: String

    func run() throws {
        let options = try flags.options(fold: nil)
        let data = try TrainingDataset(folder: dataset, memoryBudget: options.memoryBudget)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let result = try CrossValidation.run(dataset: data, options: options, folds: folds, directory: output) { o, model in
            Log.info("fold \(o.fold ?? 0) held out (\((o.fold ?? 0) + 1) of \(folds))")
            return try trainModel(dataset: data, options: o, output: model, resume: false)
        }
        print(String(format: "%@ %d-fold: OA %.4f ± %.4f  kappa %.4f ± %.4f  macro F1 %.4f ± %.4f  → %@/cv.json", result.model, folds,
                     result.oa.mean, result.oa.std, result.kappa.mean, result.kappa.std, result.macroF1.mean, result.macroF1.std, output))
    }
}
