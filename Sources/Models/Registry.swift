import NN

/// What a model builder returns: named layers run in order, and facts to check.
struct Built {
    var layers: [(String, Layer)]
    /// How many leading layers form the exported representation, if the model has one.
    var embeddingDepth: Int? = nil
    var info: [String: Int] = [:]
}

/// Hyper-parameters of one model: the paper's defaults overridden by the user's
/// strings, parsed with errors that name the model and the key.
public struct Hyperparameters {
    public let model: String
    public private(set) var values: [String: String]

    init(model: String, defaults: [String: String], overrides: [String: String]) throws {
        self.model = model
        for key in overrides.keys where defaults[key] == nil {
            throw ModelError.invalidHyperparameter(model: model, key: key,
                                                   "unknown; this model takes \(defaults.keys.sorted().joined(separator: ", "))")
        }
        values = defaults.merging(overrides) { _, user in user }
    }

    private func raw(_ key: String) throws -> String {
        guard let v = values[key] else { throw ModelError.invalidHyperparameter(model: model, key: key, "missing") }
        return v
    }

    /// A positive integer.
    func int(_ key: String, min: Int = 1) throws -> Int {
        let s = try raw(key)
        guard let v = Int(s.trimmingCharacters(in: .whitespaces)), v >= min else {
            throw ModelError.invalidHyperparameter(model: model, key: key, "expected an integer ≥ \(min), got '\(s)'")
        }
        return v
    }

    /// A number in [lo, hi).
    func float(_ key: String, in range: Range<Float>) throws -> Float {
        let s = try raw(key)
        guard let v = Float(s.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            throw ModelError.invalidHyperparameter(model: model, key: key, "expected a number in [\(range.lowerBound), \(range.upperBound)), got '\(s)'")
        }
        return v
    }

    /// A comma-separated list of positive integers ("32,32,64"); `count` fixes its length.
    func ints(_ key: String, count: Int? = nil) throws -> [Int] {
        let s = try raw(key)
        let parts = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ModelError.invalidHyperparameter(model: model, key: key, "expected comma-separated integers ≥ 1, got '\(s)'")
        }
        let v = parts.compactMap { $0 }
        if let count, v.count != count {
            throw ModelError.invalidHyperparameter(model: model, key: key, "expected \(count) values, got \(v.count) ('\(s)')")
        }
        return v
    }
}

/// A registered architecture: stable CLI name, the paper section it implements, and its builder.
public struct ModelSpec {
    /// Stable CLI name.
    public let name: String
    /// Seed paper and section, e.g. "seed 000 §2.3.1".
    public let paper: String
    /// One line for people.
    public let summary: String
    public let source: ModelSource
    public let task: ModelTask
    /// Hyper-parameters with the paper's values.
    public let defaults: [String: String]
    let build: (_ input: InputShape, _ classes: Int, _ hp: Hyperparameters, _ rng: inout RNG) throws -> Built
}

/// Every neural architecture of the seed papers, by CLI name.
///
/// The trainer builds with ``build(_:input:classes:hyperparameters:seed:)``, drives the
/// returned ``Network`` as an `NN.Layer`, saves with ``Network/save(to:metadata:)`` and
/// reloads with ``Network/read(from:)``.
public enum ModelRegistry {
    /// All models, in the order `sitscube models` lists them.
    public static let all: [ModelSpec] = Seed000.specs + [LSTMPixel.spec] + Seed002.specs + Seed003.specs
        + [Seed003.parcelConvLSTM, Seed004.unetConvLSTM]

    public static var names: [String] { all.map(\.name) }

    public static func spec(named name: String) throws -> ModelSpec {
        guard let s = all.first(where: { $0.name == name }) else { throw ModelError.unknownModel(name, known: names) }
        return s
    }

    /// Builds `name` for samples of `input` and `classes` classes, with weights drawn from `seed`.
    /// - Throws: ``ModelError`` naming the model when the name, shape or a hyper-parameter is not usable.
    public static func build(_ name: String, input: InputShape, classes: Int,
                             hyperparameters: [String: String] = [:], seed: UInt64 = 0) throws -> Network {
        let spec = try spec(named: name)
        guard classes >= 2 || (spec.task == .segmentation && classes >= 1) else {
            throw ModelError.invalidInput(model: name, "needs at least 2 classes, got \(classes)")
        }
        guard input.t >= 1, input.c >= 1, input.h >= 1, input.w >= 1 else {
            throw ModelError.invalidInput(model: name, "input \(input) must be positive")
        }
        let hp = try Hyperparameters(model: name, defaults: spec.defaults, overrides: hyperparameters)
        var rng = RNG(seed: seed)
        let built: Built
        do { built = try spec.build(input, classes, hp, &rng) } catch let e as NNError {
            throw ModelError.invalidInput(model: name, "\(e)")
        }
        return Network(spec: spec, input: input, classes: classes, hyperparameters: hp.values, seed: seed, built: built)
    }
}

