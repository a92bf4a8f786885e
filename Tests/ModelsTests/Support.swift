import NN
@testable import Models

/// Tiny configurations that keep every model fast in tests: input, hyper-parameters.
/// Every registered model must have one (checked by `testEveryModelHasATinyConfig`).
let tinyInput = InputShape(t: 4, c: 3, h: 9, w: 9)
let tinyParcel = InputShape(t: 4, c: 3, h: 22, w: 22)
let tinyTile = InputShape(t: 3, c: 3, h: 8, w: 8)
let tinyClasses = 3

let tinyConfigs: [String: (input: InputShape, hp: [String: String])] = [
    "cnn2d": (tinyInput, ["filters": "4,4,8,8,8,8", "dense": "32,16", "dropout": "0"]),
    "lstm": (tinyInput, ["units": "8,16", "dense": "32,16", "dropout": "0"]),
    "cnn3d": (tinyInput, ["filters": "4,4,8,8,8,8", "dense": "32,16", "dropout": "0"]),
    "cnn-lstm": (tinyInput, ["filters": "4,4,8,8,8,8", "units": "8,16", "dense": "32,16", "dropout": "0"]),
    "convlstm": (tinyInput, ["filters": "4,8,8", "dense": "16,16", "dropout": "0"]),
    "cnn-mhsa": (tinyInput, ["filters": "4,4,8,8,8,8", "heads": "2", "ff": "8", "dense": "32,16", "dropout": "0"]),
    "lstm-pixel": (tinyInput, ["units": "16"]),
    "tempcnn": (tinyInput, ["filters": "8,8,8", "kernel": "3", "dense": "16", "dropout": "0"]),
    "cnn2d-stack": (tinyInput, ["filters": "8,8", "head": "8", "dropout": "0"]),
    "cnn3d-cls": (tinyInput, ["filters": "4,4", "dense": "16", "dropout": "0"]),
    "spatiotemp-cnn": (tinyInput, ["temp_filters": "8,8", "temp_dense": "16", "temp_kernel": "3",
                                   "filters": "4,4", "dense": "16", "dropout": "0"]),
    "parcel-cnn": (tinyParcel, ["kernels": "4,4,8", "mlp": "16,16"]),
    "gru-stats": (tinyInput, ["hidden": "16", "mlp": "16"]),
    "cnn-gru": (tinyParcel, ["kernels": "4,4,8", "hidden": "16", "mlp": "16"]),
    "parcel-convlstm": (tinyInput, ["kernels": "4,8", "mlp": "16,16"]),
    "unet-convlstm": (tinyTile, ["filters": "4,8", "pmap": "3", "lstm": "8,8"]),
]

func buildTiny(_ name: String, seed: UInt64 = 1, extra: [String: String] = [:]) throws -> Network {
    guard let cfg = tinyConfigs[name] else { throw ModelError.unknownModel(name, known: Array(tinyConfigs.keys)) }
    return try ModelRegistry.build(name, input: cfg.input, classes: tinyClasses,
                                   hyperparameters: cfg.hp.merging(extra) { _, e in e }, seed: seed)
}

/// A learnable batch: labels cycle through the classes; each class adds its own
/// (date, band) offset pattern to Gaussian noise, so the classes are separable but
/// not trivially so.
struct Batch {
    let input: Tensor
    /// One label per logit row (per pixel for segmentation models).
    let labels: [Int]
}

func makeBatch(for net: Network, n: Int, seed: UInt64 = 7) throws -> Batch {
    var rng = RNG(seed: seed)
    let s = net.inputShape, k = net.classes
    let labels = (0..<n).map { $0 % k }
    var pattern = [Float](repeating: 0, count: k * s.t * s.c)
    for i in pattern.indices { pattern[i] = Float(rng.normal()) }
    let shape = net.expectedInputShape(batch: n)
    let perSample = shape.dropFirst().reduce(1, *)
    var values = [Float](repeating: 0, count: n * perSample)
    for b in 0..<n {
        for i in 0..<perSample {
            // (t, c) of element i: patches (T, C, H, W); features (T, 2C) with means then stds
            let tc: Int
            if net.source == .features {
                let t = i / (2 * s.c), c = (i % (2 * s.c)) % s.c
                tc = t * s.c + c
            } else {
                tc = i / (s.h * s.w)
            }
            values[b * perSample + i] = pattern[labels[b] * s.t * s.c + tc] + 0.5 * Float(rng.normal())
        }
    }
    let x = try Tensor(shape: shape, scalars: values)
    let rowLabels = net.task == .segmentation ? labels.flatMap { Array(repeating: $0, count: s.h * s.w) } : labels
    return Batch(input: x, labels: rowLabels)
}

func lossOf(_ net: Network, _ batch: Batch) throws -> Float {
    try CrossEntropyLoss()(logits: try net.forward(batch.input), labels: batch.labels).loss
}

func accuracyOf(_ net: Network, _ batch: Batch) throws -> Double {
    let pred = try net.forward(batch.input).argmaxRows()
    return Double(zip(pred, batch.labels).filter { $0 == $1 }.count) / Double(batch.labels.count)
}
