import ArgumentParser
import Foundation
import Training

/// The training flags `sitscube train` and `sitscube cv` share.
struct TrainingFlags: ParsableArguments {
    @Option(help: "Model name (see `sitscube models`), or rf for the random forest.")
    var model: String

    @Option(help: "Paper settings: \(TrainingPresets.names.joined(separator: ", ")) (default \(TrainingPresets.defaultName); rf: seed001, seed002).")
    var preset: String?

    @Option(help: "Epochs (at most, with --patience).") var epochs: Int?
    @Option(help: "Mini-batch size.") var batch: Int?
    @Option(help: "Optimizer: sgd, adam or rmsprop.") var optimizer: String?
    @Option(help: "Learning rate.") var lr: Double?
    @Option(help: "SGD momentum.") var momentum: Double?
    @Option(help: "Keras time-based learning-rate decay per iteration (sgd, rmsprop).") var decay: Double?
    @Option(help: "Stop after N epochs without a better validation macro F1.") var patience: Int?
    @Option(help: "Seed for weights, shuffling and augmentation.") var seed: UInt64 = 0
    @Option(help: "Worker threads (the same seed and threads give the same model bytes).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Class weights in the loss: none or balanced.") var classWeights: String = "none"
    @Flag(help: "Draw extra samples of the smaller classes up to the largest class's count each epoch.") var oversample = false
    @Flag(help: "Random flips and 90° rotations of training patches.") var augment = false
    @Flag(help: "Random date order per training sample (seed 003's ablation).") var shuffleTime = false
    @Option(help: "Segments datasets: weight α of cross-entropy in seed 004's loss αH − (1−α)·log J.") var alpha: Double = 0.5
    @Option(name: .customLong("hp"), help: "Model hyper-parameter key=value (repeatable).") var hyperparameters: [String] = []
    @Option(help: "rf: number of trees.") var trees: Int?
    @Option(help: "rf: maximum depth.") var maxDepth: Int?
    @Option(help: "rf: minimum samples per leaf.") var minLeaf: Int?
    @Option(help: "Hold sample arrays up to this many MiB in memory; larger datasets are read per batch.") var memory: Int = 2048

    /// The library's options, checked.
    func options(fold: Int?) throws -> TrainingOptions {
        var o = TrainingOptions(model: model)
        o.preset = preset
        o.epochs = epochs
        o.batch = batch
        if let name = optimizer {
            guard let kind = OptimizerKind(rawValue: name) else {
                throw ValidationError("--optimizer must be one of \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
            }
            o.optimizer = kind
        }
        o.learningRate = lr
        o.momentum = momentum
        o.decay = decay
        o.patience = patience
        o.seed = seed
        o.threads = threads
        o.fold = fold
        guard let weights = ClassWeighting(rawValue: classWeights) else {
            throw ValidationError("--class-weights must be none or balanced, got '\(classWeights)'")
        }
        o.classWeights = weights
        o.oversample = oversample
        o.augment = augment
        o.shuffleTime = shuffleTime
        o.alpha = alpha
        o.hyperparameters = try TrainingOptions.hyperparameters(hyperparameters)
        o.trees = trees
        o.maxDepth = maxDepth
        o.minLeaf = minLeaf
        guard memory >= 1, memory <= 1 << 30 else { throw ValidationError("--memory must be in 1…\(1 << 30) MiB, got \(memory)") }
        o.memoryBudget = memory << 20
        if o.isForest { _ = try ForestTrainer.forestOptions(o) } else { _ = try o.settings() }
        return o
    }
}

/// Trains one model and draws its progress: a bar per epoch (batches, running loss, ETA of the
/// epoch) and one line per epoch with the validation scores and the ETA of the run.
func trainModel(dataset: TrainingDataset, options: TrainingOptions, output: String, resume: Bool) throws -> TrainingResult {
    if options.isForest {
        Log.info("training rf on \(dataset.folder)")
        return try ForestTrainer.train(dataset: dataset, options: options, output: output)
    }
    let trainer = try Trainer(dataset: dataset, options: options)
    let settings = trainer.settings
    Log.info("training \(options.model) (\(trainer.network.parameterCount) parameters) on \(dataset.folder): \(settings.optimizer.rawValue) lr \(settings.learningRate), batch \(settings.batch), up to \(settings.epochs) epochs (\(settings.citation))")
    var bar: Progress?
    let start = Date()
    var epochsThisRun = 0
    return try trainer.run(output: output, resume: resume) { event in
        switch event {
        case let .batch(epoch, batch, total, meanLoss):
            // About ten updates per epoch: a live bar on a terminal, few lines in a log.
            let step = max(1, total / 10)
            if batch == 1 { bar = Progress(total: total, unit: "batches of epoch \(epoch)") }
            if batch % step == 0 || batch == total {
                bar?.advance(by: batch % step == 0 ? step : batch % step, note: String(format: "loss %.4f", meanLoss))
            }
        case let .epoch(record, best):
            bar?.finish()
            bar = nil
            epochsThisRun += 1
            let perEpoch = Date().timeIntervalSince(start) / Double(epochsThisRun)
            let eta = perEpoch * Double(settings.epochs - record.epoch)
            let iou = record.valRoadIoU.map { String(format: "  val road IoU %.4f", $0) } ?? ""
            Log.info(String(format: "epoch %d/%d  loss %.4f  val loss %.4f  val OA %.4f  val macro F1 %.4f%@%@  ETA %.0f s",
                            record.epoch, settings.epochs, record.loss, record.valLoss, record.valOA, record.valMacroF1,
                            iou, best ? " (best)" : "", eta))
        case let .earlyStop(epoch):
            Log.info("early stop after epoch \(epoch): no better validation macro F1 for \(settings.patience ?? 0) epochs")
        }
    }
}
