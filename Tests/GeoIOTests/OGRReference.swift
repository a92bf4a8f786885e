import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// Compares a layer read by GeoIO with the same file exported by `ogr2ogr -f GeoJSON`
/// (the independent route: GDAL 3.6 has no `ogrinfo -json`).
func assertMatchesOGR(_ layer: VectorLayer, file: StaticString = #filePath, line: UInt = #line) throws {
    let json = try Command.ogrGeoJSON(layer.path, layer: layer.path.lowercased().hasSuffix(".csv") ? nil : layer.name,
                                      extra: layer.path.lowercased().hasSuffix(".csv")
                                          ? ["-oo", "X_POSSIBLE_NAMES=longitude,lon,long,lng,x", "-oo", "Y_POSSIBLE_NAMES=latitude,lat,y",
                                             "-oo", "KEEP_GEOM_COLUMNS=NO", "-oo", "AUTODETECT_TYPE=YES"] : [])
    let features = json["features"] as? [[String: Any]] ?? []
    XCTAssertEqual(layer.features.count, features.count, "\(layer.path): feature count", file: file, line: line)
    for (ours, theirs) in zip(layer.features, features) {
        let props = theirs["properties"] as? [String: Any] ?? [:]
        XCTAssertEqual(Set(props.keys), Set(ours.attributes.keys), "\(layer.path): field names", file: file, line: line)
        for (key, value) in props {
            let mine = ours[key]
            switch value {
            case is NSNull: XCTAssertEqual(mine, .null, "\(key)", file: file, line: line)
            case let s as String: XCTAssertEqual(mine.stringValue, s, "\(key)", file: file, line: line)
            case let n as NSNumber:
                let d = mine.doubleValue ?? .nan
                XCTAssertEqual(d, n.doubleValue, accuracy: max(1e-9, abs(n.doubleValue) * 1e-12), "\(key)", file: file, line: line)
            default: XCTFail("\(key): unexpected JSON value \(value)", file: file, line: line)
            }
        }
        let coordinates = flatten((theirs["geometry"] as? [String: Any])?["coordinates"])
        let points = ours.geometry?.points ?? []
        XCTAssertEqual(points.count, coordinates.count, "\(layer.path): vertex count", file: file, line: line)
        for (p, q) in zip(points, coordinates) {
            XCTAssertEqual(p.x, q.x, accuracy: max(1e-9, abs(q.x) * 1e-12), file: file, line: line)
            XCTAssertEqual(p.y, q.y, accuracy: max(1e-9, abs(q.y) * 1e-12), file: file, line: line)
        }
        let type = (theirs["geometry"] as? [String: Any])?["type"] as? String
        XCTAssertEqual(ours.geometry?.typeName, type, "\(layer.path): geometry type", file: file, line: line)
    }
}

/// GeoJSON coordinates (any nesting) as points in order.
private func flatten(_ value: Any?) -> [Point] {
    guard let array = value as? [Any] else { return [] }
    if array.count >= 2, let x = (array[0] as? NSNumber)?.doubleValue, let y = (array[1] as? NSNumber)?.doubleValue, !(array[0] is [Any]) {
        return [Point(x: x, y: y)]
    }
    return array.flatMap { flatten($0) }
}

enum VectorFixtures {
    /// A GeoJSON in UTM 33N: two polygons (one with a hole), a point, a line and a multipolygon,
    /// with int, real, string and null attributes.
    static let geojson = """
    {"type": "FeatureCollection", "name": "parcels",
     "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
     "features": [
      {"type": "Feature", "properties": {"id": 1, "crop": 3, "area": 1.5, "name": "wheat"},
       "geometry": {"type": "Polygon", "coordinates": [[[780100, 4999900], [780700, 4999900], [780700, 4999300], [780100, 4999300], [780100, 4999900]],
                                                        [[780300, 4999700], [780500, 4999700], [780500, 4999500], [780300, 4999500], [780300, 4999700]]]}},
      {"type": "Feature", "properties": {"id": 2, "crop": 5, "area": 0.25, "name": "maize"},
       "geometry": {"type": "Polygon", "coordinates": [[[781015, 4999815], [781650, 4999400], [781200, 4998950], [781015, 4999815]]]}},
      {"type": "Feature", "properties": {"id": 3, "crop": 7, "area": null, "name": "well"},
       "geometry": {"type": "Point", "coordinates": [782010.5, 4998990.5]}},
      {"type": "Feature", "properties": {"id": 4, "crop": 9, "area": 2.0, "name": "road"},
       "geometry": {"type": "LineString", "coordinates": [[780050, 4998500], [783000, 4998200], [784500, 4996600]]}},
      {"type": "Feature", "properties": {"id": 5, "crop": 11, "area": 3.75, "name": null},
       "geometry": {"type": "MultiPolygon", "coordinates": [[[[783100, 4999800], [783800, 4999800], [783800, 4999000], [783100, 4999800]]],
                                                             [[[784000, 4998000], [785000, 4998000], [785000, 4997000], [784000, 4997000], [784000, 4998000]]]]}}
     ]}
    """

    static func writeGeoJSON(in folder: TempFolder) throws -> String {
        let path = folder.file("parcels.geojson")
        try geojson.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
