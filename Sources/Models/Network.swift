import Foundation
import NN

/// The geometry of one sample as datasets store it: T dates × C bands × H × W pixels.
public struct InputShape: Equatable, Hashable, CustomStringConvertible {
    public var t: Int, c: Int, h: Int, w: Int

    public init(t: Int, c: Int, h: Int, w: Int) {
        self.t = t; self.c = c; self.h = h; self.w = w
    }

    /// Parses "T,C,H,W" (as `sitscube models --input` takes it).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let t = parts[0], let c = parts[1], let h = parts[2], let w = parts[3],
              t >= 1, c >= 1, h >= 1, w >= 1 else {
            throw ModelError.invalidArgument("input shape must be four positive integers T,C,H,W, got '\(text)'")
        }
        self.init(t: t, c: c, h: h, w: w)
    }

    /// The seed 000 default: 12 dates × 9 bands × 9 × 9.
    public static let seed000 = InputShape(t: 12, c: 9, h: 9, w: 9)

    /// "T,C,H,W", the form ``init(parsing:)`` reads back.
    public var csv: String { "\(t),\(c),\(h),\(w)" }
    public var description: String { "\(t)×\(c)×\(h)×\(w)" }
    /// Shape of a batch of patches, (N, T, C, H, W).
    public func patchShape(batch n: Int) -> [Int] { [n, t, c, h, w] }
    /// Shape of a batch of per-date parcel statistics (mean and std per band), (N, T, 2C).
    public func featureShape(batch n: Int) -> [Int] { [n, t, 2 * c] }
}

/// Errors a user can cause through a model name, a shape, a hyper-parameter or a model file.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case unknownModel(String, known: [String])
    /// The input shape does not suit the model (too small for its pooling, …).
    case invalidInput(model: String, String)
    case invalidHyperparameter(model: String, key: String, String)
    /// A tensor given to a model has the wrong shape.
    case shapeMismatch(model: String, what: String, expected: [Int], actual: [Int])
    /// A model file that cannot be turned back into a network.
    case badModelFile(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            return "unknown model '\(name)'; known models: \(known.joined(separator: ", "))"
        case let .invalidInput(model, message):
            return "model \(model): \(message)"
        case let .invalidHyperparameter(model, key, message):
            return "model \(model): hyper-parameter '\(key)': \(message)"
        case let .shapeMismatch(model, what, expected, actual):
            let e = expected.map { $0 < 0 ? "N" : String($0) }.joined(separator: ", ")
            return "model \(model): \(what): expected shape (\(e)), got \(actual)"
        case let .badModelFile(message):
            return "model file: \(message)"
        case let .invalidArgument(message):
            return message
        }
    }
}

/// Which tensor of a sample a model reads.
public enum ModelSource: String {
    /// The whole patch x (N, T, C, H, W).
    case patch
    /// Only the centre pixel of x (pixel models; H = W = 1 works too).
    case centrePixel = "centre-pixel"
    /// The per-date parcel statistics (N, T, 2C): band means then band standard deviations.
    case features
}

/// What a model's logits mean.
public enum ModelTask: String {
    /// (N, K): one class per sample (the centre pixel or the parcel).
    case classification
    /// (N, H, W, K): one class per pixel, trained through the label mask.
    case segmentation
}

/// One batch as a dataset delivers it. Patch models read `x`, parcel-statistics
/// models read `features`; ``Network/source`` says which.
public struct ModelInput {
    /// (N, T, C, H, W) Float32.
    public var x: Tensor?
    /// (N, T, 2C) Float32: per-date band means then band standard deviations.
    public var features: Tensor?
    public init(x: Tensor? = nil, features: Tensor? = nil) {
        self.x = x
        self.features = features
    }
}

/// A built model: one of the registry's architectures for one input shape and class count.
///
/// It is an `NN.Layer`, so the engine's tools apply unchanged: `ParameterStore(network)`,
/// `classificationStep(network, …)`, `saveSafetensors`. `forward(_:)` takes the tensor
/// named by ``source`` (x for patch and pixel models, the statistics for `features`
/// models); ``forward(input:)`` picks it from a ``ModelInput``.
public final class Network: Layer {
    /// The registry name (`cnn2d`, `tempcnn`, …).
    public let name: String
    public let spec: ModelSpec
    public let inputShape: InputShape
    public let classes: Int
    /// Every hyper-parameter with its value (defaults filled in), for the model file.
    public let hyperparameters: [String: String]
    /// The initialisation seed.
    public let seed: UInt64
    /// Sizes worth checking against the papers, e.g. `["flatten": 6144]`.
    public let info: [String: Int]
    let body: Sequential
    /// Layers 0..<embeddingDepth of `body` produce the learned representation (seed 001 §II-C).
    let embeddingDepth: Int?

    init(spec: ModelSpec, input: InputShape, classes: Int, hyperparameters: [String: String], seed: UInt64, built: Built) {
        name = spec.name
        self.spec = spec
        inputShape = input
        self.classes = classes
        self.hyperparameters = hyperparameters
        self.seed = seed
        info = built.info
        body = Sequential(named: built.layers)
        embeddingDepth = built.embeddingDepth
    }

    public var source: ModelSource { spec.source }
    public var task: ModelTask { spec.task }

    /// Shape the forward input must have for a batch of n.
    public func expectedInputShape(batch n: Int) -> [Int] {
        source == .features ? inputShape.featureShape(batch: n) : inputShape.patchShape(batch: n)
    }

