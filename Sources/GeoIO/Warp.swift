import CGDAL
import Foundation

/// Settings of a warp onto a grid. The defaults are `gdalwarp`'s: the source's pixel type, the
/// source's nodata (also used as the target's nodata), and a 0.125-pixel error threshold for the
/// approximate transformer.
public struct WarpOptions: Sendable {
    /// The resampling of every band not listed in `bandResampling`.
    public var resampling: Resampling
    /// Per-band overrides, by source band number (1-based): nearest for QA, bilinear for reflectance.
    public var bandResampling: [Int: Resampling]
    /// The source bands to warp, in output order (all bands when nil).
    public var bands: [Int]?
    /// Overrides the source's nodata value (pixels equal to it are ignored by the warper).
    public var sourceNoData: Double?
    /// The nodata value written where the target has no source data (the source's by default).
    public var targetNoData: Double?
    /// The target pixel type (the source's by default); Float32 with `targetNoData: .nan` gives NaN gaps.
    public var outputType: RasterDataType?
    /// `gdalwarp -et`: the largest error, in pixels, of the approximate transformer; 0 transforms
    /// every pixel exactly (about 8–12× slower in GDAL 3.6). The approximation is made per warp
    /// chunk, so with the default 0.125 a pixel whose source position lies within 1/8 pixel of a
    /// source pixel edge may differ between `gdalwarp` (its own chunks), this warped VRT (its
    /// blocks), and a warp onto a sub-grid: about 0.5 % of pixels for nearest in a UTM→lon/lat
    /// test. Reads of any window of one `WarpedRaster` always agree with each other.
    public var errorThreshold: Double

    public init(resampling: Resampling = .nearest, bandResampling: [Int: Resampling] = [:], bands: [Int]? = nil,
                sourceNoData: Double? = nil, targetNoData: Double? = nil, outputType: RasterDataType? = nil,
                errorThreshold: Double = 0.125) {
        self.resampling = resampling
        self.bandResampling = bandResampling
        self.bands = bands
        self.sourceNoData = sourceNoData
        self.targetNoData = targetNoData
        self.outputType = outputType
        self.errorThreshold = errorThreshold
    }
}

/// A raster seen through GDAL's warper on a target `Grid`, computed lazily: each `read` warps only
/// the blocks it touches (a warped VRT, the same code path as `gdalwarp`), so a large target never
/// needs to fit in memory. Bands are numbered 1… in the order of `WarpOptions.bands`.
///
/// The source `Raster` is kept open by this object; do not `close()` it while warping.
public final class WarpedRaster {
    /// The target grid every read is on.
    public let grid: Grid
    /// The raster being warped.
    public let source: Raster
    /// The resampling of each output band (index 0 is band 1).
    public let resamplings: [Resampling]
    /// One warped VRT per distinct resampling method (a warped VRT has a single method), plus the
    /// band-subset VRT it reads from when not every source band is wanted.
    private var groups: [(warped: Raster, subset: Raster?)] = []
    /// Output band → (group, band inside that group's VRT).
    private var bandMap: [(group: Int, band: Int)] = []
    private let sourceBands: [Int]

