/// Errors of cube building, with the text a user reads: what is wrong and what to do next.
public enum CubeError: Error, CustomStringConvertible {
    case invalidOption(String)
    case noScenes(String)
    case badCube(path: String, String)

    public var description: String {
        switch self {
        case let .invalidOption(text), let .noScenes(text): return text
        case let .badCube(path, text): return "\(path): \(text)"
        }
    }
}
