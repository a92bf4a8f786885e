/// The band names shared across sensors (DESIGN.md §3), in spectral order.
public enum CommonBand: String, CaseIterable, Sendable, Codable, Comparable {
    case coastal, blue, green, red, rededge1, rededge2, rededge3, nir, nir08, swir1, swir2, thermal

    public static func < (a: CommonBand, b: CommonBand) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Parses a comma-separated list such as "blue,green,red,nir".
    /// - Throws: `SceneError.invalidBand` naming the unknown entry and the valid names.
    public static func parseList(_ text: String) throws -> [CommonBand] {
        try text.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let band = CommonBand(rawValue: name) else {
                throw SceneError.invalidBand(name, valid: allCases.map(\.rawValue))
            }
            return band
        }
    }
}

/// Satellites; raw values are the spellings of Landsat's SPACECRAFT_ID and our JSON output.
public enum Platform: String, Sendable, Codable, CaseIterable {
    case landsat4 = "LANDSAT_4", landsat5 = "LANDSAT_5", landsat7 = "LANDSAT_7", landsat8 = "LANDSAT_8", landsat9 = "LANDSAT_9"
    case sentinel2A = "SENTINEL_2A", sentinel2B = "SENTINEL_2B", sentinel2C = "SENTINEL_2C"

    public var sensor: Sensor {
        switch self {
        case .landsat4, .landsat5, .landsat7, .landsat8, .landsat9: return .landsat
        case .sentinel2A, .sentinel2B, .sentinel2C: return .sentinel2
        }
    }

    /// Landsat 8 and 9 carry OLI/TIRS (coastal band, ST_B10); 4, 5 and 7 carry TM/ETM+.
    public var isOLI: Bool { self == .landsat8 || self == .landsat9 }

    /// From "LANDSAT_7", "sentinel-2a", "Sentinel-2B", "S2A"… (case and separators ignored).
    public init?(loose text: String) {
        let t = text.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        if let p = Platform(rawValue: t) { self = p; return }
        switch t {
        case "S2A", "SENTINEL2A": self = .sentinel2A
        case "S2B", "SENTINEL2B": self = .sentinel2B
        case "S2C", "SENTINEL2C": self = .sentinel2C
        default: return nil
        }
    }
}

public enum Sensor: String, Sendable, Codable, CaseIterable {
    case landsat, sentinel2
}

/// Which product band carries each common band.
enum BandMap {
    /// Landsat 4/5/7 TM/ETM+: B1..B5 and B7 are blue..swir1 and swir2, ST_B6 is thermal.
    static let tm: [(String, CommonBand)] = [
        ("SR_B1", .blue), ("SR_B2", .green), ("SR_B3", .red), ("SR_B4", .nir), ("SR_B5", .swir1), ("SR_B7", .swir2),
        ("ST_B6", .thermal),
    ]
    /// Landsat 8/9 OLI/TIRS: B1 coastal, B2..B7 blue..swir2, ST_B10 thermal.
    static let oli: [(String, CommonBand)] = [
        ("SR_B1", .coastal), ("SR_B2", .blue), ("SR_B3", .green), ("SR_B4", .red), ("SR_B5", .nir), ("SR_B6", .swir1),
        ("SR_B7", .swir2), ("ST_B10", .thermal),
    ]
    /// Sentinel-2 MSI. B09 (water vapour) and B10 (cirrus) are not surface reflectance bands we use.
    static let msi: [(String, CommonBand)] = [
        ("B01", .coastal), ("B02", .blue), ("B03", .green), ("B04", .red), ("B05", .rededge1), ("B06", .rededge2),
        ("B07", .rededge3), ("B08", .nir), ("B8A", .nir08), ("B11", .swir1), ("B12", .swir2),
    ]
    /// Native resolution of each Sentinel-2 band in metres (folder R10m/R20m/R60m of a SAFE).
    static let msiResolution: [String: Int] = [
        "B01": 60, "B02": 10, "B03": 10, "B04": 10, "B05": 20, "B06": 20, "B07": 20, "B08": 10, "B8A": 20,
        "B09": 60, "B11": 20, "B12": 20, "SCL": 20,
    ]
    /// The band_id of MTD_MSIL2A.xml's BOA_ADD_OFFSET entries, in order 0…12.
    static let msiBandIDs = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12"]
}
