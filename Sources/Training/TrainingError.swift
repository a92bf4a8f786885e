import Foundation

/// Errors a user can cause through a dataset, a flag or a checkpoint of `sitscube train`,
/// `cv` and `evaluate`. Each names the file or flag and what was expected.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)
    case badDataset(path: String, String)
    case badCheckpoint(path: String, String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .invalidOption(message): return message
        case let .badDataset(path, message): return "\(path): \(message)"
        case let .badCheckpoint(path, message): return "checkpoint \(path): \(message)"
        case let .unsupported(message): return message
        }
    }
}