    /// Prepares the warp of `source` onto `grid`; no pixel is computed yet.
    /// - Throws: `GeoIOError.invalidArgument` for a bad grid or band list, `.gdal` when GDAL cannot
    ///   set up the transformation (for instance a source without a CRS).
    public init(_ source: Raster, grid: Grid, options: WarpOptions = WarpOptions()) throws {
        self.source = source
        self.grid = grid
        let bands = options.bands ?? Array(1...max(source.bandCount, 1))
        guard grid.width > 0, grid.height > 0, grid.width <= Int(Int32.max), grid.height <= Int(Int32.max), grid.transform.isNorthUp,
              grid.transform.pixelWidth > 0, grid.transform.pixelHeight < 0 else {
            throw GeoIOError(.invalidArgument, path: source.path,
                             "cannot warp onto a \(grid.width)×\(grid.height) grid that is not north-up with positive size")
        }
        guard !bands.isEmpty, bands.allSatisfy({ $0 >= 1 && $0 <= source.bandCount }) else {
            throw GeoIOError(.invalidArgument, path: source.path,
                             "warp: bands \(bands) do not exist (the file has \(source.bandCount))")
        }
        sourceBands = bands
        resamplings = bands.map { options.bandResampling[$0] ?? options.resampling }
        // GDAL 3.6 has no signed byte type: the warper sees Int8 as unsigned bytes, which only
        // value-preserving methods survive (the warped band is re-marked as Int8 below).
        var signed: Set<Int> = []
        for (i, b) in bands.enumerated() where try source.dataType(band: b) == .int8 && options.outputType == nil {
            guard resamplings[i].preservesValues else {
                throw GeoIOError(.invalidArgument, path: source.path,
                                 "band \(b) is Int8, which GDAL 3.6 can only warp with nearest or mode (not \(resamplings[i].rawValue))")
            }
            signed.insert(i)
        }

        // Bands sharing a method share one warped VRT, in first-use order.
        var methods: [Resampling] = []
        for r in resamplings where !methods.contains(r) { methods.append(r) }
        var map = [(group: Int, band: Int)](repeating: (0, 0), count: bands.count)
        for (g, method) in methods.enumerated() {
            let members = bands.indices.filter { resamplings[$0] == method }
            let memberBands = members.map { bands[$0] }
            for (k, i) in members.enumerated() { map[i] = (g, k + 1) }
            groups.append(try Self.makeGroup(source: source, bands: memberBands, grid: grid, method: method, options: options))
        }
        bandMap = map
        for i in signed {
            let (raster, b) = try locate(i + 1)
            GDALSetMetadataItem(try raster.band(b), "PIXELTYPE", "SIGNEDBYTE", "IMAGE_STRUCTURE")
        }
    }

    /// Opens `path` and prepares its warp onto `grid`.
    /// - Throws: `.notFound`/`.unreadable` when the file cannot be opened, else as `init(_:grid:options:)`.
    public convenience init(path: String, grid: Grid, options: WarpOptions = WarpOptions()) throws {
        try self.init(Raster.open(path), grid: grid, options: options)
    }

    deinit {
        // Warped VRTs before the subsets they read, before the source (released after this).
        for group in groups.reversed() {
            try? group.warped.close()
            try? group.subset?.close()
        }
    }

    /// The number of output bands (the length of `WarpOptions.bands`).
    public var bandCount: Int { bandMap.count }

    /// Reads a window of the warped band as `T` (GDAL converts from the warped pixel type).
    /// - Throws: `.invalidArgument` for a band or window outside the grid, `.unreadable` when warping fails.
    public func read<T: RasterScalar>(band index: Int, window: Window? = nil, as _: T.Type = T.self) throws -> [T] {
        let (raster, b) = try locate(index)
        return try raster.read(band: b, window: window ?? grid.window)
    }

    /// Reads a window into a caller-owned buffer (block loops reuse it).
    public func read<T: RasterScalar>(band index: Int, window: Window, into buffer: inout [T]) throws {
        let (raster, b) = try locate(index)
        try raster.read(band: b, window: window, into: &buffer)
    }

    /// The nodata value of a warped band, if any.
    public func noData(band index: Int) throws -> Double? {
        let (raster, b) = try locate(index)
        return try raster.noData(band: b)
    }

    /// The pixel type of a warped band.
    public func dataType(band index: Int) throws -> RasterDataType {
        let (raster, b) = try locate(index)
        return try raster.dataType(band: b)
    }

    /// Warps every band into a GeoTIFF at `path`, block by block, written atomically through
    /// `GeoTIFFWriter`. Band descriptions come from the source (or `bandNames`), nodata from the warp.
    /// - Throws: `.unwritable` when the file cannot be written, or any warping error.
    public func write(to path: String, profile: GeoTIFFProfile = .standard, bandNames: [String]? = nil) throws {
        let type = try dataType(band: 1)
        let writer = try GeoTIFFWriter(path: path, grid: grid, bandCount: bandCount, type: type, profile: profile)
        for b in 1...bandCount {
            if let nd = try noData(band: b) { try writer.raster.setNoData(band: b, nd) }
            let sourceName = try source.description(band: sourceBands[b - 1])
            let name = bandNames.flatMap { b <= $0.count ? $0[b - 1] : nil } ?? sourceName
            if !name.isEmpty { try writer.raster.setDescription(band: b, name) }
        }
        for window in grid.window.subdivided(tileWidth: profile.tileSize, tileHeight: profile.tileSize) {
            for b in 1...bandCount {
                switch type {
                case .byte, .int8: try copy(UInt8.self, band: b, window: window, into: writer)
                case .uint16: try copy(UInt16.self, band: b, window: window, into: writer)
                case .int16: try copy(Int16.self, band: b, window: window, into: writer)
                case .uint32: try copy(UInt32.self, band: b, window: window, into: writer)
                case .int32: try copy(Int32.self, band: b, window: window, into: writer)
                case .float32: try copy(Float.self, band: b, window: window, into: writer)
                case .float64: try copy(Double.self, band: b, window: window, into: writer)
                }
            }
        }
        try writer.finish()
    }

