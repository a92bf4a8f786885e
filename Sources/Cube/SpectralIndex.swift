import Scenes

/// Spectral indices appended to a cube after the reflectance bands. A zero denominator or a NaN
/// input gives NaN.
public enum SpectralIndex: Hashable, Sendable, CustomStringConvertible {
    /// (nir − red)/(nir + red).
    case ndvi
    /// (nir − swir1)/(nir + swir1), the moisture index of the FLU study (seed 000 §2.2).
    case ndmi
    /// (green − nir)/(green + nir), McFeeters' water index.
    case ndwi
    /// Soil brightness index √((red² + green²)/2) of Escadafal & Mathieu. The CLS benchmark paper
    /// (seed 001 §2.2) prints a garbled form; this is the published definition it cites.
    case bi
    /// (a − b)/(a + b) for any two bands, written `nd:A:B`.
    case normalizedDifference(CommonBand, CommonBand)

    /// Parses `ndvi,ndmi,ndwi,bi,nd:A:B` (empty or `none` gives no index).
    public static func parseList(_ text: String) throws -> [SpectralIndex] {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.isEmpty || t == "none" { return [] }
        return try t.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces)
            switch name {
            case "ndvi": return .ndvi
            case "ndmi": return .ndmi
            case "ndwi": return .ndwi
            case "bi": return .bi
            default:
                let parts = name.split(separator: ":")
                if parts.count == 3, parts[0] == "nd", let a = CommonBand(rawValue: String(parts[1])), let b = CommonBand(rawValue: String(parts[2])) {
                    return .normalizedDifference(a, b)
                }
                throw CubeError.invalidOption("--indices: unknown index '\(name)'; expected ndvi, ndmi, ndwi, bi or nd:A:B with band names (\(CommonBand.allCases.map(\.rawValue).joined(separator: " ")))")
            }
        }
    }

    /// The band name in the cube ("ndvi", "nd_nir_swir2").
    public var description: String {
        switch self {
        case .ndvi: return "ndvi"
        case .ndmi: return "ndmi"
        case .ndwi: return "ndwi"
        case .bi: return "bi"
        case let .normalizedDifference(a, b): return "nd_\(a.rawValue)_\(b.rawValue)"
        }
    }

    /// The bands the formula reads.
    public var inputs: [CommonBand] {
        switch self {
        case .ndvi: return [.nir, .red]
        case .ndmi: return [.nir, .swir1]
        case .ndwi: return [.green, .nir]
        case .bi: return [.red, .green]
        case let .normalizedDifference(a, b): return [a, b]
        }
    }

    /// The index from its inputs, in the order of `inputs`.
    @inline(__always)
    public func value(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .bi:
            return ((a * a + b * b) / 2).squareRoot()
        default:
            let sum = a + b
            return sum == 0 ? .nan : (a - b) / sum
        }
    }

    /// Computes the index for `n` pixels from two band planes into `output`.
    public func compute(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int, into output: UnsafeMutablePointer<Float>) {
        for i in 0..<n { output[i] = value(a[i], b[i]) }
    }
}