// MARK: Shared building blocks

/// Spatial size after a 'valid' k×k convolution; throws when the input is smaller than the kernel.
func validConv(_ s: Int, _ k: Int, model: String, layer: String) throws -> Int {
    guard s >= k else { throw ModelError.invalidInput(model: model, "\(layer): size \(s) is smaller than the \(k)-wide kernel") }
    return s - k + 1
}

/// Spatial size after a p-wide max-pool (floor); throws when the input is smaller than the pool.
func pooled(_ s: Int, _ p: Int, model: String, layer: String) throws -> Int {
    guard s >= p else { throw ModelError.invalidInput(model: model, "\(layer): size \(s) is smaller than the \(p)-wide pool") }
    return s / p
}

/// The most weights one layer may have (100 M, 400 MB): `sitscube models --input` with a
/// large shape must report, not allocate gigabytes (cnn2d's first dense layer grows with T·H·W).
let maxLayerWeights = 100_000_000

/// Throws when a layer of `inputs` × `outputs` weights would exceed ``maxLayerWeights``.
func checkLayerSize(_ model: String, _ layer: String, _ inputs: Int, _ outputs: Int) throws {
    let (n, overflow) = inputs.multipliedReportingOverflow(by: outputs)
    guard !overflow, n <= maxLayerWeights else {
        throw ModelError.invalidInput(model: model, "\(layer) would have \(inputs) × \(outputs) weights (more than \(maxLayerWeights)); the input is too large for this model")
    }
}

/// Dropout, or nothing when the rate is 0 (keeps parameter names stable either way: dropout has none).
func dropout(_ rate: Float, _ rng: inout RNG) throws -> Layer {
    try Dropout(rate, rng: &rng)
}

/// (N, T, C, H, W) → (N, T, H, W, C): the engine's layers are channels-last.
func channelsLast() -> Layer { Permute([1, 3, 4, 2]) }

/// (N, T, C, H, W) → (N, T, C): the centre pixel (row H/2, column W/2) of each patch.
func centrePixel(_ input: InputShape) -> Layer {
    let cy = input.h / 2, cx = input.w / 2
    return Sequential([Slice(axis: 3, cy..<(cy + 1)), Slice(axis: 4, cx..<(cx + 1)), Reshape([input.t, input.c])])
}

/// Dense layers with ReLU (and optional batch norm after the activation), as a list of
/// named layers starting at `prefix` index.
func denseStack(_ inFeatures: Int, _ sizes: [Int], batchNorm: BatchNormConvention?, rng: inout RNG) -> [Layer] {
    var layers: [Layer] = []
    var n = inFeatures
    for s in sizes {
        layers.append(Linear(n, s, rng: &rng))
        layers.append(Activation(.relu, inPlace: true))
        if let bn = batchNorm { layers.append(BatchNorm(s, convention: bn)) }
        n = s
    }
    return layers
}

/// One row of `sitscube models`: a model's trainable-parameter count for an input, or why it
/// cannot take that input.
public struct ModelListing {
    public let spec: ModelSpec
    public let input: InputShape
    public let classes: Int
    /// Trainable scalars; nil when the model rejects the input.
    public let parameters: Int?
    /// Why the model rejects the input.
    public let error: String?
}

extension ModelRegistry {
    /// Every model built (default hyper-parameters) for `input` and `classes`; a model that
    /// cannot take the input reports why instead of failing the listing.
    public static func listing(input: InputShape, classes: Int) -> [ModelListing] {
        all.map { spec in
            do {
                let net = try build(spec.name, input: input, classes: classes)
                return ModelListing(spec: spec, input: input, classes: classes, parameters: net.parameterCount, error: nil)
            } catch {
                return ModelListing(spec: spec, input: input, classes: classes, parameters: nil, error: "\(error)")
            }
        }
    }
}
