/// Errors of dataset building, worded for the user: what is wrong, in which file, and what to do.
public enum SamplesError: Error, CustomStringConvertible, Equatable {
    /// A flag or a combination of flags that cannot work.
    case invalidOption(String)
    /// A label file that cannot give labels (no features, no CRS, a bad class value …).
    case badLabels(path: String, String)
    /// Labels and cube do not overlap, or nothing was left to sample.
    case noSamples(String)
    /// A dataset folder that is not what `dataset.json` says.
    case badDataset(path: String, String)
    /// A file that cannot be written.
    case unwritable(path: String, String)

    public var description: String {
        switch self {
        case let .invalidOption(text), let .noSamples(text): return text
        case let .badLabels(path, text), let .badDataset(path, text), let .unwritable(path, text): return "\(path): \(text)"
        }
    }
}
