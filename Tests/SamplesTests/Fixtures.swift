import Foundation
import GeoIO
import TestSupport
import XCTest

/// A small synthetic cube whose every value is known in closed form, so tests can compare what
/// the sampler wrote with a plain slice computed here, and with GDAL reading the GeoTIFFs.
struct SyntheticCube {
    let folder: String
    let width: Int, height: Int, times: Int, bands: Int
    let grid: Grid
    /// Pixels set to NaN in every band and time step.
    let nanPixels: Set<[Int]>

    static let originX = 500_000.0, originY = 9_700_000.0, pixel = 30.0
    static let crs = "EPSG:32722"

    /// Value at time t, band c, row r, column col (exact in Float32 for r, col < 100).
    static func value(_ t: Int, _ c: Int, _ r: Int, _ col: Int) -> Float {
        Float(t * 100_000 + c * 10_000 + r * 100 + col)
    }

    func value(_ t: Int, _ c: Int, _ r: Int, _ col: Int) -> Float {
        nanPixels.contains([r, col]) ? .nan : Self.value(t, c, r, col)
    }

    /// Writes `cube.json` and one tiled Float32 GeoTIFF per time step (16×16 tiles so small cubes
    /// still have several blocks).
    init(folder: String, width: Int = 40, height: Int = 30, times: Int = 3, bands: Int = 2, nanPixels: Set<[Int]> = []) throws {
        self.folder = folder
        self.width = width
        self.height = height
        self.times = times
        self.bands = bands
        self.nanPixels = nanPixels
        let wkt = try SpatialReference(Self.crs).wkt
        grid = Grid(crs: wkt, transform: GeoTransform(originX: Self.originX, pixelWidth: Self.pixel, originY: Self.originY, pixelHeight: -Self.pixel),
                    width: width, height: height)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bandNames = (0..<bands).map { "b\($0)" }
        var timeEntries: [[String: String]] = []
        for t in 0..<times {
            let label = "200\(t)-H1"
            let w = try GeoTIFFWriter(path: "\(folder)/\(label).tif", grid: grid, bandCount: bands, type: .float32,
                                      profile: GeoTIFFProfile(tileSize: 16))
            try w.setNoData(.nan)
            try w.setBandNames(bandNames)
            for c in 0..<bands {
                var values = [Float](repeating: 0, count: width * height)
                for r in 0..<height { for col in 0..<width { values[r * width + col] = nanPixels.contains([r, col]) ? .nan : Self.value(t, c, r, col) } }
                try w.write(band: c + 1, values)
            }
            try w.finish()
            timeEntries.append(["label": label, "start": "200\(t)-01-01", "end": "200\(t)-06-30", "file": "\(label).tif"])
        }
        let manifest: [String: Any] = [
            "format": "sitscube-cube/1",
            "grid": ["crs": wkt, "geotransform": grid.transform.coefficients, "width": width, "height": height],
            "bands": bandNames, "times": timeEntries,
            "provenance": ["scenes": [], "mask": [:], "reducer": "median", "fill": "none", "version": "test"],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: folder + "/cube.json"))
    }

    /// World coordinates of a point `dx`, `dy` pixels from the top-left corner of pixel (col, row).
    func world(col: Int, row: Int, dx: Double = 0.5, dy: Double = 0.5) -> (x: Double, y: Double) {
        (Self.originX + (Double(col) + dx) * Self.pixel, Self.originY - (Double(row) + dy) * Self.pixel)
    }

    func timeFile(_ t: Int) -> String { "\(folder)/200\(t)-H1.tif" }
}

/// GeoJSON label files written as text.
enum LabelFile {
    struct Point { var x: Double; var y: Double; var id: Int; var code: Int; var name: String? = nil; var group: String? = nil }

    static func points(_ points: [Point], crs: String = "EPSG:32722", to path: String) throws {
        let features = points.map { p -> String in
            var props = "\"id\": \(p.id), \"class\": \(p.code)"
            if let n = p.name { props += ", \"name\": \"\(n)\"" }
            if let g = p.group { props += ", \"plot\": \"\(g)\"" }
            return "{\"type\": \"Feature\", \"properties\": {\(props)}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [\(p.x), \(p.y)]}}"
        }
        try write(features, crs: crs, to: path)
    }

    /// Polygons as rings of (x, y), each with an id and a class code (`crop`).
    static func polygons(_ polygons: [(id: Int, code: Int, ring: [(Double, Double)])], crs: String = "EPSG:32722", to path: String) throws {
        let features = polygons.map { p -> String in
            let ring = (p.ring + [p.ring[0]]).map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
            return "{\"type\": \"Feature\", \"properties\": {\"id\": \(p.id), \"crop\": \(p.code)}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[\(ring)]]}}"
        }
        try write(features, crs: crs, to: path)
    }

    static func write(_ features: [String], crs: String, to path: String) throws {
        let code = crs.replacingOccurrences(of: "EPSG:", with: "")
        let text = "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::\(code)\"}}, \"features\": [\n"
            + features.joined(separator: ",\n") + "\n]}\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// samples.csv parsed into rows of fields (no quoted commas in test data).
func readSamplesCSV(_ path: String) throws -> [[String: String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    guard let header = lines.first?.split(separator: ",").map(String.init) else { return [] }
    return lines.dropFirst().map { line in
        Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
}
