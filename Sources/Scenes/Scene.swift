import GeoIO

/// One band file of a product and how its DNs become physical values:
/// value = DN × scale + offset; DNs outside `validDN`, or equal to `fillDN`, become NaN.
public struct BandFile: Sendable, Hashable {
    /// The product's own name for it: "SR_B4", "ST_B10", "B8A".
    public let productBand: String
    public let path: String
    public let scale: Double
    public let offset: Double
    public let fillDN: Double?
    public let validDN: ClosedRange<Double>?

    public init(productBand: String, path: String, scale: Double, offset: Double, fillDN: Double?, validDN: ClosedRange<Double>?) {
        self.productBand = productBand
        self.path = path
        self.scale = scale
        self.offset = offset
        self.fillDN = fillDN
        self.validDN = validDN
    }
}

/// The per-pixel quality layer of a product.
public struct QualityFile: Sendable, Hashable {
    public enum Kind: String, Sendable { case landsatQAPixel = "QA_PIXEL", sentinel2SCL = "SCL" }
    public let kind: Kind
    public let path: String
}

/// A usable product: what the catalog found and everything the readers need.
public struct Scene: Sendable, Hashable {
    public enum Layout: String, Sendable { case landsatC2L2 = "landsat-c2-l2", sentinel2SAFE = "s2-safe", sentinel2COG = "s2-cog" }

    public let id: String
    public let platform: Platform
    public let date: CalendarDate
    /// Percent, from CLOUD_COVER (or CLOUD_COVER_LAND when asked), CLOUDY_PIXEL_PERCENTAGE or eo:cloud_cover.
    public let cloudCover: Double
    public let cloudCoverLand: Double?
    /// WRS-2 path/row ("008059") for Landsat, MGRS tile ("29RKH") for Sentinel-2.
    public let tile: String
    /// The product folder.
    public let path: String
    public let layout: Layout
    /// Sentinel-2 processing baseline, e.g. "04.00".
    public let processingBaseline: String?
    /// "L2SP" or "L2SR" for Landsat.
    public let processingLevel: String?
    public let bands: [CommonBand: BandFile]
    public let quality: QualityFile
    /// Landsat's QA_RADSAT (saturation), when shipped.
    public let saturationPath: String?
    /// The grid (CRS, geotransform, size) of each band file, filled in when the catalog opens
    /// the files; Sentinel-2 bands differ by resolution (10, 20, 60 m).
    public internal(set) var grids: [CommonBand: Grid] = [:]

    public var sensor: Sensor { platform.sensor }

    /// The distinct grids of the product, finest first (one for Landsat, up to three for Sentinel-2).
    public var resolutionGrids: [Grid] {
        var seen: [Grid] = []
        for g in grids.values.sorted(by: { $0.resolution.x < $1.resolution.x }) where !seen.contains(g) { seen.append(g) }
        return seen
    }

    /// The bands this scene has, in spectral order.
    public var availableBands: [CommonBand] { bands.keys.sorted() }

    /// The default bands of `sitscube mask`: the sensor's reflectance bands plus thermal for
    /// Landsat, and B02–B12 without B09/B10 (ten bands) for Sentinel-2.
    public var defaultBands: [CommonBand] {
        switch sensor {
        case .landsat: return availableBands
        case .sentinel2: return availableBands.filter { $0 != .coastal }
        }
    }
}
