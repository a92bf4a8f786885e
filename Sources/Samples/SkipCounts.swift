/// Why a label did not become a sample. The raw values are the keys of `skipped` in
/// `dataset.json`; keep them stable.
public enum SkipReason: String, CaseIterable, Codable, Sendable {
    case noGeometry = "no_geometry"
    case unsupportedGeometry = "unsupported_geometry"
    case noClass = "no_class"
    case outside
    case partlyOutside = "partly_outside"
    case noPixel = "no_pixel"
    case tooLarge = "too_large"
    case border
    case nan
    case overCap = "over_class_cap"

    /// What the reason means, for the summary a user reads.
    public var explanation: String {
        switch self {
        case .noGeometry: return "feature without geometry"
        case .unsupportedGeometry: return "geometry type not usable here"
        case .noClass: return "class field empty"
        case .outside: return "outside the cube"
        case .partlyOutside: return "parcel partly outside the cube"
        case .noPixel: return "polygon holds no pixel centre"
        case .tooLarge: return "parcel larger than \(ParcelCropper.maximumSide) pixels across"
        case .border: return "window crosses the cube border (use --pad reflect|nan to keep)"
        case .nan: return "NaN in the cube (use --keep-nan to keep)"
        case .overCap: return "left out by --max-per-class"
        }
    }
}

/// Counts of skipped labels per reason.
public struct SkipCounts: Equatable, Sendable {
    public private(set) var counts: [SkipReason: Int] = [:]

    public init() {}

    public mutating func add(_ reason: SkipReason, _ n: Int = 1) {
        guard n > 0 else { return }
        counts[reason, default: 0] += n
    }

    public mutating func merge(_ other: SkipCounts) {
        for (r, n) in other.counts { add(r, n) }
    }

    public subscript(reason: SkipReason) -> Int { counts[reason] ?? 0 }
    public var total: Int { counts.values.reduce(0, +) }

    /// Keyed by the stable reason names, for `dataset.json`.
    public var byName: [String: Int] { Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }) }

    /// One line per reason, in a fixed order.
    public var summaryLines: [String] {
        SkipReason.allCases.compactMap { r in counts[r].map { "\($0) \(r.rawValue): \(r.explanation)" } }
    }
}
