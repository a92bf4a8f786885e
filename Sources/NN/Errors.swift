/// Errors a user of `NN` can cause: inputs or files of the wrong shape or format.
public enum NNError: Error, CustomStringConvertible, Equatable {
    /// `what` (a tensor or layer) expected `expected` but got `actual`.
    case shapeMismatch(what: String, expected: [Int], actual: [Int])
    /// A configuration value is out of range.
    case invalidArgument(String)
    /// A safetensors file is malformed or does not fit the model.
    case format(String)
    /// A tensor the model needs is missing from a file.
    case missingTensor(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(what, expected, actual):
            return "\(what): expected shape \(expected), got \(actual)"
        case let .invalidArgument(m): return "invalid argument: \(m)"
        case let .format(m): return "safetensors: \(m)"
        case let .missingTensor(n): return "safetensors: tensor '\(n)' is missing from the file"
        }
    }
}

/// Throws a shape error unless `actual` has the given rank.
func checkRank(_ what: String, _ x: Tensor, _ rank: Int) throws {
    guard x.rank == rank else {
        throw NNError.shapeMismatch(what: what + " (rank \(rank) input)", expected: Array(repeating: -1, count: rank), actual: x.shape)
    }
}