    private func copy<T: RasterScalar>(_: T.Type, band: Int, window: Window, into writer: GeoTIFFWriter) throws {
        let values: [T] = try read(band: band, window: window)
        try writer.write(band: band, window: window, values)
    }

    private func locate(_ index: Int) throws -> (Raster, Int) {
        guard index >= 1, index <= bandMap.count else {
            throw GeoIOError(.invalidArgument, path: source.path, "warped band \(index) does not exist (\(bandMap.count) bands)")
        }
        let m = bandMap[index - 1]
        return (groups[m.group].warped, m.band)
    }

    /// The `gdalwarp` arguments for a warp onto `grid`; public so that tests and logs can show the
    /// equivalent command line.
    public static func gdalwarpArguments(grid: Grid, method: Resampling, options: WarpOptions) -> [String] {
        let b = grid.bounds
        var args = ["-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                    "-ts", "\(grid.width)", "\(grid.height)", "-r", method.gdalName, "-et", "\(options.errorThreshold)"]
        if !grid.crs.isEmpty { args += ["-t_srs", grid.crs] }
        if let v = options.sourceNoData { args += ["-srcnodata", noDataText(v)] }
        if let v = options.targetNoData { args += ["-dstnodata", noDataText(v)] }
        if let t = options.outputType { args += ["-ot", t == .int8 ? "Byte" : t.rawValue] }
        return args
    }

    private static func noDataText(_ v: Double) -> String { v.isNaN ? "nan" : "\(v)" }

    private static func makeGroup(source: Raster, bands: [Int], grid: Grid, method: Resampling,
                                  options: WarpOptions) throws -> (warped: Raster, subset: Raster?) {
        var subset: Raster? = nil
        if bands != Array(stride(from: 1, through: source.bandCount, by: 1)) {
            // gdalwarp in GDAL 3.6 has no -srcband; a band-subset VRT in memory does the same.
            let args = ["-of", "VRT"] + bands.flatMap { ["-b", "\($0)"] }
            let h = try withArgumentList(args) { list -> GDALDatasetH in
                guard let opts = GDALTranslateOptionsNew(list, nil) else {
                    throw GeoIOError(.invalidArgument, path: source.path, "invalid band selection \(bands)")
                }
                defer { GDALTranslateOptionsFree(opts) }
                return try check(source.path, "selecting bands \(bands)", kind: .unreadable) {
                    GDALTranslate("", source.handle, opts, nil)
                }
            }
            subset = Raster(handle: h, path: source.path)
        }
        let input = subset?.handle ?? source.handle
        let args = ["-of", "VRT"] + gdalwarpArguments(grid: grid, method: method, options: options)
        let h = try withArgumentList(args) { list -> GDALDatasetH in
            var usageError: Int32 = 0
            guard let opts = GDALWarpAppOptionsNew(list, nil) else {
                throw GeoIOError(.invalidArgument, path: source.path, "warp: invalid options \(args.joined(separator: " "))")
            }
            defer { GDALWarpAppOptionsFree(opts) }
            var inputs: [GDALDatasetH?] = [input]
            return try check(source.path, "warping onto the \(grid.width)×\(grid.height) grid") {
                GDALWarp("", nil, 1, &inputs, opts, &usageError)
            }
        }
        return (Raster(handle: h, path: source.path), subset)
    }
}

extension Raster {
    /// This raster warped onto `grid` (lazily, block by block); see `WarpedRaster`.
    /// - Throws: as `WarpedRaster.init(_:grid:options:)`.
    public func warped(to grid: Grid, options: WarpOptions = WarpOptions()) throws -> WarpedRaster {
        try WarpedRaster(self, grid: grid, options: options)
    }

    /// Warps this raster onto `grid` into a GeoTIFF at `path` (block by block, written atomically).
    /// - Throws: as `WarpedRaster.init(_:grid:options:)` and `WarpedRaster.write(to:profile:bandNames:)`.
    public func warp(to path: String, grid: Grid, options: WarpOptions = WarpOptions(),
                     profile: GeoTIFFProfile = .standard) throws {
        try WarpedRaster(self, grid: grid, options: options).write(to: path, profile: profile)
    }
}
