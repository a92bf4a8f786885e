/// Why a product cannot be used, or an option is wrong. Texts name the file, the band or the
/// field, and what was expected.
public enum SceneError: Error, CustomStringConvertible, Equatable {
    case notAProduct(path: String)
    case missingBand(path: String, band: String)
    case badMetadata(path: String, String)
    case unreadableBand(path: String, band: String, String)
    case invalidBand(String, valid: [String])
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .notAProduct(path):
            return "\(path): not a Landsat Collection 2 Level-2 or Sentinel-2 L2A product"
        case let .missingBand(path, band):
            return "\(path): missing band \(band)"
        case let .badMetadata(path, what):
            return "\(path): \(what)"
        case let .unreadableBand(path, band, why):
            return "\(path): band \(band) is unreadable (truncated or damaged?): \(why)"
        case let .invalidBand(name, valid):
            return "unknown band '\(name)'; valid names: \(valid.joined(separator: ", "))"
        case let .invalidOption(text):
            return text
        }
    }

    /// The reason without the path, as listed under `skipped`.
    public var reason: String {
        switch self {
        case .notAProduct: return "not a Landsat Collection 2 Level-2 or Sentinel-2 L2A product"
        case let .missingBand(_, band): return "missing band \(band)"
        case let .badMetadata(_, what): return what
        case let .unreadableBand(_, band, why): return "band \(band) is unreadable (truncated or damaged?): \(why)"
        default: return description
        }
    }
}
