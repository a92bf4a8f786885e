/// How a warp computes a target pixel from the source pixels under it.
///
/// `nearest` and `mode` keep values that exist in the source, so they suit QA bits and class
/// codes; `bilinear`, `cubic` and `average` interpolate and suit reflectance.
public enum Resampling: String, CaseIterable, Sendable, Codable {
    case nearest, bilinear, cubic, average, mode

    /// The name `gdalwarp -r` takes.
    public var gdalName: String {
        switch self {
        case .nearest: return "near"
        case .bilinear: return "bilinear"
        case .cubic: return "cubic"
        case .average: return "average"
        case .mode: return "mode"
        }
    }

    /// Whether the method only ever outputs values present in the source (safe for bit masks).
    public var preservesValues: Bool { self == .nearest || self == .mode }

    /// Parses `near`/`nearest`, `bilinear`, `cubic`, `average`, `mode` (any case).
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "near" { self = .nearest; return }
        self.init(rawValue: lower)
    }
}
