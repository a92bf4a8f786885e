import GeoIO

/// Where the synthetic landscape lies and the grids every product is written on.
///
/// The area is in eastern Pará, Brazil (≈ 48.3° W, 3.2° S; Sentinel-2 tile 22MHB, Landsat WRS-2
/// path 223 row 062), a region of forest loss to pasture, soy, oil palm and bauxite mining of
/// the kind the FLU study maps (seed 000, §2.1). As USGS does for southern-hemisphere scenes,
/// Landsat products use the *northern* UTM zone (EPSG:32622, negative northings) while
/// Sentinel-2 uses the southern one (EPSG:32722): the same place, 10 000 km apart in northing,
/// so a reader must reproject rather than trust the numbers.
struct ArchiveGeometry: Sendable {
    /// Landsat pixels per side (the `--size` option).
    let size: Int

    static let landsatCRS = "EPSG:32622"
    static let sentinelCRS = "EPSG:32722"
    static let landsatEPSG = 32622
    static let sentinelEPSG = 32722
    static let utmZone = 22
    /// Upper-left corner: easting, and northing in EPSG:32722. Aligned to 60 m with the 22MHB
    /// tile origin (799 980, 9 700 020), so every Sentinel-2 resolution nests exactly.
    static let originX = 805_020.0
    static let originNorthingSouth = 9_650_040.0
    static var originNorthingNorth: Double { originNorthingSouth - 10_000_000 }
    static let mgrsTile = "22MHB"
    static let wrsPath = 223
    static let wrsRow = 62
    /// Centre of the area, for sun angles and the scene centre time.
    static let latitude = -3.16
    static let longitude = -48.26

    init(size: Int) { self.size = size }

    /// Side of the area in metres.
    var extent: Double { Double(size) * 30 }

    /// The 10 m grid everything is simulated on: it covers the Landsat extent and is a whole
    /// number of 20 m pixels.
    var fineSize: Int { 2 * ((3 * size + 1) / 2) }

    var landsatGrid: Grid {
        Grid(crs: Self.landsatCRS,
             transform: GeoTransform(originX: Self.originX, pixelWidth: 30, originY: Self.originNorthingNorth, pixelHeight: -30),
             width: size, height: size)
    }

    /// Sentinel-2 grid at 10, 20 or 60 m.
    func sentinelGrid(resolution: Int) -> Grid {
        let n = (fineSize * 10 + resolution - 1) / resolution
        return Grid(crs: Self.sentinelCRS,
                    transform: GeoTransform(originX: Self.originX, pixelWidth: Double(resolution),
                                            originY: Self.originNorthingSouth, pixelHeight: -Double(resolution)),
                    width: n, height: n)
    }

    /// Local coordinates (metres east and south of the upper-left corner) → EPSG:32622.
    static func landsatWorld(east: Double, south: Double) -> (x: Double, y: Double) {
        (originX + east, originNorthingNorth - south)
    }

    static func sentinelWorld(east: Double, south: Double) -> (x: Double, y: Double) {
        (originX + east, originNorthingSouth - south)
    }
}
