/// The optimisers the trainer drives (NN's `SGD`, `Adam`, `RMSprop`).
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, adam, rmsprop
}

/// One paper's training settings. `nil` fields keep the trainer's default.
public struct TrainingPreset: Equatable, Sendable {
    public var name: String
    /// Paper and section the numbers come from.
    public var citation: String
    public var optimizer: OptimizerKind
    public var learningRate: Double
    public var momentum: Double = 0
    /// Keras time-based decay per iteration: lr / (1 + decay·iterations).
    public var decay: Double = 0
    public var batch: Int
    public var epochs: Int
    /// Early stopping on validation macro F1 after this many epochs without improvement.
    public var patience: Int? = nil
    /// Step schedule: the learning rate is multiplied by `stepFactor` every `stepEvery` epochs.
    public var stepEvery: Int? = nil
    public var stepFactor: Double = 1
}

/// The seed papers' training settings as data, by `--preset` name.
public enum TrainingPresets {
    public static let all: [String: TrainingPreset] = [
        // seed 000 §2.3 (end of "Model training"): "trained for 30 epochs with a batch size of 512 …
        // SGD with a learning rate of 10⁻⁴, learning rate decay of 3.3·10⁻⁶ at each iteration,
        // and momentum of 0.9".
        "seed000": TrainingPreset(name: "seed000", citation: "seed 000 §2.3", optimizer: .sgd, learningRate: 1e-4,
                                  momentum: 0.9, decay: 3.3e-6, batch: 512, epochs: 30),
        // seed 001 §III-B: lstm-pixel with RMSprop, initial learning rate 5·10⁻⁴, decay 5·10⁻⁵,
        // 200 epochs, batch 20. (The forest of the same preset: 400 trees, depth 10.)
        "seed001": TrainingPreset(name: "seed001", citation: "seed 001 §III-B", optimizer: .rmsprop, learningRate: 5e-4,
                                  decay: 5e-5, batch: 20, epochs: 200),
        // seed 002 §3.5.1: early stopping on validation macro F1 with a patience of 5 epochs.
        // The paper (PyTorch) gives neither optimiser nor batch; we choose Adam 10⁻³, batch 32
        // (Pelletier 2019's TempCNN settings) and at most 100 epochs.
        "seed002": TrainingPreset(name: "seed002", citation: "seed 002 §3.5.1", optimizer: .adam, learningRate: 1e-3,
                                  batch: 32, epochs: 100, patience: 5),
        // seed 003 §4 ("Experimental setting"): 50 epochs, Adam, batch 32, learning rate 10⁻³;
        // the epoch with the best validation score is kept.
        "seed003": TrainingPreset(name: "seed003", citation: "seed 003 §4", optimizer: .adam, learningRate: 1e-3,
                                  batch: 32, epochs: 50),
        // seed 004 §IV-A: Adam with base learning rate 0.1 for 10 epochs, 0.01 for 10, 0.001 for
        // the last 10. "Each epoch consisted of 8 mini-batches" gives no batch size; we choose 8.
        // The loss is eq. 2 (§II-C) with `--alpha`, which the paper leaves to tuning.
        "seed004": TrainingPreset(name: "seed004", citation: "seed 004 §IV-A", optimizer: .adam, learningRate: 0.1,
                                  batch: 8, epochs: 30, stepEvery: 10, stepFactor: 0.1),
    ]

    public static var names: [String] { all.keys.sorted() }

    /// The preset used when none is named: seed 003's Adam settings train every model of the
    /// zoo in reasonable time.
    public static let defaultName = "seed003"
}
