import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// Reading each vector format, checked against known values and `ogr2ogr`'s GeoJSON export.
final class VectorReadTests: XCTestCase {
    func testGeoJSONKnownValues() throws {
        let folder = try TempFolder("vector")
        let path = try VectorFixtures.writeGeoJSON(in: folder)
        let layer = try VectorLayer.read(path)
        XCTAssertEqual(layer.name, "parcels")
        XCTAssertEqual(try SpatialReference(layer.crs).epsg, 32633)
        XCTAssertEqual(layer.features.count, 5)
        XCTAssertEqual(layer.fields, [FieldDefinition("id", .integer), FieldDefinition("crop", .integer),
                                      FieldDefinition("area", .real), FieldDefinition("name", .string)])
        let first = layer.features[0]
        XCTAssertEqual(first["crop"], .int(3))
        XCTAssertEqual(first["area"], .real(1.5))
        XCTAssertEqual(first["name"], .string("wheat"))
        XCTAssertEqual(layer.features[2]["area"], .null)
        XCTAssertEqual(layer.features[4]["name"], .null)
        guard case .polygon(let rings)? = first.geometry else { return XCTFail("polygon expected") }
        XCTAssertEqual(rings.count, 2, "exterior and one hole")
        XCTAssertEqual(rings[0].first, Point(x: 780100, y: 4999900))
        XCTAssertEqual(layer.features[2].geometry, .point(Point(x: 782010.5, y: 4998990.5)))
        XCTAssertEqual(layer.features[3].geometry?.typeName, "LineString")
        XCTAssertEqual(layer.features[4].geometry?.typeName, "MultiPolygon")
        XCTAssertEqual(layer.envelope, Envelope(minX: 780050, minY: 4996600, maxX: 785000, maxY: 4999900))
        // contains: inside the exterior, in the hole, outside.
        XCTAssertTrue(first.geometry?.contains(x: 780150, y: 4999850) ?? false)
        XCTAssertFalse(first.geometry?.contains(x: 780400, y: 4999600) ?? true)
        XCTAssertFalse(first.geometry?.contains(x: 790000, y: 4999600) ?? true)
        XCTAssertTrue(layer.features[4].geometry?.contains(x: 784500, y: 4997500) ?? false)
        try assertMatchesOGR(layer)
    }

    func testGeoPackageAndShapefileMadeByOgr2ogr() throws {
        let folder = try TempFolder("vector")
        let geojson = try VectorFixtures.writeGeoJSON(in: folder)
        let reference = try VectorLayer.read(geojson)

        let gpkg = folder.file("parcels.gpkg")
        try Command.run("ogr2ogr", ["-f", "GPKG", gpkg, geojson, "-nln", "parcels"])
        try Command.run("ogr2ogr", ["-update", "-f", "GPKG", gpkg, geojson, "-nln", "second", "-where", "crop > 5"])
        XCTAssertEqual(try VectorLayer.layerNames(gpkg), ["parcels", "second"])
        let fromGPKG = try VectorLayer.read(gpkg, layer: "parcels")
        // ogr2ogr makes an integer "id" property the GeoPackage FID column ("FID Column = id" in
        // ogrinfo), so it comes back as the feature id rather than as an attribute.
        XCTAssertEqual(fromGPKG.features.map(\.id), [1, 2, 3, 4, 5], "GeoPackage fids")
        XCTAssertEqual(fromGPKG.fields.map(\.name), ["crop", "area", "name"])
        XCTAssertEqual(fromGPKG.features.map(\.geometry), reference.features.map(\.geometry))
        XCTAssertEqual(fromGPKG.features.map(\.attributes), reference.features.map { $0.attributes.filter { $0.key != "id" } })
        XCTAssertEqual(try VectorLayer.read(gpkg, layer: "second").features.count, 3)
        XCTAssertThrowsError(try VectorLayer.read(gpkg, layer: "third")) { error in
            XCTAssertTrue("\(error)".contains("parcels, second"), "\(error)")
        }
        try assertMatchesOGR(fromGPKG)

        // Shapefiles hold one geometry kind per file: the polygons only.
        let shp = folder.file("polys.shp")
        try Command.run("ogr2ogr", ["-f", "ESRI Shapefile", shp, geojson, "-where", "id IN (1, 2, 5)", "-nlt", "MULTIPOLYGON"])
        let fromSHP = try VectorLayer.read(shp)
        XCTAssertEqual(fromSHP.features.count, 3)
        XCTAssertEqual(try SpatialReference(fromSHP.crs).epsg, 32633)
        XCTAssertEqual(fromSHP.features.map { $0["crop"] }, [.int(3), .int(5), .int(11)])
        XCTAssertEqual(fromSHP.features.map { $0.geometry?.points.count }, reference.features.filter { [1, 2, 5].contains($0["id"].intValue) }.map { $0.geometry?.points.count })
        try assertMatchesOGR(fromSHP)
    }

