import Foundation
import Models
import NN

/// What the trainer reports while it works (the CLI draws a progress bar from it).
public enum TrainingProgress {
    /// A training batch finished: its loss and the running mean loss of the epoch.
    case batch(epoch: Int, batch: Int, of: Int, meanLoss: Double)
    /// An epoch finished and was validated.
    case epoch(EpochRecord, best: Bool)
    /// Training stops early (no better validation macro F1 for `patience` epochs).
    case earlyStop(epoch: Int)
}

/// What a finished training produced.
public struct TrainingResult {
    public var card: ModelCard
    public var history: [EpochRecord]
    public var bestEpoch: Int
    public var bestMacroF1: Double
    public var epochsRun: Int
}

/// Trains a registry network on a dataset (issue 7's trainer).
///
/// - Shuffles the training rows each epoch with the seed; the batch order, augmentation and
///   oversampling draw from one generator, so the same seed and thread count give the same bytes.
/// - Validates after every epoch; keeps the epoch with the best validation macro F1 (seed 003 §4:
///   "the epoch achieving the best results on the validation set"), and stops early after
///   `patience` epochs without improvement (seed 002 §3.5.1).
/// - Writes a checkpoint after each epoch; `resume` continues from it and ends with the same
///   bytes as an uninterrupted run at the same thread count.
public final class Trainer {
    public let dataset: TrainingDataset
    public let options: TrainingOptions
    public let settings: TrainingPreset
    public let network: Network
    private let trainRows: [Int]
    private let validationRows: [Int]
    private let optimizer: ResumableOptimizer
    private let store: ParameterStore
    private let loss: CrossEntropyLoss
    private let dropouts: [Dropout]
    /// A one-map segmentation model on a segments dataset's road masks (seed 004).
    public let trainsOnRoadMasks: Bool

    /// Segmentation models trained on the labeled pixels of classification datasets (seed 002
    /// §2.2.2): every pixel of a parcel's mask, or the centre pixel of a patch.
    public static let pixelTrainedSegmentation = ["cnn2d-stack"]

    public init(dataset: TrainingDataset, options: TrainingOptions) throws {
        self.dataset = dataset
        self.options = options
        settings = try options.settings()
        guard !options.isForest else { throw TrainingError.invalidOption("--model rf is trained by ForestTrainer") }
        let spec = try ModelRegistry.spec(named: options.model)
        try RoadSegmentation.check(model: spec.name, task: spec.task, dataset: dataset)
        if spec.source == .features && !dataset.hasFeatures {
            throw TrainingError.invalidOption("--model \(options.model) reads per-date parcel statistics (features.npy), which \(dataset.folder) lacks; use a `sitscube parcels` dataset")
        }
        trainRows = try dataset.rows(.train, fold: options.fold)
        validationRows = try dataset.rows(.validation, fold: options.fold)
        guard !trainRows.isEmpty else { throw TrainingError.invalidOption("dataset \(dataset.folder) has no training samples\(options.fold.map { " outside fold \($0)" } ?? "")") }
        guard !validationRows.isEmpty else {
            throw TrainingError.invalidOption("dataset \(dataset.folder) has no validation samples (split 'val'); make it with a validation share (`--split 70,15,15`) or train with --fold K")
        }
        Threads.set(options.threads)
        network = try ModelRegistry.build(options.model, input: dataset.input, classes: dataset.classCount,
                                          hyperparameters: options.hyperparameters, seed: options.seed)
        trainsOnRoadMasks = RoadSegmentation.applies(network: network, dataset: dataset)
        if spec.task == .segmentation && dataset.hasPixelLabels && !trainsOnRoadMasks {
            throw TrainingError.unsupported("--model \(options.model) gives \(network.outputShape(batch: 1).last ?? 0) maps for \(dataset.classCount) classes; road masks need one sigmoid map")
        }
        if trainsOnRoadMasks && options.classWeights != .none {
            throw TrainingError.invalidOption("--class-weights weighs classification cross-entropy; seed 004's road-mask loss balances its terms with --alpha instead")
        }
        store = ParameterStore(network)
        let lr = Float(settings.learningRate)
        switch settings.optimizer {
        case .sgd: optimizer = SGD(store, learningRate: lr, momentum: Float(settings.momentum), decay: Float(settings.decay))
        case .adam: optimizer = Adam(store, learningRate: lr)
        case .rmsprop: optimizer = RMSprop(store, learningRate: lr, decay: Float(settings.decay))
        }
        if options.classWeights == .balanced {
            var counts = [Int](repeating: 0, count: dataset.classCount)
            for r in trainRows { counts[dataset.labels[r]] += 1 }
            let n = Float(trainRows.count), k = Float(dataset.classCount)
            loss = CrossEntropyLoss(classWeights: counts.map { $0 > 0 ? n / (k * Float($0)) : 0 })
        } else {
            loss = CrossEntropyLoss()
        }
        dropouts = dropoutLayers(of: network)
    }

