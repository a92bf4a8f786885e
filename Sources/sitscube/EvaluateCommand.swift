import ArgumentParser
import Foundation
import Training

/// `sitscube evaluate MODEL DATASET`: OA, kappa, per-class and macro/micro F1 and the confusion
/// matrix of a trained model on a dataset split, as report.json, report.md and SVG plots.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Score a trained model on a dataset split.")

    @Argument(help: "Model file written by `sitscube train`.") var model: String
    @Argument(help: "Dataset folder.") var dataset: String
    @Option(help: "Rows to score: test, val, train or all.") var split: String = "test"
    @Option(help: "Score fold K (as held out by `train --fold K`) instead of a split.") var fold: Int?
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .shortAndLong, help: "Report folder (default: the model's folder).") var output: String?
    @Option(help: "Hold sample arrays up to this many MiB in memory; larger datasets are read per batch.") var memory: Int = 2048

    func run() throws {
        guard let role = DatasetRole(rawValue: split) else { throw ValidationError("--split must be test, val, train or all, got '\(split)'") }
        guard threads >= 1, threads <= 1024 else { throw ValidationError("--threads must be in 1…1024, got \(threads)") }
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("model file \(model) does not exist") }
        guard memory >= 1, memory <= 1 << 30 else { throw ValidationError("--memory must be in 1…\(1 << 30) MiB, got \(memory)") }
        let data = try TrainingDataset(folder: dataset, memoryBudget: memory << 20)
        let directory = output ?? URL(fileURLWithPath: model).deletingLastPathComponent().path
        let report = try Evaluator.evaluate(modelPath: model, dataset: data, role: role, fold: fold, directory: directory, threads: threads)
        print(String(format: "%@ on %@ (%d samples): OA %.4f  kappa %.4f  macro F1 %.4f  → %@/report.json",
                     model, split, report.samples, report.oa, report.kappa, report.macroF1, directory))
    }
}
