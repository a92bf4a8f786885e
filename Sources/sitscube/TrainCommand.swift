import ArgumentParser
import Foundation
import Training

/// `sitscube train DATASET --model NAME -o MODEL.safetensors`: trains a model of the zoo (or the
/// random forest) and writes it with its model card, history.json and a checkpoint beside it.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a model on a dataset.")

    @Argument(help: "Dataset folder (from `sitscube patches`, `sitscube parcels` or `sitscube segments`).")
    var dataset: String

    @OptionGroup var flags: TrainingFlags

    @Option(help: "Hold out fold K (validation and test); the other folds train.")
    var fold: Int?

    @Flag(help: "Continue from MODEL.ckpt written by an earlier run with the same settings.")
    var resume = false

    @Option(name: .shortAndLong, help: "Model file to write (.safetensors).")
    var output: String

    func run() throws {
        let options = try flags.options(fold: fold)
        let data = try TrainingDataset(folder: dataset, memoryBudget: options.memoryBudget)
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try trainModel(dataset: data, options: options, output: output, resume: resume)
        print(String(format: "%@: %d epoch(s), best epoch %d, validation macro F1 %.4f", output, result.epochsRun, result.bestEpoch, result.bestMacroF1))
    }
}
