import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// Rasterizing compared with `gdal_rasterize` burning the same file into a raster made by `gdal_create`.
final class RasterizeTests: XCTestCase {
    /// 30 m grid over the fixture features; pixel edges fall on many vertices (the hard case).
    private let grid = Grid(crs: "EPSG:32633", transform: GeoTransform(originX: 780000, pixelWidth: 30, originY: 5_000_000, pixelHeight: -30),
                            width: 180, height: 130)

    /// gdal_rasterize into a fresh Int32/Float32 raster on `grid`, read back.
    private func gdalRasterize(_ source: String, grid: Grid, arguments: [String], type: String, initial: Double = 0, folder: TempFolder) throws -> [Float] {
        let out = folder.file("ref-\(UUID().uuidString).tif")
        let b = grid.bounds
        let epsg = try SpatialReference(grid.crs).epsg ?? 0
        try Command.run("gdal_create", ["-q", "-of", "GTiff", "-outsize", "\(grid.width)", "\(grid.height)", "-bands", "1", "-ot", type, "-burn", "\(initial)",
                                        "-a_srs", "EPSG:\(epsg)", "-a_ullr", "\(b.minX)", "\(b.maxY)", "\(b.maxX)", "\(b.minY)", out])
        try Command.run("gdal_rasterize", ["-q"] + arguments + [source, out])
        return try Raster.open(out).read(band: 1)
    }

    func testAttributeBurnMatchesGdalRasterize() throws {
        let folder = try TempFolder("rasterize")
        let path = try VectorFixtures.writeGeoJSON(in: folder)
        let layer = try VectorLayer.read(path)
        for allTouched in [false, true] {
            let ours: [Int32] = try Rasterizer.rasterize(layer, burn: .field("crop"), onto: grid, allTouched: allTouched)
            let ref = try gdalRasterize(path, grid: grid, arguments: ["-a", "crop"] + (allTouched ? ["-at"] : []), type: "Int32", folder: folder)
            assertSameValues(ours.map(Float.init), ref, "attribute burn, allTouched \(allTouched)")
            // Every feature left a mark: polygons, the point, the line.
            XCTAssertEqual(Set(ours), [0, 3, 5, 7, 9, 11])
        }
        let plain: [Int32] = try Rasterizer.rasterize(layer, burn: .field("crop"), onto: grid)
        let touched: [Int32] = try Rasterizer.rasterize(layer, burn: .field("crop"), onto: grid, allTouched: true)
        XCTAssertGreaterThan(touched.filter { $0 != 0 }.count, plain.filter { $0 != 0 }.count, "all-touched burns more pixels")
        // The hole of parcel 1 stays background: its centre pixel.
        if let hole = grid.pixel(x: 780400, y: 4999600) { XCTAssertEqual(plain[hole.row * grid.width + hole.col], 0) }
    }

    func testConstantBurnIntoFloatsAndFromAnotherCRS() throws {
        let folder = try TempFolder("rasterize")
        let utm = try VectorFixtures.writeGeoJSON(in: folder)
        // The same features stored in lon/lat: both sides reproject them onto the UTM grid.
        let lonlat = folder.file("parcels-4326.geojson")
        try Command.run("ogr2ogr", ["-f", "GeoJSON", "-t_srs", "EPSG:4326", "-lco", "COORDINATE_PRECISION=12", lonlat, utm])
        let layer = try VectorLayer.read(lonlat)
        XCTAssertEqual(try SpatialReference(layer.crs).epsg, 4326)
        let ours: [Float] = try Rasterizer.rasterize(layer, burn: .constant(2.5), onto: grid, background: -1)
        let ref = try gdalRasterize(lonlat, grid: grid, arguments: ["-burn", "2.5"], type: "Float32", initial: -1, folder: folder)
        let differing = zip(ours, ref).filter { $0 != $1 }.count
        // gdal_rasterize reprojects through its transformer, GeoIO vertex by vertex; a pixel whose
        // centre lies on an edge may go either way.
        XCTAssertLessThanOrEqual(differing, 5, "pixels differing from gdal_rasterize")
        XCTAssertEqual(Set(ours), [-1, 2.5])
    }

    func testGeometriesWithValuesAndWriting() throws {
        let folder = try TempFolder("rasterize")
        let square = Geometry.polygon([[Point(x: 780000, y: 5000000), Point(x: 780090, y: 5000000), Point(x: 780090, y: 4999910),
                                        Point(x: 780000, y: 4999910), Point(x: 780000, y: 5000000)]])
        let small = Grid(crs: "EPSG:32633", transform: GeoTransform(originX: 780000, pixelWidth: 30, originY: 5_000_000, pixelHeight: -30), width: 5, height: 4)
        let values: [UInt8] = try Rasterizer.rasterize([square, .point(Point(x: 780125, y: 4999895))], values: [4, 9], onto: small)
        XCTAssertEqual(values, [4, 4, 4, 0, 0,
                                4, 4, 4, 0, 0,
                                4, 4, 4, 0, 0,
                                0, 0, 0, 0, 9])
        // A block of the grid gives the same pixels as the block of the whole.
        let sub = small.subgrid(Window(col: 2, row: 1, width: 3, height: 3))
        let block: [UInt8] = try Rasterizer.rasterize([square, .point(Point(x: 780125, y: 4999895))], values: [4, 9], onto: sub)
        XCTAssertEqual(block, [4, 0, 0, 4, 0, 0, 0, 0, 9])
        XCTAssertThrowsError(try Rasterizer.rasterize([square], values: [], onto: small, as: UInt8.self))

        let layer = try VectorLayer.read(try VectorFixtures.writeGeoJSON(in: folder))
        let out = folder.file("classes.tif")
        try Rasterizer.write(layer, burn: .field("crop"), onto: grid, to: out, type: .byte, noData: 255)
        let info = try Command.gdalinfo(out)
        let band = (info["bands"] as? [[String: Any]])?.first ?? [:]
        XCTAssertEqual(band["type"] as? String, "Byte")
        XCTAssertEqual((band["noDataValue"] as? NSNumber)?.doubleValue, 255)
        let written: [UInt8] = try Raster.open(out).read(band: 1)
        XCTAssertEqual(written, try Rasterizer.rasterize(layer, burn: .field("crop"), onto: grid, as: UInt8.self))
        XCTAssertThrowsError(try Rasterizer.rasterize(layer, burn: .field("area"), onto: grid, as: Float.self)) {
            XCTAssertTrue("\($0)".contains("parcels.geojson") && "\($0)".contains("area"), "\($0)")
        }
    }
}
