import Foundation
import GeoIO
import Samples
import TestSupport
import XCTest

/// Labels from CSV (x/y with --crs, lon/lat) give the same samples as GeoJSON; a label raster
/// labels its coded pixels with their category names.
final class LabelSourceTests: XCTestCase {
    func testCSVAndGeoJSONGiveTheSameSamples() throws {
        let tmp = try TempFolder("labels-csv")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        var points: [LabelFile.Point] = []
        var xy = ["id,class,x,y"], lonLat = ["id,class,lon,lat"]
        for i in 0..<20 {
            let p = cube.world(col: 3 + i, row: 3 + (i * 3) % 22, dx: 0.4, dy: 0.6)
            points.append(.init(x: p.x, y: p.y, id: i, code: 1 + i % 2))
            xy.append("\(i),\(1 + i % 2),\(p.x),\(p.y)")
            let g = try Geometry.point(Point(x: p.x, y: p.y)).transformed(from: SyntheticCube.crs, to: "EPSG:4326")
            guard case .point(let ll) = g else { return XCTFail("not a point") }
            lonLat.append("\(i),\(1 + i % 2),\(ll.x),\(ll.y)")
        }
        try LabelFile.points(points, to: tmp.file("points.geojson"))
        try (xy.joined(separator: "\n") + "\n").write(toFile: tmp.file("xy.csv"), atomically: true, encoding: .utf8)
        try (lonLat.joined(separator: "\n") + "\n").write(toFile: tmp.file("lonlat.csv"), atomically: true, encoding: .utf8)
        for (name, extra) in [("geojson", [tmp.file("points.geojson")]), ("xy", [tmp.file("xy.csv"), "--crs", SyntheticCube.crs]),
                              ("lonlat", [tmp.file("lonlat.csv")])] {
            let r = try SitscubeBinary.run(["patches", cube.folder, "--labels"] + extra + ["--size", "3", "--group-field", "id", "-o", tmp.file(name)])
            XCTAssertEqual(r.status, 0, name + r.stderr)
        }
        let reference = FileManager.default.contents(atPath: tmp.file("geojson/x.npy"))
        XCTAssertNotNil(reference)
        for name in ["xy", "lonlat"] {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.file(name + "/x.npy")), reference, name)
            XCTAssertEqual(try readSamplesCSV(tmp.file(name + "/samples.csv")).map { $0["row"]! + "," + $0["col"]! },
                           try readSamplesCSV(tmp.file("geojson/samples.csv")).map { $0["row"]! + "," + $0["col"]! }, name)
        }
        // x/y columns without --crs would be read as lon/lat far outside the cube: refused clearly.
        let r = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("xy.csv"), "-o", tmp.file("bad")])
        XCTAssertNotEqual(r.status, 0)
    }

    func testLabelRasterLabelsItsCodedPixels() throws {
        let tmp = try TempFolder("labels-raster")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        var codes = [UInt8](repeating: 0, count: cube.width * cube.height)
        let coded = [(5, 5, 1), (6, 5, 1), (20, 10, 2), (30, 20, 2), (0, 0, 2)]  // (col, row, code); (0, 0) is at the border
        for (c, r, k) in coded { codes[r * cube.width + c] = UInt8(k) }
        let w = try GeoTIFFWriter(path: tmp.file("classes.tif"), grid: cube.grid, bandCount: 1, type: .byte)
        try w.setNoData(0)
        try w.setCategoryNames(["nodata", "forest", "pasture"])
        try w.write(band: 1, codes)
        try w.finish()
        let r = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("classes.tif"), "--size", "3", "-o", tmp.file("ds")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try DatasetManifest.read(from: tmp.file("ds"))
        XCTAssertEqual(m.classes, [ClassInfo(code: 1, name: "forest", index: 0), ClassInfo(code: 2, name: "pasture", index: 1)])
        XCTAssertEqual(m.shape[0], 4)
        XCTAssertEqual(m.skipped, ["border": 1])
        let rows = try readSamplesCSV(tmp.file("ds/samples.csv"))
        XCTAssertEqual(Set(rows.map { "\($0["col"]!),\($0["row"]!),\($0["code"]!)" }), ["5,5,1", "6,5,1", "20,10,2", "30,20,2"])
    }

    func testGeoPackageParcelsEqualGeoJSONParcels() throws {
        let tmp = try TempFolder("labels-gpkg")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        let parcels: [(id: Int, code: Int, ring: [(Double, Double)])] = (0..<6).map { i in
            let c0 = 2.3 + Double(i) * 6, r0 = 3.1 + Double(i % 3) * 7
            return (i + 1, 1 + i % 2, [(c0, r0), (c0 + 4.5, r0), (c0 + 4.5, r0 + 5.2), (c0, r0 + 5.2)].map { cube.world(col: 0, row: 0, dx: $0.0, dy: $0.1) })
        }
        try LabelFile.polygons(parcels, to: tmp.file("parcels.geojson"))
        // ogr2ogr turns the GeoJSON `id` into the GeoPackage's fid, so groups follow the feature ids.
        try Command.run("ogr2ogr", ["-f", "GPKG", tmp.file("parcels.gpkg"), tmp.file("parcels.geojson")])
        for name in ["geojson", "gpkg"] {
            let r = try SitscubeBinary.run(["parcels", cube.folder, "--parcels", tmp.file("parcels." + name), "--field", "crop",
                                            "--size", "8", "-o", tmp.file(name)])
            XCTAssertEqual(r.status, 0, name + r.stderr)
        }
        for file in ["x.npy", "mask.npy", "features.npy", "y.npy"] {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.file("gpkg/" + file)), FileManager.default.contents(atPath: tmp.file("geojson/" + file)), file)
        }
        let a = try readSamplesCSV(tmp.file("gpkg/samples.csv")), b = try readSamplesCSV(tmp.file("geojson/samples.csv"))
        XCTAssertEqual(a.map { [$0["x"], $0["y"], $0["code"]] }, b.map { [$0["x"], $0["y"], $0["code"]] })
        XCTAssertEqual(try DatasetManifest.read(from: tmp.file("gpkg")).shape, [6, 3, 2, 8, 8])
    }

    func testDefaultNameFieldOnlyWhenItNamesEachCodeOneWay() throws {
        let tmp = try TempFolder("labels-names")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        let p = cube.world(col: 10, row: 10), q = cube.world(col: 20, row: 12), o = cube.world(col: 30, row: 14)
        try LabelFile.points([.init(x: p.x, y: p.y, id: 1, code: 1, name: "soy"), .init(x: q.x, y: q.y, id: 2, code: 1, name: "maize"),
                              .init(x: o.x, y: o.y, id: 3, code: 2, name: "forest")], to: tmp.file("mixed.geojson"))
        let mixed = try LabelReader.pixels(LabelOptions(path: tmp.file("mixed.geojson"), field: "class"), grid: cube.grid)
        XCTAssertEqual(mixed.classes.classes.map(\.name), ["1", "2"])
        XCTAssertNil(mixed.nameField)
        // Asked for explicitly, the most frequent name (the first on a tie) is kept.
        let asked = try LabelReader.pixels(LabelOptions(path: tmp.file("mixed.geojson"), field: "class", nameField: "name"), grid: cube.grid)
        XCTAssertEqual(asked.classes.classes.map(\.name), ["soy", "forest"])
        try LabelFile.points([.init(x: p.x, y: p.y, id: 1, code: 1, name: "soy"), .init(x: o.x, y: o.y, id: 3, code: 2, name: "forest")],
                             to: tmp.file("clean.geojson"))
        let clean = try LabelReader.pixels(LabelOptions(path: tmp.file("clean.geojson"), field: "class"), grid: cube.grid)
        XCTAssertEqual(clean.classes.classes.map(\.name), ["soy", "forest"])
    }
}
