import Foundation

/// How a GeoTIFF is laid out: DESIGN.md §3 asks for 512×512 tiles, DEFLATE with the predictor
/// for the pixel type, and for maps a cloud-optimized layout with overviews.
public struct GeoTIFFProfile: Sendable {
    public var tileSize = 512
    public var compression = "DEFLATE"
    /// Writes a Cloud Optimized GeoTIFF through GDAL's COG driver when finished.
    public var cloudOptimized = false
    /// Overview resampling ("MODE" for classes, "AVERAGE" for reflectance); nil for none.
    public var overviewResampling: String?
    /// Writes blocks into an uncompressed staging file and copies it, tile by tile in order, into
    /// the final file at `finish()`. The bytes then depend only on the pixel values, not on the
    /// order or size of the blocks written (parallel block engines need this for determinism).
    public var staged = false

    public init(tileSize: Int = 512, compression: String = "DEFLATE", cloudOptimized: Bool = false,
                overviewResampling: String? = nil, staged: Bool = false) {
        self.tileSize = tileSize
        self.compression = compression
        self.cloudOptimized = cloudOptimized
        self.overviewResampling = overviewResampling
        self.staged = staged
    }

    /// Tiled DEFLATE GeoTIFF written from parallel blocks, with deterministic bytes.
    public static let parallelBlocks = GeoTIFFProfile(staged: true)

    var needsStaging: Bool { cloudOptimized || staged }

    func stagingOptions() -> [(String, String)] {
        [("TILED", "YES"), ("BLOCKXSIZE", "\(tileSize)"), ("BLOCKYSIZE", "\(tileSize)"), ("BIGTIFF", "IF_SAFER"), ("INTERLEAVE", "BAND")]
    }

    public static let standard = GeoTIFFProfile()
    /// A COG of class codes with mode overviews, as maps are written.
    public static let classMap = GeoTIFFProfile(cloudOptimized: true, overviewResampling: "MODE")

    func creationOptions(for type: RasterDataType) -> [(String, String)] {
        var options: [(String, String)] = [
            ("TILED", "YES"), ("BLOCKXSIZE", "\(tileSize)"), ("BLOCKYSIZE", "\(tileSize)"),
            ("COMPRESS", compression), ("BIGTIFF", "IF_SAFER"), ("INTERLEAVE", "BAND"),
        ]
        if compression == "DEFLATE" || compression == "LZW" || compression == "ZSTD" {
            options.append(("PREDICTOR", "\(type.tiffPredictor)"))
        }
        return options
    }

    func cogOptions(for type: RasterDataType) -> [(String, String)] {
        var options: [(String, String)] = [
            ("BLOCKSIZE", "\(tileSize)"), ("COMPRESS", compression), ("BIGTIFF", "IF_SAFER"),
            ("OVERVIEWS", overviewResampling == nil ? "NONE" : "IGNORE_EXISTING"),
        ]
        if let overviewResampling { options.append(("OVERVIEW_RESAMPLING", overviewResampling)) }
        if compression == "DEFLATE" || compression == "LZW" || compression == "ZSTD" {
            options.append(("PREDICTOR", type.isFloatingPoint ? "FLOATING_POINT" : "STANDARD"))
        }
        return options
    }
}

/// Writes a GeoTIFF block by block under a temporary name; `finish()` renames it into place.
/// A writer dropped without `finish()` (an error, a crash) leaves no file at `path`.
public final class GeoTIFFWriter {
    public let path: String
    public let grid: Grid
    public let type: RasterDataType
    public let profile: GeoTIFFProfile
    let raster: Raster
    private let stagingPath: String
    private var finished = false

    public init(path: String, grid: Grid, bandCount: Int, type: RasterDataType, profile: GeoTIFFProfile = .standard) throws {
        self.path = path
        self.grid = grid
        self.type = type
        self.profile = profile
        try AtomicOutput.prepareFolder(of: path)
        // A COG or a staged file is copied from a plain tiled GTiff at the end, so that one needs its own name.
        stagingPath = AtomicOutput.temporaryPath(for: path) + (profile.needsStaging ? ".staging.tif" : "")
        Self.removeLeftovers(of: stagingPath)
        let staging = stagingPath
        raster = try Self.naming(path) {
            try Raster.create(staging, grid: grid, bandCount: bandCount, type: type, driver: "GTiff",
                              options: profile.needsStaging ? profile.stagingOptions() : profile.creationOptions(for: type))
        }
    }

