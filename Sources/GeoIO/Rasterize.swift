import CGDAL
import Foundation

/// What a rasterized feature writes into the pixels it covers.
public enum BurnValue: Sendable, Hashable {
    /// The same value for every feature.
    case constant(Double)
    /// The value of a numeric attribute.
    case field(String)
}

/// How geometries become pixels: GDAL's rasterizer (the code behind `gdal_rasterize`). A polygon
/// burns the pixels whose centre it contains, or every pixel it touches with `allTouched`; lines
/// burn the pixels they cross; points the pixel that holds them. Later features overwrite earlier ones.
///
/// The result is the whole grid in memory; for a large grid rasterize block by block onto
/// `grid.subgrid(window)`, which gives the same pixels.
public enum Rasterizer {
    /// Burns geometries with one value each onto `grid`.
    ///
    /// - Parameters:
    ///   - geometries: in the CRS `crs` (the grid's CRS when nil); transformed to the grid's CRS when different.
    ///   - values: one burn value per geometry.
    ///   - background: the value of pixels no geometry touches.
    /// - Returns: the grid's pixels, row-major, as `T`.
    /// - Throws: `.invalidArgument` for mismatched counts, a bad grid or CRS; `.gdal` when GDAL fails.
    public static func rasterize<T: RasterScalar>(_ geometries: [Geometry], values: [Double], crs: String? = nil,
                                                  onto grid: Grid, allTouched: Bool = false, background: Double = 0,
                                                  as _: T.Type = T.self) throws -> [T] {
        let raster = try burn(geometries, values: values, crs: crs, onto: grid, type: T.rasterType,
                              allTouched: allTouched, background: background, path: "")
        return try raster.read(band: 1)
    }

    /// Burns the features of a layer onto `grid` (transformed to its CRS), with a constant or an
    /// attribute's value. Features without geometry are skipped.
    /// - Throws: `.invalidArgument` naming the file and field when the field does not exist or a
    ///   value is not a number; as `rasterize(_:values:…)` otherwise.
    public static func rasterize<T: RasterScalar>(_ layer: VectorLayer, burn value: BurnValue, onto grid: Grid,
                                                  allTouched: Bool = false, background: Double = 0,
                                                  as _: T.Type = T.self) throws -> [T] {
        let (geometries, values) = try shapes(of: layer, burn: value)
        let raster = try burn(geometries, values: values, crs: layer.crs.isEmpty ? nil : layer.crs, onto: grid,
                              type: T.rasterType, allTouched: allTouched, background: background, path: layer.path)
        return try raster.read(band: 1)
    }

    /// Rasterizes a layer into a GeoTIFF at `path`, written atomically.
    /// - Parameters:
    ///   - noData: written as the band's nodata value when set (often the background).
    /// - Throws: as `rasterize(_:burn:onto:…)`, and `.unwritable` when the file cannot be written.
    public static func write(_ layer: VectorLayer, burn value: BurnValue, onto grid: Grid, to path: String,
                             type: RasterDataType = .int32, allTouched: Bool = false, background: Double = 0,
                             noData: Double? = nil, profile: GeoTIFFProfile = .standard) throws {
        let (geometries, values) = try shapes(of: layer, burn: value)
        let raster = try burn(geometries, values: values, crs: layer.crs.isEmpty ? nil : layer.crs, onto: grid,
                              type: type, allTouched: allTouched, background: background, path: layer.path)
        let writer = try GeoTIFFWriter(path: path, grid: grid, bandCount: 1, type: type, profile: profile)
        if let noData { try writer.setNoData(noData) }
        switch type {
        case .byte, .int8: try writer.write(band: 1, raster.read(band: 1, as: UInt8.self))
        case .uint16: try writer.write(band: 1, raster.read(band: 1, as: UInt16.self))
        case .int16: try writer.write(band: 1, raster.read(band: 1, as: Int16.self))
        case .uint32: try writer.write(band: 1, raster.read(band: 1, as: UInt32.self))
        case .int32: try writer.write(band: 1, raster.read(band: 1, as: Int32.self))
        case .float32: try writer.write(band: 1, raster.read(band: 1, as: Float.self))
        case .float64: try writer.write(band: 1, raster.read(band: 1, as: Double.self))
        }
        try writer.finish()
    }

    /// The geometries of a layer and the value each burns.
    static func shapes(of layer: VectorLayer, burn value: BurnValue) throws -> ([Geometry], [Double]) {
        var geometries: [Geometry] = [], values: [Double] = []
        switch value {
        case .constant(let v):
            for f in layer.features { if let g = f.geometry { geometries.append(g); values.append(v) } }
        case .field(let name):
            let numbers = try layer.numbers(of: name)
            for (f, v) in zip(layer.features, numbers) { if let g = f.geometry { geometries.append(g); values.append(v) } }
        }
        return (geometries, values)
    }

    /// Rasterizes into a MEM dataset on `grid` (one band of `type`, filled with `background`).
    static func burn(_ geometries: [Geometry], values: [Double], crs: String?, onto grid: Grid, type: RasterDataType,
                     allTouched: Bool, background: Double, path: String) throws -> Raster {
        guard geometries.count == values.count else {
            throw GeoIOError(.invalidArgument, path: path, "rasterize: \(geometries.count) geometries but \(values.count) burn values")
        }
        guard grid.width > 0, grid.height > 0, grid.width <= Int(Int32.max), grid.height <= Int(Int32.max) else {
            throw GeoIOError(.invalidArgument, path: path, "cannot rasterize onto a \(grid.width)×\(grid.height) grid")
        }
        var geometries = geometries
        if let crs, !grid.crs.isEmpty {
            let from = try SpatialReference(crs), to = try SpatialReference(grid.crs)
            if !from.isSame(as: to) {
                let t = try CoordinateTransform(from: from, to: to)
                geometries = try geometries.map { try $0.transformed(with: t) }
            }
        }
        let raster = try Raster.create("", grid: grid, bandCount: 1, type: type, driver: "MEM")
        let band = try raster.band(1)
        try checkStatus(path, "filling the background") { GDALFillRaster(band, background, 0) }
        guard !geometries.isEmpty else { return raster }

        var handles: [OGRGeometryH?] = []
        defer { for h in handles { OGR_G_DestroyGeometry(h) } }
        for g in geometries { handles.append(try g.ogrGeometry()) }
        var bands: [Int32] = [1]
        var burnValues = values
        let options = allTouched ? ["ALL_TOUCHED=TRUE"] : []
        try withArgumentList(options) { list in
            try checkStatus(path.isEmpty ? "rasterize" : path, "rasterizing \(geometries.count) geometries") {
                GDALRasterizeGeometries(raster.handle, 1, &bands, Int32(handles.count), &handles, nil, nil,
                                        &burnValues, list, nil, nil)
            }
        }
        return raster
    }
}
