import Foundation
import Models

/// Trains the random-forest baseline (`--model rf`) on the normalised centre-pixel series
/// flattened t-major, or on features.npy for parcels (seed 001 §III-B: 400 trees, depth 10;
/// seed 002 §2.1: 100 trees, depth 50, 20 samples per leaf). Deterministic with the seed for
/// any thread count. Validation rows are scored but do not steer the fit (there are no epochs).
public enum ForestTrainer {
    /// The forest settings: `--preset seed001|seed002` (seed002 by default) with
    /// `--trees --max-depth --min-leaf` applied.
    public static func forestOptions(_ options: TrainingOptions) throws -> RandomForest.Options {
        let name = options.preset ?? "seed002"
        guard var o = RandomForest.Options.presets[name] else {
            throw TrainingError.invalidOption("--preset '\(name)' has no random-forest settings; rf presets: \(RandomForest.Options.presets.keys.sorted().joined(separator: ", "))")
        }
        if let t = options.trees { o.trees = t }
        if let d = options.maxDepth { o.maxDepth = d }
        if let l = options.minLeaf { o.minSamplesLeaf = l }
        o.seed = options.seed
        return o
    }

    /// Fits, writes `output` with its card and `history.json` (one record: the validation scores).
    public static func train(dataset: TrainingDataset, options: TrainingOptions, output: String) throws -> TrainingResult {
        _ = try options.settings()
        let forestSettings = try forestOptions(options)
        let trainRows = try dataset.rows(.train, fold: options.fold)
        let validationRows = try dataset.rows(.validation, fold: options.fold)
        guard !trainRows.isEmpty else { throw TrainingError.invalidOption("dataset \(dataset.folder) has no training samples") }
        let (x, columns) = try dataset.forestFeatures(rows: trainRows)
        let labels = trainRows.map { Int32(dataset.labels[$0]) }
        let classWeights = options.classWeights == .balanced
            ? RandomForest.balancedClassWeights(labels: labels, classCount: dataset.classCount) : nil
        let forest = try RandomForest.fit(features: x, rows: trainRows.count, columns: columns, labels: labels,
                                          classCount: dataset.classCount, classWeights: classWeights,
                                          options: forestSettings, threads: options.threads)
        var history: [EpochRecord] = []
        var f1 = 0.0
        if !validationRows.isEmpty {
            let predicted = try predictForest(forest, dataset: dataset, rows: validationRows, threads: options.threads)
            let m = ClassificationMetrics(truth: validationRows.map { dataset.labels[$0] }, predicted: predicted, classes: dataset.classCount)
            f1 = m.macroF1
            history.append(EpochRecord(epoch: 1, loss: 0, valLoss: 0, valOA: m.overallAccuracy, valMacroF1: m.macroF1))
        }
        let card = try makeCard(dataset: dataset, summary: [
            "preset": options.preset ?? "seed002", "trees": String(forestSettings.trees),
            "max_depth": forestSettings.maxDepth.map(String.init) ?? "none", "min_leaf": String(forestSettings.minSamplesLeaf),
            "seed": String(options.seed), "best_val_macro_f1": String(format: "%.6f", f1), "epochs_run": "1", "best_epoch": "1",
            "fold": options.fold.map(String.init) ?? "none", "train_samples": String(trainRows.count),
            "features": dataset.hasFeatures ? "features.npy t-major" : "centre pixel t-major",
        ])
        try writeAtomically(output) { try forest.save(to: URL(fileURLWithPath: $0), metadata: card.metadata()) }
        try writeHistory(history, nextTo: output)
        return TrainingResult(card: card, history: history, bestEpoch: 1, bestMacroF1: f1, epochsRun: 1)
    }

    /// Class predictions of the forest for `rows`.
    public static func predictForest(_ forest: RandomForest, dataset: TrainingDataset, rows: [Int], threads: Int) throws -> [Int] {
        let (x, columns) = try dataset.forestFeatures(rows: rows)
        guard columns == forest.featureCount else {
            throw TrainingError.invalidOption("the forest reads \(forest.featureCount) features, dataset \(dataset.folder) gives \(columns)")
        }
        return try forest.predict(x, rows: rows.count, threads: threads).map(Int.init)
    }
}
