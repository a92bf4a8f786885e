/// A raster grid: CRS, geotransform and size. The cube, every warped scene and every map
/// share one. A plain value: comparing CRSs is the only part that asks GDAL.
public struct Grid: Hashable, Sendable, Codable {
    /// WKT, or any definition `SpatialReference` accepts ("EPSG:32633").
    public var crs: String
    public var transform: GeoTransform
    public var width: Int
    public var height: Int

    public init(crs: String, transform: GeoTransform, width: Int, height: Int) {
        self.crs = crs
        self.transform = transform
        self.width = width
        self.height = height
    }

    /// A north-up grid covering `minX…maxX`, `minY…maxY` with square-or-not pixels of the given
    /// size; the extent is rounded outwards to whole pixels.
    public init(crs: String, minX: Double, minY: Double, maxX: Double, maxY: Double,
                resolutionX: Double, resolutionY: Double) {
        // A bad extent or resolution (NaN, ∞, absurd counts) gives an empty grid, never a trap;
        // callers validate `isEmpty`.
        let w = Int(exactly: ((maxX - minX) / resolutionX).rounded(.up)) ?? 0
        let h = Int(exactly: ((maxY - minY) / resolutionY).rounded(.up)) ?? 0
        let valid = w > 0 && h > 0 && w <= Grid.maxSide && h <= Grid.maxSide
        self.init(crs: crs,
                  transform: GeoTransform(originX: minX, pixelWidth: resolutionX, originY: maxY, pixelHeight: -resolutionY),
                  width: valid ? w : 0, height: valid ? h : 0)
    }

    /// The largest side sitscube accepts (a 10 m grid of 10,000 km).
    public static let maxSide = 1_000_000

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var window: Window { Window(width: width, height: height) }
    public var resolution: (x: Double, y: Double) { (abs(transform.pixelWidth), abs(transform.pixelHeight)) }

    /// (minX, minY, maxX, maxY) of a north-up grid.
    public var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let a = transform.world(col: 0, row: 0)
        let b = transform.world(col: Double(width), row: Double(height))
        return (min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y))
    }

    /// World coordinates of a pixel's centre.
    public func center(col: Int, row: Int) -> (x: Double, y: Double) {
        transform.world(col: Double(col) + 0.5, row: Double(row) + 0.5)
    }

    /// The pixel holding a world coordinate, or nil outside the grid.
    public func pixel(x: Double, y: Double) -> (col: Int, row: Int)? {
        guard let p = transform.pixel(x: x, y: y) else { return nil }
        let c = Int(p.col.rounded(.down)), r = Int(p.row.rounded(.down))
        guard c >= 0, r >= 0, c < width, r < height else { return nil }
        return (c, r)
    }

    /// The grid of a window of this one (same CRS and resolution).
    public func subgrid(_ window: Window) -> Grid {
        Grid(crs: crs, transform: transform.shifted(by: window), width: window.width, height: window.height)
    }

    /// Whether both use the same CRS, as GDAL judges it.
    public func hasSameCRS(as other: Grid) throws -> Bool {
        if crs == other.crs { return true }
        return try SpatialReference(crs).isSame(as: SpatialReference(other.crs))
    }

    /// Where `other` lies in this grid, in this grid's pixels, when both share CRS, resolution
    /// and pixel alignment; nil when `other` is not aligned with this grid.
    public func window(of other: Grid) -> Window? {
        guard transform.isNorthUp, other.transform.isNorthUp,
              transform.pixelWidth == other.transform.pixelWidth,
              transform.pixelHeight == other.transform.pixelHeight,
              let p = transform.pixel(x: other.transform.originX, y: other.transform.originY)
        else { return nil }
        let c = p.col.rounded(), r = p.row.rounded()
        guard abs(p.col - c) < 1e-6, abs(p.row - r) < 1e-6, let col = Int(exactly: c), let row = Int(exactly: r) else { return nil }
        return Window(col: col, row: row, width: other.width, height: other.height)
    }

    /// The part of `other` that overlaps this grid, as a subgrid of this one; nil when they do
    /// not overlap or are not aligned. Both must share a CRS (checked by the caller).
    public func intersection(_ other: Grid) -> Grid? {
        guard let w = window(of: other), let overlap = w.intersection(window) else { return nil }
        return subgrid(overlap)
    }
}