    /// Shape of the logits for a batch of n: (N, K), or (N, H, W, M) for segmentation, where M
    /// is K, or `info["output_maps"]` when the model says otherwise (unet-convlstm: one
    /// sigmoid map for a binary mask).
    public func outputShape(batch n: Int) -> [Int] {
        task == .segmentation ? [n, inputShape.h, inputShape.w, info["output_maps"] ?? classes] : [n, classes]
    }

    private func check(_ x: Tensor) throws {
        let n = x.shape.first ?? 0
        let want = expectedInputShape(batch: n)
        guard x.rank == want.count, n >= 1, x.shape == want else {
            let what = source == .features ? "per-date statistics (N, T, 2C)" : "input x (N, T, C, H, W)"
            throw ModelError.shapeMismatch(model: name, what: what, expected: [-1] + want.dropFirst(), actual: x.shape)
        }
    }

    /// Logits for the tensor named by ``source``. The returned tensor belongs to the
    /// network and is overwritten by the next call.
    public func forward(_ x: Tensor) throws -> Tensor {
        try check(x)
        do { return try body.forward(x) } catch let e as NNError {
            throw ModelError.invalidInput(model: name, "\(e)")
        }
    }

    /// Logits for a batch, reading `x` or `features` as the model needs.
    public func forward(input: ModelInput) throws -> Tensor {
        try forward(try pick(input))
    }

    private func pick(_ input: ModelInput) throws -> Tensor {
        switch source {
        case .patch, .centrePixel:
            guard let x = input.x else { throw ModelError.invalidInput(model: name, "needs the patch tensor x (N, T, C, H, W)") }
            return x
        case .features:
            guard let f = input.features else {
                throw ModelError.invalidInput(model: name, "needs the per-date parcel statistics (N, T, 2C) (features.npy)")
            }
            return f
        }
    }

    /// ∂L/∂logits → adds parameter gradients; returns ∂L/∂input (rarely needed).
    public func backward(_ dLogits: Tensor) -> Tensor { body.backward(dLogits) }

    public var namedParameters: [(String, Parameter)] { body.namedParameters }
    public func setTraining(_ training: Bool) { body.setTraining(training) }

    /// Whether ``embed(_:)`` is available (seed 001 §II-C: the LSTM's last hidden state).
    public var hasEmbedding: Bool { embeddingDepth != nil }

    /// The learned representation (N, D) for a batch: the layers before the classifier.
    /// Call `setTraining(false)` first for deterministic features.
    public func embed(_ input: ModelInput) throws -> Tensor {
        guard let depth = embeddingDepth else {
            throw ModelError.invalidInput(model: name, "has no feature export (only models with a learned embedding, e.g. lstm-pixel)")
        }
        var h = try pick(input)
        try check(h)
        do {
            for l in body.layers.prefix(depth) { h = try l.forward(h) }
        } catch let e as NNError {
            throw ModelError.invalidInput(model: name, "\(e)")
        }
        return h
    }

    // MARK: Model files

    /// Metadata keys this target writes; the trainer may add its own keys next to them.
    public enum MetadataKey {
        public static let model = "model"
        public static let input = "input"
        public static let classes = "classes"
        public static let seed = "seed"
        public static let hyperparameters = "hyperparameters"
    }

    /// What is needed to rebuild this architecture: name, input, classes, seed, hyper-parameters (JSON).
    public var architectureMetadata: [String: String] {
        let hp = (try? JSONSerialization.data(withJSONObject: hyperparameters, options: [.sortedKeys]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return [MetadataKey.model: name, MetadataKey.input: inputShape.csv, MetadataKey.classes: String(classes),
                MetadataKey.seed: String(seed), MetadataKey.hyperparameters: hp]
    }

    /// Writes weights, batch-norm statistics and ``architectureMetadata`` (plus `extra`) as safetensors.
    public func save(to url: URL, metadata extra: [String: String] = [:]) throws {
        let meta = architectureMetadata.merging(extra) { ours, _ in ours }
        try saveSafetensors(to: url, metadata: meta)
    }

    /// Rebuilds a network from a file written by ``save(to:metadata:)``.
    /// - Returns: the network (in evaluation mode) and the file's full metadata.
    public static func read(from url: URL) throws -> (network: Network, metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.badModelFile("cannot read \(url.path): \(error.localizedDescription)")
        }
        let tensors: [String: Tensor], meta: [String: String]
        do { (tensors, meta) = try Safetensors.decode(data) } catch {
            throw ModelError.badModelFile("\(url.lastPathComponent): \(error)")
        }
        guard let name = meta[MetadataKey.model], let inputText = meta[MetadataKey.input],
              let classesText = meta[MetadataKey.classes], let classes = Int(classesText) else {
            throw ModelError.badModelFile("\(url.lastPathComponent) lacks the model, input or classes metadata")
        }
        let input = try InputShape(parsing: inputText)
        var hp: [String: String] = [:]
        if let text = meta[MetadataKey.hyperparameters] {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
                throw ModelError.badModelFile("hyper-parameters metadata is not a JSON object of strings")
            }
            hp = obj
        }
        let seed = meta[MetadataKey.seed].flatMap { UInt64($0) } ?? 0
        let net = try ModelRegistry.build(name, input: input, classes: classes, hyperparameters: hp, seed: seed)
        do { try net.load(tensors) } catch {
            throw ModelError.badModelFile("\(url.lastPathComponent) does not fit model \(name) (\(input), \(classes) classes): \(error)")
        }
        net.setTraining(false)
        return (net, meta)
    }
}
