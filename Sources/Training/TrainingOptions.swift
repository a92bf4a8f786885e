import Models

/// How classes are weighted in the loss.
public enum ClassWeighting: String, CaseIterable, Sendable {
    case none
    /// w_k = N / (K · n_k) over the training rows (scikit-learn's "balanced").
    case balanced
}

/// Everything `sitscube train` takes. Unset optimisation fields come from the preset.
public struct TrainingOptions: Equatable, Sendable {
    public var model: String
    public var preset: String? = nil
    public var epochs: Int? = nil
    public var batch: Int? = nil
    public var optimizer: OptimizerKind? = nil
    public var learningRate: Double? = nil
    public var momentum: Double? = nil
    public var decay: Double? = nil
    public var patience: Int? = nil
    public var seed: UInt64 = 0
    public var threads: Int = 1
    /// Fold K held out for validation and test; nil uses the split column.
    public var fold: Int? = nil
    public var classWeights: ClassWeighting = .none
    public var oversample = false
    /// Random flips and 90° rotations of training patches.
    public var augment = false
    /// A random order of dates per training sample (seed 003's temporal-order ablation).
    public var shuffleTime = false
    /// α of seed 004's loss αH − (1 − α) log J (§II-C eq. 2) for road masks; the paper leaves
    /// it to tuning, 0.5 weighs both terms equally.
    public var alpha: Double = 0.5
    /// Model hyper-parameters (`--hp key=value`).
    public var hyperparameters: [String: String] = [:]
    /// Random forest overrides (`--trees --max-depth --min-leaf`).
    public var trees: Int? = nil
    public var maxDepth: Int? = nil
    public var minLeaf: Int? = nil
    /// Sample arrays up to this many bytes are held in memory; larger ones are streamed.
    public var memoryBudget: Int = 2 << 30

    public init(model: String) { self.model = model }

    public var isForest: Bool { model == "rf" }

    /// The preset named, or the default one.
    public func resolvedPreset() throws -> TrainingPreset {
        let name = preset ?? TrainingPresets.defaultName
        guard let p = TrainingPresets.all[name] else {
            throw TrainingError.invalidOption("--preset '\(name)' is unknown; presets: \(TrainingPresets.names.joined(separator: ", "))")
        }
        return p
    }

    /// The preset with every given flag applied, checked.
    /// - Throws: ``TrainingError/invalidOption`` naming the flag and the accepted values.
    public func settings() throws -> TrainingPreset {
        guard isForest || ModelRegistry.names.contains(model) else {
            throw TrainingError.invalidOption("--model '\(model)' is unknown; models: \((ModelRegistry.names + ["rf"]).joined(separator: ", "))")
        }
        var s = try resolvedPreset()
        if let v = epochs { s.epochs = v }
        if let v = batch { s.batch = v }
        if let v = optimizer { s.optimizer = v }
        if let v = learningRate { s.learningRate = v }
        if let v = momentum { s.momentum = v }
        if let v = decay { s.decay = v }
        if let v = patience { s.patience = v }
        guard s.epochs >= 1 else { throw TrainingError.invalidOption("--epochs must be at least 1, got \(s.epochs)") }
        guard s.batch >= 1 else { throw TrainingError.invalidOption("--batch must be at least 1, got \(s.batch)") }
        guard s.learningRate > 0, s.learningRate.isFinite else { throw TrainingError.invalidOption("--lr must be a positive number, got \(s.learningRate)") }
        guard s.momentum >= 0, s.momentum < 1 else { throw TrainingError.invalidOption("--momentum must be in [0, 1), got \(s.momentum)") }
        guard s.decay >= 0, s.decay.isFinite else { throw TrainingError.invalidOption("--decay must be ≥ 0, got \(s.decay)") }
        guard alpha >= 0, alpha <= 1 else { throw TrainingError.invalidOption("--alpha must be in [0, 1], got \(alpha)") }
        if let p = s.patience, p < 1 { throw TrainingError.invalidOption("--patience must be at least 1, got \(p)") }
        guard threads >= 1, threads <= 1024 else { throw TrainingError.invalidOption("--threads must be in 1…1024, got \(threads)") }
        if let k = fold, k < 0 { throw TrainingError.invalidOption("--fold must be ≥ 0, got \(k)") }
        if let t = trees, t < 1 { throw TrainingError.invalidOption("--trees must be at least 1, got \(t)") }
        if let d = maxDepth, d < 1 { throw TrainingError.invalidOption("--max-depth must be at least 1, got \(d)") }
        if let l = minLeaf, l < 1 { throw TrainingError.invalidOption("--min-leaf must be at least 1, got \(l)") }
        return s
    }

    /// Parses `key=value` strings of `--hp`.
    public static func hyperparameters(_ pairs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw TrainingError.invalidOption("--hp expects key=value, got '\(pair)'")
            }
            out[parts[0]] = parts[1]
        }
        return out
    }
}