    deinit {
        if !finished {
            try? raster.close()
            Self.removeLeftovers(of: stagingPath)
        }
    }

    public var bandCount: Int { raster.bandCount }

    public func write<T: RasterScalar>(band: Int, window: Window? = nil, _ values: [T]) throws {
        try write(band: band, window: window, values[...])
    }

    public func write<T: RasterScalar>(band: Int, window: Window? = nil, _ values: ArraySlice<T>) throws {
        try Self.naming(path) { try raster.write(band: band, window: window, values) }
    }

    /// Errors name the file the caller asked for, not the temporary one being written.
    static func naming<R>(_ path: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as GeoIOError where e.path != path {
            throw GeoIOError(e.kind, path: path, e.message)
        }
    }

    /// Band descriptions, in band order (GDAL shows them as band names; QGIS too).
    public func setBandNames(_ names: [String]) throws {
        for (i, name) in names.enumerated() { try raster.setDescription(band: i + 1, name) }
    }

    /// The same nodata value on every band.
    public func setNoData(_ value: Double) throws {
        for b in 1...raster.bandCount { try raster.setNoData(band: b, value) }
    }

    public func setColorTable(band: Int = 1, _ colors: [RGBA]) throws { try raster.setColorTable(band: band, colors) }
    public func setCategoryNames(band: Int = 1, _ names: [String]) throws { try raster.setCategoryNames(band: band, names) }
    public func setMetadata(_ key: String, _ value: String) { raster.setMetadata(key, value) }

    /// Completes the file: overviews or the COG copy, then the rename into place.
    public func finish() throws {
        try Self.naming(path) { try finishWrites() }
    }

    private func finishWrites() throws {
        guard !finished else { return }
        defer { finished = true }
        do {
            let finalTmp = AtomicOutput.temporaryPath(for: path)
            if profile.cloudOptimized {
                try raster.copy(to: finalTmp, driver: "COG", options: profile.cogOptions(for: type)).close()
                try raster.close()
                Self.removeLeftovers(of: stagingPath)
            } else if profile.staged {
                try raster.flush()
                let copy = try raster.copy(to: finalTmp, driver: "GTiff", options: profile.creationOptions(for: type))
                if let resampling = profile.overviewResampling {
                    try copy.buildOverviews(levels: Self.overviewLevels(for: grid, tile: profile.tileSize), resampling: resampling)
                }
                try copy.close()
                try raster.close()
                Self.removeLeftovers(of: stagingPath)
            } else {
                if let resampling = profile.overviewResampling {
                    try raster.buildOverviews(levels: Self.overviewLevels(for: grid, tile: profile.tileSize), resampling: resampling)
                }
                try raster.close()
            }
            try Self.commitWithSidecars(finalTmp, to: path)
        } catch {
            try? raster.close()
            Self.removeLeftovers(of: stagingPath)
            Self.removeLeftovers(of: AtomicOutput.temporaryPath(for: path))
            throw error
        }
    }

    /// Overview factors 2, 4, 8 … until the smallest level fits in one tile.
    static func overviewLevels(for grid: Grid, tile: Int) -> [Int] {
        var levels: [Int] = []
        var factor = 2
        while max(grid.width, grid.height) / (factor / 2) > tile {
            levels.append(factor)
            factor *= 2
        }
        return levels
    }

    /// GDAL may keep some properties (category names) in an `.aux.xml` sidecar; it moves with the file.
    static func commitWithSidecars(_ tmp: String, to path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: tmp + ".aux.xml") {
            try? fm.removeItem(atPath: path + ".aux.xml")
            try AtomicOutput.commit(tmp + ".aux.xml", to: path + ".aux.xml")
        } else {
            try? fm.removeItem(atPath: path + ".aux.xml")
        }
        try AtomicOutput.commit(tmp, to: path)
    }

    static func removeLeftovers(of path: String) {
        for suffix in ["", ".aux.xml", ".ovr"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
