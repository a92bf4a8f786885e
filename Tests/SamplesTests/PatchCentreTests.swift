import Foundation
import GeoIO
import Samples
import TestSupport
import XCTest

/// The centre pixel of every patch equals the cube's value at the label's point, as GDAL reads it
/// at the point's own (WGS 84) coordinates, not through the sampler.
final class PatchCentreTests: XCTestCase {
    func testCentrePixelEqualsGDALAtThePoint() throws {
        let tmp = try TempFolder("patch-centre")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        // Points off pixel centres (GDAL must find the same pixel), labeled in lon/lat so they
        // are reprojected; a few near the border are skipped with the default padding.
        var points: [LabelFile.Point] = []
        var lonLat: [Int: (Double, Double)] = [:]
        for i in 0..<40 {
            let col = (i * 7) % cube.width, row = (i * 11) % cube.height
            let p = cube.world(col: col, row: row, dx: 0.2 + 0.015 * Double(i % 40), dy: 0.8 - 0.015 * Double(i % 40))
            let g = try Geometry.point(Point(x: p.x, y: p.y)).transformed(from: SyntheticCube.crs, to: "EPSG:4326")
            guard case .point(let ll) = g else { return XCTFail("not a point") }
            lonLat[i + 1] = (ll.x, ll.y)
            points.append(.init(x: ll.x, y: ll.y, id: i + 1, code: 1 + i % 3, group: "g\(i + 1)"))
        }
        try LabelFile.points(points, crs: "EPSG:4326", to: tmp.file("points.geojson"))
        let r = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("points.geojson"), "--size", "5",
                                        "--group-field", "plot", "-o", tmp.file("ds")])
        XCTAssertEqual(r.status, 0, r.stderr)

        let rows = try readSamplesCSV(tmp.file("ds/samples.csv"))
        let x = try NpyReader(path: tmp.file("ds/x.npy"))
        XCTAssertEqual(x.header.shape, [rows.count, 3, 2, 5, 5])
        XCTAssertGreaterThan(rows.count, 25)
        let values: [Float] = try x.readAll()
        let manifest = try DatasetManifest.read(from: tmp.file("ds"))
        XCTAssertEqual(manifest.skipped["border"].map { $0 + rows.count }, 40)

        for t in 0..<3 {
            for c in 0..<2 {
                let coords = rows.map { row -> String in
                    let id = Int(row["group"]?.dropFirst() ?? "") ?? 0
                    let ll = lonLat[id] ?? (0, 0)
                    return String(format: "%.10f %.10f", ll.0, ll.1)
                }
                let out = try Command.run("bash", ["-c", "printf '%s\\n' \"$@\" | gdallocationinfo -valonly -wgs84 -b \(c + 1) " + cube.timeFile(t) + " 2>/dev/null",
                                                   "-"] + coords)
                let gdal = out.stdout.split(separator: "\n").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                XCTAssertEqual(gdal.count, rows.count)
                for (n, v) in gdal.enumerated() {
                    let centre = values[(((n * 3 + t) * 2 + c) * 5 + 2) * 5 + 2]
                    XCTAssertEqual(v, centre, "sample \(n) t \(t) band \(c)")
                    // The pixel in samples.csv is the one GDAL read.
                    let expected = SyntheticCube.value(t, c, Int(rows[n]["row"] ?? "") ?? -1, Int(rows[n]["col"] ?? "") ?? -1)
                    XCTAssertEqual(centre, expected, "sample \(n)")
                }
            }
        }
    }
}
