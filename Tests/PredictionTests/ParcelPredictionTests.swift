import Foundation
import GeoIO
@testable import Prediction
import TestSupport
import XCTest

/// `--parcels`: each polygon gets the majority class of the map's pixels whose centre it holds.
final class ParcelPredictionTests: XCTestCase {
    typealias F = PredictionFixture

    func testParcelTakesTheMajorityOfItsMapPixels() throws {
        let dir = try TempFolder("predict-parcels")
        try F.writeCube(dir.file("cube"), width: 40, height: 30)
        try F.pixelModel(dir.file("pixel.safetensors"))
        // Rectangles on pixel edges (cols c0..<c1, rows r0..<r1): one holds a NaN pixel, one crosses
        // tile borders, one crosses the cube's edge and the last lies outside the cube.
        let boxes = [(2, 10, 3, 8), (12, 35, 10, 25), (36, 45, 26, 35), (100, 110, 100, 110)]
        func ring(_ b: (Int, Int, Int, Int)) -> String {
            let x0 = 500_000 + 30 * b.0, x1 = 500_000 + 30 * b.1, y0 = 4_000_000 - 30 * b.2, y1 = 4_000_000 - 30 * b.3
            return "[[\(x0),\(y0)],[\(x1),\(y0)],[\(x1),\(y1)],[\(x0),\(y1)],[\(x0),\(y0)]]"
        }
        let features = boxes.enumerated().map { i, b in
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"p\(i)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[\(ring(b))]}}"
        }
        let geojson = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32633\"}},\"features\":[\(features.joined(separator: ","))]}"
        try geojson.write(toFile: dir.file("parcels.geojson"), atomically: true, encoding: .utf8)

        var o = PredictionOptions(model: dir.file("pixel.safetensors"), cube: dir.file("cube"), output: dir.file("map.tif"))
        o.threads = 1; o.tileSize = 16
        try Predictor(options: o).run()
        o.output = dir.file("parcels.gpkg"); o.parcels = dir.file("parcels.geojson")
        try Predictor(options: o).run()

        let map = try F.readMap(dir.file("map.tif"))
        let json = try Command.ogrGeoJSON(dir.file("parcels.gpkg"))
        let rows = try XCTUnwrap(json["features"] as? [[String: Any]]).map { $0["properties"] as? [String: Any] ?? [:] }
        XCTAssertEqual(rows.count, boxes.count)
        let names = ["forest": 1, "water": 4, "crop": 7]
        for (i, b) in boxes.enumerated() {
            var counts: [UInt16: Int] = [:]
            for r in min(b.2, 30)..<min(b.3, 30) { for c in min(b.0, 40)..<min(b.1, 40) where map[r * 40 + c] != 255 { counts[map[r * 40 + c], default: 0] += 1 } }
            let pixels = counts.values.reduce(0, +)
            XCTAssertEqual(rows[i]["pixels"] as? Int, pixels, "parcel \(i)")
            if pixels == 0 {
                XCTAssertNil(rows[i]["code"] as? Int, "parcel \(i) outside the cube")
                continue
            }
            // Majority; ties to the lower class index (codes 1 < 4 < 7 follow the index order here).
            let top = counts.values.max() ?? 0
            let expected = counts.filter { $0.value == top }.keys.min() ?? 0
            XCTAssertEqual(rows[i]["code"] as? Int, Int(expected), "parcel \(i): \(counts)")
            XCTAssertEqual(names[rows[i]["class"] as? String ?? ""], Int(expected))
            let p = ["p_forest", "p_water", "p_crop"].compactMap { rows[i][$0] as? Double }
            XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-3, "parcel \(i) mean probabilities")
        }
    }
}
