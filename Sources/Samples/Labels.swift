import GeoIO

/// Where labels come from and how to read them (the `--labels`/`--parcels` family of flags).
public struct LabelOptions: Sendable {
    /// A vector file (GeoJSON, GeoPackage, Shapefile, CSV …) or a label raster.
    public var path: String
    /// The layer of a multi-layer vector file (the first one when nil).
    public var layer: String?
    /// The attribute holding the class code.
    public var field: String
    /// The attribute holding the class name; nil uses a field called `name` when there is one and
    /// it gives each code a single name.
    public var nameField: String?
    /// The attribute grouping samples that must stay in one split; nil makes every feature its
    /// own group (so all pixels of one polygon stay together).
    public var groupField: String?
    /// The CRS of the coordinates of a CSV (default EPSG:4326 lon/lat), or of a file that has none.
    public var crs: String?
    /// Sample at most this many pixels per polygon (seeded); every pixel centre inside when nil.
    public var perPolygon: Int?
    /// Keep at most this many labels per class (seeded), e.g. for a wall-to-wall label raster.
    public var maxPerClass: Int?
    public var seed: UInt64

    public init(path: String, layer: String? = nil, field: String, nameField: String? = nil, groupField: String? = nil,
                crs: String? = nil, perPolygon: Int? = nil, maxPerClass: Int? = nil, seed: UInt64 = 42) {
        self.path = path
        self.layer = layer
        self.field = field
        self.nameField = nameField
        self.groupField = groupField
        self.crs = crs
        self.perPolygon = perPolygon
        self.maxPerClass = maxPerClass
        self.seed = seed
    }

    /// Whether `path` is read as a label raster rather than a vector file.
    public var isRaster: Bool {
        let lower = path.lowercased()
        return [".tif", ".tiff", ".vrt", ".img", ".jp2", ".nc"].contains { lower.hasSuffix($0) }
    }
}

/// A labeled pixel of the cube grid: the centre of a patch.
public struct PixelLabel: Equatable, Sendable {
    public var col: Int
    public var row: Int
    /// The label's position in the cube's CRS (the point itself, or the pixel centre).
    public var x: Double
    public var y: Double
    public var code: Int
    public var group: String

    public init(col: Int, row: Int, x: Double, y: Double, code: Int, group: String) {
        self.col = col
        self.row = row
        self.x = x
        self.y = y
        self.code = code
        self.group = group
    }
}

/// A labeled polygon in the cube's CRS: one parcel.
public struct PolygonLabel: Equatable, Sendable {
    public var geometry: Geometry
    public var code: Int
    public var group: String
    /// Its position in the label file (for messages).
    public var feature: Int

    public init(geometry: Geometry, code: Int, group: String, feature: Int) {
        self.geometry = geometry
        self.code = code
        self.group = group
        self.feature = feature
    }
}

/// Labels ready for sampling, with their classes and what was skipped on the way.
public struct LabelSet<Label: Sendable>: Sendable {
    public var labels: [Label]
    public var classes: ClassTable
    public var skipped: SkipCounts
    /// The fields used (for provenance).
    public var field: String
    public var nameField: String?
    public var groupField: String?
}

/// Reads labels for the two samplers.
public enum LabelReader {
    /// Pixel labels for patches, from points, polygons or a label raster, on `grid`.
    /// - Throws: `SamplesError` or `GeoIOError` naming the file and what is wrong.
    public static func pixels(_ options: LabelOptions, grid: Grid) throws -> LabelSet<PixelLabel> {
        if options.isRaster { return try RasterLabels.pixels(options, grid: grid) }
        var set = try VectorLabels.pixels(options, grid: grid)
        if let cap = options.maxPerClass {
            // Per class, `cap` of its labels drawn with the seed; the file order is kept.
            var rng = SeededRandom(seed: options.seed, purpose: "max-per-class")
            var byCode: [Int: [Int]] = [:]
            for (i, l) in set.labels.enumerated() { byCode[l.code, default: []].append(i) }
            var keep = Set<Int>()
            for code in byCode.keys.sorted() {
                let members = byCode[code] ?? []
                for j in rng.choose(cap, of: members.count) { keep.insert(members[j]) }
            }
            set.skipped.add(.overCap, set.labels.count - keep.count)
            set.labels = set.labels.indices.filter { keep.contains($0) }.map { set.labels[$0] }
        }
        return set
    }

    /// Polygon labels for parcels, on `grid`.
    /// - Throws: `SamplesError` or `GeoIOError` naming the file and what is wrong.
    public static func polygons(_ options: LabelOptions, grid: Grid) throws -> LabelSet<PolygonLabel> {
        if options.isRaster {
            throw SamplesError.invalidOption("\(options.path) is a raster; parcels need a polygon layer (GeoJSON, GeoPackage, Shapefile)")
        }
        return try VectorLabels.polygons(options, grid: grid)
    }
}
