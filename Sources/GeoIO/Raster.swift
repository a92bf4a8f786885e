import CGDAL
import Foundation

/// An open raster dataset. Bands are numbered from 1, as in GDAL. Not safe to share between
/// threads: open one per thread (opening is cheap; GDAL's block cache is shared).
public final class Raster {
    let handle: GDALDatasetH
    public let path: String
    private var closed = false

    init(handle: GDALDatasetH, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { if !closed { GDALClose(handle) } }

    /// Opens a raster for reading (or update).
    /// - Throws: `.notFound` when the file does not exist, `.unreadable` when GDAL cannot read it.
    public static func open(_ path: String, update: Bool = false) throws -> Raster {
        GDALEnvironment.ensure()
        if !path.hasPrefix("/vsi"), !FileManager.default.fileExists(atPath: path) {
            throw GeoIOError(.notFound, path: path, "no such file")
        }
        let h = try check(path, "cannot open as a raster", kind: .unreadable) {
            GDALOpenEx(path, sc_open_flags(1, 0, update ? 1 : 0), nil, nil, nil)
        }
        // GDAL 3.6's GTiff driver loads the .aux.xml sidecar (category names, statistics) only
        // when georeferencing is first asked for; ask now so band properties are complete.
        var coefficients = [Double](repeating: 0, count: 6)
        _ = GDALGetGeoTransform(h, &coefficients)
        let raster = Raster(handle: h, path: path)
        guard raster.bandCount > 0 else {
            throw GeoIOError(.unreadable, path: path, "has no raster bands")
        }
        return raster
    }

    /// Creates a raster with `driver` (GTiff by default) on `grid`. Most callers want
    /// `GeoTIFFWriter`, which also writes under a temporary name.
    public static func create(_ path: String, grid: Grid, bandCount: Int, type: RasterDataType,
                              driver driverName: String = "GTiff", options: [(String, String)] = []) throws -> Raster {
        GDALEnvironment.ensure()
        guard grid.width > 0, grid.height > 0, bandCount > 0 else {
            throw GeoIOError(.invalidArgument, path: path, "cannot create a \(grid.width)×\(grid.height) raster with \(bandCount) bands")
        }
        let driver = try check(path, "no GDAL driver named \(driverName)") { GDALGetDriverByName(driverName) }
        var options = options
        if type == .int8 { options.append(("PIXELTYPE", "SIGNEDBYTE")) }
        let h = try withStringList(options) { list in
            try check(path, "cannot create", kind: .unwritable) {
                GDALCreate(driver, path, Int32(grid.width), Int32(grid.height), Int32(bandCount), type.gdal, list)
            }
        }
        let raster = Raster(handle: h, path: path)
        try raster.setGrid(grid)
        return raster
    }

    /// Copies this raster into a new file through `driver` (for drivers that only support
    /// CreateCopy, such as COG and JP2OpenJPEG).
    @discardableResult
    public func copy(to path: String, driver driverName: String, options: [(String, String)] = []) throws -> Raster {
        let driver = try check(path, "no GDAL driver named \(driverName)") { GDALGetDriverByName(driverName) }
        let h = try withStringList(options) { list in
            try check(path, "cannot write a \(driverName) copy of \(self.path)", kind: .unwritable) {
                GDALCreateCopy(driver, path, handle, 0, list, nil, nil)
            }
        }
        return Raster(handle: h, path: path)
    }

    /// Flushes and closes; write errors that GDAL only notices at close are thrown here.
    public func close() throws {
        guard !closed else { return }
        closed = true
        CPLErrorReset()
        GDALClose(handle)
        if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue {
            throw GeoIOError(.unwritable, path: path, "closing: \(lastGDALMessage(or: "failed"))")
        }
    }

    /// Writes cached blocks to disk.
    public func flush() throws {
        // GDAL 3.6 declares GDALFlushCache void; failures are left as the thread's last error.
        try checkStatus(path, "flushing", kind: .unwritable) {
            GDALFlushCache(handle)
            return CPLGetLastErrorType()
        }
    }

    // MARK: Size and georeferencing

    public var width: Int { Int(GDALGetRasterXSize(handle)) }
    public var height: Int { Int(GDALGetRasterYSize(handle)) }
    public var bandCount: Int { Int(GDALGetRasterCount(handle)) }
    public var driverName: String { GDALGetDriverShortName(GDALGetDatasetDriver(handle)).map { String(cString: $0) } ?? "" }

    /// The CRS as WKT; empty when the file has none.
    public var crs: String {
        guard let s = GDALGetSpatialRef(handle) else { return "" }
        return SpatialReference(cloning: s).wkt
    }

    /// The geotransform; GDAL's default (0, 1, 0, 0, 0, 1) when the file has none.
    public var transform: GeoTransform {
        var c = [Double](repeating: 0, count: 6)
        if GDALGetGeoTransform(handle, &c) != CE_None { c = [0, 1, 0, 0, 0, 1] }
        return GeoTransform(c) ?? GeoTransform(originX: 0, pixelWidth: 1, originY: 0, pixelHeight: 1)
    }

    public var grid: Grid { Grid(crs: crs, transform: transform, width: width, height: height) }

    public func setGrid(_ grid: Grid) throws {
        var c = grid.transform.coefficients
        try checkStatus(path, "setting the geotransform") { GDALSetGeoTransform(handle, &c) }
        if !grid.crs.isEmpty {
            let srs = try SpatialReference(grid.crs)
            try checkStatus(path, "setting the CRS") { GDALSetSpatialRef(handle, srs.handle) }
        }
    }

    // MARK: Bands

    func band(_ index: Int) throws -> GDALRasterBandH {
        guard index >= 1, index <= bandCount else {
            throw GeoIOError(.invalidArgument, path: path, "band \(index) does not exist (the file has \(bandCount))")
        }
        return try check(path, "band \(index)") { GDALGetRasterBand(handle, Int32(index)) }
    }

    public func dataType(band index: Int) throws -> RasterDataType {
        let b = try band(index)
        let t = GDALGetRasterDataType(b)
        let signed = GDALGetMetadataItem(b, "PIXELTYPE", "IMAGE_STRUCTURE").map { String(cString: $0) } == "SIGNEDBYTE"
        guard let type = RasterDataType(gdal: t, signedByte: signed) else {
            throw GeoIOError(.unreadable, path: path, "band \(index) has the unsupported pixel type \(String(cString: GDALGetDataTypeName(t)))")
        }
        return type
    }

    public func noData(band index: Int) throws -> Double? {
        var has: Int32 = 0
        let value = GDALGetRasterNoDataValue(try band(index), &has)
        return has != 0 ? value : nil
    }

    public func setNoData(band index: Int, _ value: Double) throws {
        let b = try band(index)
        try checkStatus(path, "setting nodata of band \(index)") { GDALSetRasterNoDataValue(b, value) }
    }

    public func description(band index: Int) throws -> String {
        GDALGetDescription(try band(index)).map { String(cString: $0) } ?? ""
    }

    public func setDescription(band index: Int, _ text: String) throws {
        GDALSetDescription(try band(index), text)
    }

    /// Scale and offset from the band's metadata (1 and 0 when unset).
    public func scaleOffset(band index: Int) throws -> (scale: Double, offset: Double) {
        let b = try band(index)
        var hasScale: Int32 = 0, hasOffset: Int32 = 0
        let s = GDALGetRasterScale(b, &hasScale), o = GDALGetRasterOffset(b, &hasOffset)
        return (hasScale != 0 ? s : 1, hasOffset != 0 ? o : 0)
    }

    /// The internal block size of a band (512×512 for our GeoTIFFs).
    public func blockSize(band index: Int = 1) throws -> (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(try band(index), &w, &h)
        return (Int(w), Int(h))
    }

    /// Colour table entries as RGBA, or nil when the band has none.
    public func colorTable(band index: Int) throws -> [RGBA]? {
        guard let table = GDALGetRasterColorTable(try band(index)) else { return nil }
        return (0..<Int(GDALGetColorEntryCount(table))).compactMap { i in
            // Entries are 0…255 for RGB tables; clamp anyway so an odd file cannot trap.
            guard let e = GDALGetColorEntry(table, Int32(i))?.pointee else { return nil }
            func c(_ v: Int16) -> UInt8 { UInt8(clamping: v) }
            return RGBA(c(e.c1), c(e.c2), c(e.c3), c(e.c4))
        }
    }

    public func setColorTable(band index: Int, _ colors: [RGBA]) throws {
        let b = try band(index)
        guard let table = GDALCreateColorTable(GPI_RGB) else { return }
        defer { GDALDestroyColorTable(table) }
        for (i, c) in colors.enumerated() {
            var entry = GDALColorEntry(c1: Int16(c.r), c2: Int16(c.g), c3: Int16(c.b), c4: Int16(c.a))
            GDALSetColorEntry(table, Int32(i), &entry)
        }
        try checkStatus(path, "setting the colour table of band \(index)") { GDALSetRasterColorTable(b, table) }
        GDALSetRasterColorInterpretation(b, GCI_PaletteIndex)
    }

    /// Category names indexed by pixel value (QGIS shows them as the legend).
    public func categoryNames(band index: Int) throws -> [String] {
        guard let list = GDALGetRasterCategoryNames(try band(index)) else { return [] }
        var names: [String] = []
        var i = 0
        while let item = list[i] {
            names.append(String(cString: item))
            i += 1
        }
        return names
    }

    public func setCategoryNames(band index: Int, _ names: [String]) throws {
        let b = try band(index)
        try withArgumentList(names) { list in
            try checkStatus(path, "setting category names of band \(index)") { GDALSetRasterCategoryNames(b, list) }
        }
    }

    // MARK: Metadata

    /// The dataset's metadata items in `domain` (the default domain when empty).
    public func metadata(domain: String = "") -> [String: String] {
        var result: [String: String] = [:]
        guard let list = GDALGetMetadata(handle, domain.isEmpty ? nil : domain) else { return result }
        var i = 0
        while let item = list[i] {
            let pair = String(cString: item)
            if let eq = pair.firstIndex(of: "=") {
                result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            }
            i += 1
        }
        return result
    }

    public func setMetadata(_ key: String, _ value: String, domain: String = "") {
        GDALSetMetadataItem(handle, key, value, domain.isEmpty ? nil : domain)
    }

    /// Builds internal (or .ovr) overviews with the given resampling ("MODE", "AVERAGE", "NEAREST").
    public func buildOverviews(levels: [Int], resampling: String) throws {
        guard !levels.isEmpty else { return }
        var factors = levels.map { Int32($0) }
        try checkStatus(path, "building overviews") {
            GDALBuildOverviews(handle, resampling, Int32(factors.count), &factors, 0, nil, nil, nil)
        }
    }

    public var overviewCount: Int { (try? band(1)).map { Int(GDALGetOverviewCount($0)) } ?? 0 }
}

/// A colour of a colour table.
public struct RGBA: Hashable, Sendable, Codable {
    public var r, g, b, a: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }
}
