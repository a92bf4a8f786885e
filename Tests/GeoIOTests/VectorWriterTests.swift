import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// VectorWriter output read back by `ogr2ogr`/`ogrinfo` (independent) and by GeoIO.
final class VectorWriterTests: XCTestCase {
    private let fields = [FieldDefinition("id", .integer), FieldDefinition("crop", .integer),
                          FieldDefinition("share", .real), FieldDefinition("name", .string)]

    private func parcels() -> [Feature] {
        let square = Geometry.polygon([[Point(x: 780000, y: 5000000), Point(x: 780300, y: 5000000), Point(x: 780300, y: 4999700),
                                        Point(x: 780000, y: 4999700), Point(x: 780000, y: 5000000)]])
        let triangle = Geometry.polygon([[Point(x: 781000, y: 5000000), Point(x: 781500, y: 4999500), Point(x: 781000, y: 4999500),
                                          Point(x: 781000, y: 5000000)]])
        return [
            Feature(geometry: square, attributes: ["id": .int(1), "crop": .int(3), "share": .real(0.5), "name": .string("wheat")]),
            Feature(geometry: triangle, attributes: ["id": .int(2), "crop": .int(5), "share": .null, "name": .string("maïs, grain")]),
            Feature(geometry: .point(Point(x: 782000.25, y: 4999000.75)), attributes: ["id": .int(3), "crop": .int(7), "name": .null]),
        ]
    }

    func testGeoPackageRoundTrip() throws {
        let folder = try TempFolder("vwrite")
        let path = folder.file("labels/parcels.gpkg")
        try VectorWriter.write(path: path, format: .geoPackage, crs: "EPSG:32633", layerName: "parcels", fields: fields, features: parcels())
        XCTAssertEqual(folder.contents(), ["labels"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("labels")), ["parcels.gpkg"], "no temporary or journal files")

        let info = try Command.run("ogrinfo", ["-so", "-al", path]).stdout
        XCTAssertTrue(info.contains("Layer name: parcels"), info)
        XCTAssertTrue(info.contains("Feature Count: 3"), info)
        XCTAssertTrue(info.contains("ID[\"EPSG\",32633]"), info)
        XCTAssertTrue(info.contains("crop: Integer64"), info)
        XCTAssertTrue(info.contains("share: Real"), info)
        XCTAssertTrue(info.contains("name: String"), info)

        let layer = try VectorLayer.read(path)
        XCTAssertEqual(layer.features.map(\.geometry), parcels().map(\.geometry))
        XCTAssertEqual(layer.features.map { $0["name"] }, [.string("wheat"), .string("maïs, grain"), .null])
        XCTAssertEqual(layer.features.map { $0["share"] }, [.real(0.5), .null, .null])
        XCTAssertEqual(layer.geometryTypeName, "Unknown (any)", "points and polygons mixed")
        try assertMatchesOGR(layer)
    }

    func testGeoJSONRoundTripAndReplace() throws {
        let folder = try TempFolder("vwrite")
        let path = folder.file("points.geojson")
        let points = (0..<4).map { i in
            Feature(geometry: .point(Point(x: 780015 + 30 * Double(i), y: 4999985)), attributes: ["class": .int(Int64(i + 1)), "name": .string("c\(i)")])
        }
        let fields = [FieldDefinition("class", .integer), FieldDefinition("name", .string)]
        try VectorWriter.write(path: path, format: .geoJSON, crs: "EPSG:32633", layerName: "points", fields: fields, features: Array(points.prefix(2)))
        try VectorWriter.write(path: path, format: .geoJSON, crs: "EPSG:32633", layerName: "points", fields: fields, features: points)
        let json = try Command.ogrGeoJSON(path)
        let features = json["features"] as? [[String: Any]] ?? []
        XCTAssertEqual(features.count, 4, "the second write replaced the first")
        XCTAssertEqual(features.compactMap { ($0["properties"] as? [String: Any])?["class"] as? Int }, [1, 2, 3, 4])
        XCTAssertTrue(try Command.run("ogrinfo", ["-so", "-al", path]).stdout.contains("32633"))
        let layer = try VectorLayer.read(path)
        XCTAssertEqual(layer.geometryTypeName, "Point")
        XCTAssertEqual(layer.features.map(\.geometry), points.map(\.geometry))
        try assertMatchesOGR(layer)
        XCTAssertEqual(folder.contents(), ["points.geojson"])
    }

    func testBadInputsThrowAndLeaveNoFile() throws {
        let folder = try TempFolder("vwrite")
        let path = folder.file("bad.gpkg")
        XCTAssertThrowsError(try VectorWriter.write(path: path, format: .geoPackage, crs: "EPSG:32633", layerName: "x",
                                                    fields: fields, features: [Feature(geometry: nil, attributes: ["klass": .int(1)])])) {
            XCTAssertTrue("\($0)".contains("klass") && "\($0)".contains("id, crop, share, name"), "\($0)")
        }
        XCTAssertThrowsError(try VectorWriter.write(path: path, format: .geoPackage, crs: "EPSG:32633", layerName: "x",
                                                    fields: fields, features: [Feature(geometry: nil, attributes: ["crop": .string("three")])])) {
            XCTAssertTrue("\($0)".contains("crop") && "\($0)".contains("three"), "\($0)")
        }
        XCTAssertThrowsError(try VectorWriter.write(path: path, format: .geoPackage, crs: "EPSG:not-a-code", layerName: "x",
                                                    fields: fields, features: []))
        XCTAssertEqual(folder.contents(), [], "nothing left behind")
        XCTAssertEqual(VectorFormat(path: "a/b.GPKG"), .geoPackage)
        XCTAssertEqual(VectorFormat(path: "a/b.geojson"), .geoJSON)
        XCTAssertNil(VectorFormat(path: "a/b.shp"))
    }
}
