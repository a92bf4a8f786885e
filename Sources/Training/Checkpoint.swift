import Foundation
import NN

/// One epoch of `history.json`.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var loss: Double
    public var valLoss: Double
    public var valOA: Double
    public var valMacroF1: Double
    /// IoU of the road class on validation pixels (segments datasets only).
    public var valRoadIoU: Double? = nil

    enum CodingKeys: String, CodingKey {
        case epoch, loss
        case valRoadIoU = "val_road_iou"
        case valLoss = "val_loss"
        case valOA = "val_oa"
        case valMacroF1 = "val_macro_f1"
    }
}

/// What a resumed training needs besides the tensors: where the run stood after an epoch.
struct CheckpointState: Codable, Equatable {
    /// Settings that must match for a resume to continue the same run.
    var fingerprint: String
    var epochsDone: Int
    var rng: [UInt64]
    var dropout: [[UInt64]]
    var optimizerIterations: Int
    var bestMacroF1: Double
    var bestEpoch: Int
    var epochsSinceBest: Int
    var stopped: Bool
    var history: [EpochRecord]
}

/// The checkpoint file beside the model (`MODEL.safetensors.ckpt`), safetensors holding the
/// current weights (`model.*`), the best epoch's weights (`best.*`), the optimizer state
/// (`optimizer.*`) and ``CheckpointState`` as JSON metadata. Written after each epoch,
/// atomically, so a killed training resumes from the last finished epoch.
enum Checkpoint {
    static let stateKey = "checkpoint"

    static func path(forModel output: String) -> String { output + ".ckpt" }

    static func write(to path: String, state: CheckpointState, model: [(String, Tensor)], best: [(String, Tensor)],
                      optimizer: [(String, Tensor)]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
        let tensors = model.map { ("model." + $0.0, $0.1) } + best.map { ("best." + $0.0, $0.1) }
            + optimizer.map { ("optimizer." + $0.0, $0.1) }
        let data = try Safetensors.encode(tensors, metadata: [stateKey: json])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    static func read(from path: String) throws -> (state: CheckpointState, model: [String: Tensor], best: [String: Tensor], optimizer: [String: Tensor]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.badCheckpoint(path: path, "missing; --resume continues from the checkpoint a previous `sitscube train -o` wrote")
        }
        let tensors: [String: Tensor], meta: [String: String]
        do { (tensors, meta) = try Safetensors.decode(data) } catch {
            throw TrainingError.badCheckpoint(path: path, "not a safetensors file: \(error)")
        }
        guard let json = meta[stateKey], let state = try? JSONDecoder().decode(CheckpointState.self, from: Data(json.utf8)) else {
            throw TrainingError.badCheckpoint(path: path, "lacks a valid '\(stateKey)' metadata entry")
        }
        func group(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        return (state, group("model."), group("best."), group("optimizer."))
    }
}

/// Every `Dropout` inside a layer tree, in a fixed order, found by reflection: models nest
/// dropout in their own layer types, and a resumed run must continue each mask generator.
func dropoutLayers(of root: AnyObject) -> [Dropout] {
    var seen = Set<ObjectIdentifier>()
    var found: [Dropout] = []
    func visit(_ value: Any) {
        // Numeric arrays hold no layers; skipping them keeps the walk cheap.
        if value is [Float] || value is [Int] || value is [Double] || value is [UInt8] || value is [Int32] { return }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .class {
            guard seen.insert(ObjectIdentifier(value as AnyObject)).inserted else { return }
            if let d = value as? Dropout { found.append(d); return }
        }
        var m: Mirror? = mirror
        while let current = m {
            for child in current.children { visit(child.value) }
            m = current.superclassMirror
        }
    }
    visit(root)
    return found
}