    func testCSVWithProjectedXY() throws {
        let folder = try TempFolder("vector")
        let path = folder.file("points.csv")
        try "X,Y,class,name\n780015,4999985,1,forest\n780045.5,4999955.25,2,\"crop, irrigated\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let layer = try VectorLayer.read(path, csv: .xy(crs: "EPSG:32633"))
        XCTAssertEqual(layer.features.map(\.geometry), [.point(Point(x: 780015, y: 4999985)), .point(Point(x: 780045.5, y: 4999955.25))])
        XCTAssertEqual(layer.fields.map(\.name), ["class", "name"], "coordinate columns are not attributes")
        XCTAssertEqual(layer.features.map { $0["class"] }, [.int(1), .int(2)])
        XCTAssertEqual(layer.features[1]["name"], .string("crop, irrigated"))
        XCTAssertEqual(try SpatialReference(layer.crs).epsg, 32633)
        // Into the grid of a cube: both points fall in the first pixels of the fixture grid.
        let grid = Fixtures.utmGrid()
        let inGrid = try layer.transformed(toCRSOf: grid)
        XCTAssertEqual(inGrid.features.compactMap { $0.geometry?.points.first }.compactMap { grid.pixel(x: $0.x, y: $0.y)?.col }, [0, 1])
    }

    func testCSVWithLonLatTransformedLikeOgr2ogr() throws {
        let folder = try TempFolder("vector")
        let path = folder.file("samples.csv")
        try "id,longitude,latitude,label\n1,15.5,45.1,Forest\n2,15.6,45.2,Pasture\n".write(toFile: path, atomically: true, encoding: .utf8)
        let layer = try VectorLayer.read(path)   // lon/lat in WGS 84 is the default for .csv
        XCTAssertEqual(layer.features.map(\.geometry), [.point(Point(x: 15.5, y: 45.1)), .point(Point(x: 15.6, y: 45.2))])
        XCTAssertEqual(try SpatialReference(layer.crs).epsg, 4326)
        let utm = try layer.transformed(to: "EPSG:32633")
        let reference = try Command.ogrGeoJSON(path, extra: ["-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude",
                                                             "-s_srs", "EPSG:4326", "-t_srs", "EPSG:32633"])
        let coords = (reference["features"] as? [[String: Any]] ?? []).compactMap { ($0["geometry"] as? [String: Any])?["coordinates"] as? [Double] }
        XCTAssertEqual(coords.count, 2)
        for (g, c) in zip(utm.features.compactMap(\.geometry), coords) {
            XCTAssertEqual(g.points[0].x, c[0], accuracy: 1e-6)
            XCTAssertEqual(g.points[0].y, c[1], accuracy: 1e-6)
        }
    }

    func testCSVWithoutCoordinateColumnsNamesThem() throws {
        let folder = try TempFolder("vector")
        let path = folder.file("bad.csv")
        try "id,east,north\n1,2,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VectorLayer.read(path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad.csv") && text.contains("east") && text.contains("latitude"), text)
        }
    }

    func testMissingFieldListsTheFields() throws {
        let folder = try TempFolder("vector")
        let layer = try VectorLayer.read(try VectorFixtures.writeGeoJSON(in: folder))
        XCTAssertThrowsError(try layer.values(of: "Crop")) { error in
            let text = "\(error)"
            XCTAssertEqual((error as? GeoIOError)?.kind, .invalidArgument)
            XCTAssertTrue(text.contains("parcels.geojson"), text)
            XCTAssertTrue(text.contains("\"Crop\"") && text.contains("id, crop, area, name") && text.contains("did you mean \"crop\""), text)
        }
        XCTAssertEqual(try layer.numbers(of: "crop"), [3, 5, 7, 9, 11])
        XCTAssertThrowsError(try layer.numbers(of: "area")) { XCTAssertTrue("\($0)".contains("null"), "\($0)") }
    }

    func testGeometryWKTAndTransform() throws {
        let polygon = Geometry.polygon([[Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 0)]])
        XCTAssertEqual(polygon.wkt, "POLYGON ((0 0,10 0,10 10,0 0))")
        XCTAssertEqual(try Geometry(wkt: polygon.wkt), polygon)
        XCTAssertEqual(try Geometry(wkt: "POINT Z (1 2 3)"), .point(Point(x: 1, y: 2)))
        XCTAssertThrowsError(try Geometry(wkt: "POLYGON ((0 0, 1"))
        let curve = try Geometry(wkt: "CIRCULARSTRING (0 0,1 1,2 0)")
        XCTAssertEqual(curve.typeName, "LineString")
        XCTAssertGreaterThan(curve.points.count, 3)
        // EPSG:4326 → 32633 with OGR's own result as the reference.
        let p = try Geometry.point(Point(x: 15, y: 45)).transformed(from: "EPSG:4326", to: "EPSG:32633")
        let r = try Command.run("bash", ["-c", "echo '15 45' | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32633 -output_xy"])
        let reference = r.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
        XCTAssertEqual(reference.count, 2)
        XCTAssertEqual(p.points[0].x, 500000, accuracy: 1e-6, "15°E is the central meridian of zone 33")
        XCTAssertEqual(p.points[0].x, reference.first ?? .nan, accuracy: 1e-6)
        XCTAssertEqual(p.points[0].y, reference.last ?? .nan, accuracy: 1e-6)
    }
}