    /// The settings a resumed run must share with the run that wrote the checkpoint.
    private var fingerprint: String {
        let hp = options.hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        return ["model=\(options.model)", "hp=\(hp)", "optimizer=\(settings.optimizer)", "lr=\(settings.learningRate)",
                "momentum=\(settings.momentum)", "decay=\(settings.decay)", "batch=\(settings.batch)", "seed=\(options.seed)",
                "fold=\(options.fold.map(String.init) ?? "-")", "weights=\(options.classWeights)", "oversample=\(options.oversample)",
                "augment=\(options.augment)", "shuffle_time=\(options.shuffleTime)", "step=\(settings.stepEvery ?? 0)/\(settings.stepFactor)",
                "shape=\(dataset.manifest.shape)"].joined(separator: " ") + (trainsOnRoadMasks ? " alpha=\(options.alpha)" : "")
    }

    /// Trains and writes `output` (the best epoch's weights with the model card), `history.json`
    /// beside it and the checkpoint `output.ckpt`.
    public func run(output: String, resume: Bool = false, progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingResult {
        let ckptPath = Checkpoint.path(forModel: output)
        var rng = RNG(seed: options.seed ^ 0x5452_4149_4E45_5221)  // the trainer's stream, apart from the weights'
        var history: [EpochRecord] = []
        let best: [(String, Tensor)] = network.namedParameters.map { ($0.0, $0.1.value.copy()) }
        var bestF1 = -1.0, bestEpoch = 0, sinceBest = 0, stopped = false
        if resume {
            let (state, model, bestTensors, opt) = try Checkpoint.read(from: ckptPath)
            guard state.fingerprint == fingerprint else {
                throw TrainingError.badCheckpoint(path: ckptPath, "was written with other settings (\(state.fingerprint)); now \(fingerprint)")
            }
            guard let r = RNG(state: state.rng), state.dropout.count == dropouts.count else {
                throw TrainingError.badCheckpoint(path: ckptPath, "random state does not fit this model")
            }
            do {
                try network.load(model)
                for (name, t) in best { guard let b = bestTensors[name] else { throw NNError.missingTensor(name) }; try t.assign(from: b) }
                try optimizer.restore(buffers: opt, iterations: state.optimizerIterations)
            } catch { throw TrainingError.badCheckpoint(path: ckptPath, "does not fit this model: \(error)") }
            rng = r
            for (d, s) in zip(dropouts, state.dropout) { d.generatorState = s }
            history = state.history
            bestF1 = state.bestMacroF1; bestEpoch = state.bestEpoch; sinceBest = state.epochsSinceBest; stopped = state.stopped
        }
        let assembler = BatchAssembler(dataset: dataset, source: network.source)
        let batch = settings.batch
        var targetBuffers: [Int: Tensor] = [:]

        var epoch = history.count
        while epoch < settings.epochs && !stopped {
            if let every = settings.stepEvery, every > 0 {
                optimizer.learningRate = Float(settings.learningRate * pow(settings.stepFactor, Double(epoch / every)))
            }
            network.setTraining(true)
            var order = epochRows(rng: &rng)
            Augmentation.shuffle(&order, rng: &rng)
            let batches = (order.count + batch - 1) / batch
            var lossSum = 0.0
            for b in 0..<batches {
                let rows = Array(order[(b * batch)..<min(order.count, (b + 1) * batch)])
                let x = try assembler.input(rows: rows, batchSize: batch)
                let targets = trainsOnRoadMasks ? try RoadSegmentation.targets(rows: rows, dataset: dataset, buffers: &targetBuffers) : nil
                augment(x, masks: targets, rng: &rng)
                let labels = rows.map { dataset.labels[$0] }
                let l: Float
                if let targets {
                    // Seed 004 §II-C eq. 2 on the tile's road mask.
                    l = try segmentationStep(network, optimizer, input: x, targets: targets, alpha: Float(options.alpha))
                } else if network.task == .segmentation {
                    optimizer.store.zeroGrad()
                    let logits = try network.forward(x)
                    let masked = MaskedPixelCrossEntropy(classWeights: loss.classWeights)
                    let (value, grad) = try masked(logits: logits, labels: labels, pixels: rows.map(dataset.labeledPixels))
                    _ = network.backward(grad)
                    optimizer.step()
                    l = value
                } else {
                    l = try classificationStep(network, optimizer, input: x, labels: labels, loss: loss)
                }
                guard l.isFinite else {
                    throw TrainingError.invalidOption("the loss became \(l) in epoch \(epoch + 1); lower --lr (now \(settings.learningRate))")
                }
                lossSum += Double(l)
                progress?(.batch(epoch: epoch + 1, batch: b + 1, of: batches, meanLoss: lossSum / Double(b + 1)))
            }
            let (metrics, valLoss): (ClassificationMetrics, Double)
            if trainsOnRoadMasks {
                // Per-pixel scores over background and road.
                let s = try RoadSegmentation.scores(network, dataset: dataset, rows: validationRows, batchSize: batch, alpha: options.alpha)
                (metrics, valLoss) = (ClassificationMetrics(confusion: s.counts), s.meanLoss)
            } else {
                (metrics, valLoss) = try evaluateNetwork(network, dataset: dataset, rows: validationRows, batchSize: batch)
            }
            let record = EpochRecord(epoch: epoch + 1, loss: lossSum / Double(max(batches, 1)), valLoss: valLoss,
                                     valOA: metrics.overallAccuracy, valMacroF1: metrics.macroF1,
                                     valRoadIoU: trainsOnRoadMasks ? metrics.iou(of: 1) : nil)
            history.append(record)
            epoch += 1
            let improved = metrics.macroF1 > bestF1
            if improved {
                bestF1 = metrics.macroF1; bestEpoch = epoch; sinceBest = 0
                for (i, p) in network.namedParameters.enumerated() { try best[i].1.assign(from: p.1.value) }
            } else {
                sinceBest += 1
            }
            progress?(.epoch(record, best: improved))
            if let patience = settings.patience, sinceBest >= patience {
                stopped = true
                progress?(.earlyStop(epoch: epoch))
            }
            let state = CheckpointState(fingerprint: fingerprint, epochsDone: epoch, rng: rng.state, dropout: dropouts.map(\.generatorState),
                                        optimizerIterations: optimizer.iterations, bestMacroF1: bestF1, bestEpoch: bestEpoch,
                                        epochsSinceBest: sinceBest, stopped: stopped, history: history)
            try Checkpoint.write(to: ckptPath, state: state, model: network.namedParameters.map { ($0.0, $0.1.value) },
                                 best: best, optimizer: optimizer.stateBuffers)
        }

        // The output holds the best epoch's weights.
        try network.load(Dictionary(uniqueKeysWithValues: best))
        network.setTraining(false)
        var summary = [
            "preset": settings.name, "epochs_run": String(history.count), "best_epoch": String(bestEpoch),
            "best_val_macro_f1": String(format: "%.6f", max(bestF1, 0)), "seed": String(options.seed),
            "optimizer": settings.optimizer.rawValue, "lr": String(settings.learningRate), "batch": String(settings.batch),
            "fold": options.fold.map(String.init) ?? "none", "train_samples": String(trainRows.count),
        ]
        if trainsOnRoadMasks { summary["loss"] = "seed004 eq. 2, alpha \(options.alpha)" }
        let card = try modelCard(summary: summary)
        try writeAtomically(output) { try network.save(to: URL(fileURLWithPath: $0), metadata: card.metadata()) }
        try writeHistory(history, nextTo: output)
        return TrainingResult(card: card, history: history, bestEpoch: bestEpoch, bestMacroF1: bestF1, epochsRun: history.count)
    }

    /// The training rows of one epoch: all of them, plus random extra draws of the smaller
    /// classes up to the largest class's count with `--oversample`.
    private func epochRows(rng: inout RNG) -> [Int] {
        guard options.oversample else { return trainRows }
        var byClass = [[Int]](repeating: [], count: dataset.classCount)
        for r in trainRows { byClass[dataset.labels[r]].append(r) }
        let most = byClass.map(\.count).max() ?? 0
        var rows = trainRows
        for members in byClass where !members.isEmpty && members.count < most {
            for _ in 0..<(most - members.count) { rows.append(members[Int(rng.next() % UInt64(members.count))]) }
        }
        return rows
    }

    private func augment(_ x: Tensor, masks: Tensor?, rng: inout RNG) {
        let shape = dataset.input
        if options.augment && network.source == .patch {
            Augmentation.flipRotate(x, planes: shape.t * shape.c, h: shape.h, w: shape.w, masks: masks, rng: &rng)
        }
        if options.shuffleTime {
            let step = network.source == .features ? 2 * shape.c : shape.c * shape.h * shape.w
            Augmentation.shuffleTime(x, dates: shape.t, step: step, rng: &rng)
        }
    }

    /// The model card of this dataset (DESIGN.md §3 "Model").
    func modelCard(summary: [String: String]) throws -> ModelCard {
        try makeCard(dataset: dataset, summary: summary)
    }
}

/// The card every model trained on `dataset` carries: bands, times, classes, normalisation,
/// border policy (the dataset's `--pad`, "skip" when none) and the dataset kind.
func makeCard(dataset: TrainingDataset, summary: [String: String]) throws -> ModelCard {
    let m = dataset.manifest
    return ModelCard(bands: m.bands, times: m.times,
                     classes: m.classes.map { ModelCard.ClassEntry(code: $0.code, name: $0.name, index: $0.index) },
                     normalization: ModelCard.Normalization(scope: m.normalization.scope, mean: m.normalization.mean, std: m.normalization.std),
                     border: m.settings.pad ?? "skip", datasetKind: m.kind, training: summary)
}

/// Validation/test scores and mean cross-entropy of a network on `rows` (evaluation mode).
public func evaluateNetwork(_ network: Network, dataset: TrainingDataset, rows: [Int], batchSize: Int) throws -> (ClassificationMetrics, Double) {
    let predicted = try predictNetwork(network, dataset: dataset, rows: rows, batchSize: batchSize)
    let truth = rows.map { dataset.labels[$0] }
    return (ClassificationMetrics(truth: truth, predicted: predicted.classes, classes: dataset.classCount), predicted.meanLoss)
}

/// Class predictions (argmax of the logits) for `rows`, and their mean cross-entropy.
public func predictNetwork(_ network: Network, dataset: TrainingDataset, rows: [Int], batchSize: Int) throws -> (classes: [Int], meanLoss: Double) {
    network.setTraining(false)
    defer { network.setTraining(true) }
    let assembler = BatchAssembler(dataset: dataset, source: network.source)
    let loss = CrossEntropyLoss()
    var classes: [Int] = []
    classes.reserveCapacity(rows.count)
    var lossSum = 0.0
    var start = 0
    while start < rows.count {
        let chunk = Array(rows[start..<min(rows.count, start + batchSize)])
        let x = try assembler.input(rows: chunk, batchSize: batchSize)
        var logits = try network.forward(x)
        let labels = chunk.map { dataset.labels[$0] }
        if network.task == .segmentation {
            // One class per sample from its labeled pixels (the centre pixel of a patch).
            let pixels = try chunk.map(dataset.labeledPixels)
            lossSum += Double(try MaskedPixelCrossEntropy()(logits: logits, labels: labels, pixels: pixels).loss) * Double(chunk.count)
            logits = try MaskedPixelCrossEntropy.sampleLogits(logits, pixels: pixels)
        } else {
            lossSum += Double(try loss(logits: logits, labels: labels).loss) * Double(chunk.count)
        }
        classes += logits.argmaxRows()
        start += chunk.count
    }
    return (classes, rows.isEmpty ? 0 : lossSum / Double(rows.count))
}

/// Writes `path` through `body` under a temporary name in the same folder, then renames it.
func writeAtomically(_ path: String, _ body: (String) throws -> Void) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    do {
        try body(temporary)
        guard rename(temporary, path) == 0 else {
            throw TrainingError.invalidOption("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw error
    }
}

/// `history.json` beside the model: one record per epoch.
func writeHistory(_ history: [EpochRecord], nextTo model: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let url = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("history.json")
    try encoder.encode(history).write(to: url, options: .atomic)
}
