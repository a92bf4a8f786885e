import Foundation
import Samples
import TestSupport
import XCTest

/// Bad input gives one clear error and leaves nothing half-written at the output.
final class BadInputTests: XCTestCase {
    var tmp: TempFolder!
    var cube: SyntheticCube!

    override func setUpWithError() throws {
        tmp = try TempFolder("bad-input")
        cube = try SyntheticCube(folder: tmp.file("cube"))
        let p = cube.world(col: 10, row: 10)
        try LabelFile.points([.init(x: p.x, y: p.y, id: 1, code: 1)], to: tmp.file("points.geojson"))
    }

    /// Runs the CLI, expects failure, and checks that no output and no temporary folder remain.
    func fail(_ arguments: [String]) throws -> String {
        let r = try SitscubeBinary.run(arguments + ["-o", tmp.file("out")])
        XCTAssertNotEqual(r.status, 0, "expected a failure: \(arguments)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out/dataset.json")))
        XCTAssertFalse(tmp.contents().contains { $0.hasPrefix(".out") }, "temporary files left: \(tmp.contents())")
        return r.stderr
    }

    func testUnknownFieldNamesTheFields() throws {
        let e = try fail(["patches", cube.folder, "--labels", tmp.file("points.geojson"), "--field", "klass"])
        XCTAssertTrue(e.contains("klass") && e.contains("fields are: id, class"), e)
    }

    func testLabelsOutsideTheCubeGiveBothExtents() throws {
        let far = cube.world(col: 5000, row: 5000)
        try LabelFile.points([.init(x: far.x, y: far.y, id: 1, code: 1), .init(x: far.x + 90, y: far.y, id: 2, code: 2)], to: tmp.file("far.geojson"))
        let e = try fail(["patches", cube.folder, "--labels", tmp.file("far.geojson")])
        XCTAssertTrue(e.contains("extents differ"), e)
        XCTAssertTrue(e.contains("Cube extent x 500000.0…501200.0, y 9699100.0…9700000.0"), e)
        XCTAssertTrue(e.contains(String(format: "labels extent x %.1f…%.1f", far.x, far.x + 90)), e)
    }

    func testEvenSizeIsRefused() throws {
        let e = try fail(["patches", cube.folder, "--labels", tmp.file("points.geojson"), "--size", "8"])
        XCTAssertTrue(e.contains("--size 8") && e.contains("odd"), e)
    }

    func testEmptyPolygonLayerIsRefused() throws {
        try LabelFile.polygons([], to: tmp.file("empty.geojson"))
        let e = try fail(["parcels", cube.folder, "--parcels", tmp.file("empty.geojson"), "--field", "crop"])
        XCTAssertTrue(e.contains("empty.geojson") && e.contains("no features"), e)
    }

    func testOtherMistakesAreNamed() throws {
        // Points given to parcels; a bad split; an existing folder that is not a dataset.
        var e = try fail(["parcels", cube.folder, "--parcels", tmp.file("points.geojson"), "--field", "class"])
        XCTAssertTrue(e.contains("parcels need polygons"), e)
        e = try fail(["patches", cube.folder, "--labels", tmp.file("points.geojson"), "--split", "75,25"])
        XCTAssertTrue(e.contains("--split 75,25"), e)
        try FileManager.default.createDirectory(atPath: tmp.file("out"), withIntermediateDirectories: true)
        try "keep me".write(toFile: tmp.file("out/notes.txt"), atomically: true, encoding: .utf8)
        e = try fail(["patches", cube.folder, "--labels", tmp.file("points.geojson")])
        XCTAssertTrue(e.contains("not a sitscube dataset"), e)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("out/notes.txt")))
    }
}
