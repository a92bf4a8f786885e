import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// Failures are thrown `GeoIOError`s that name the path, with no crash and no stray output.
final class ErrorTests: XCTestCase {
    private func assertGeoIOError(_ kind: GeoIOError.Kind? = nil, naming path: String, _ body: () throws -> Void,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? GeoIOError else { return XCTFail("not a GeoIOError: \(error)", file: file, line: line) }
            if let kind { XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line) }
            XCTAssertEqual(e.path, path, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(path), "\(e)", file: file, line: line)
            XCTAssertFalse(e.message.isEmpty, file: file, line: line)
        }
    }

    func testMissingFiles() throws {
        let folder = try TempFolder("errors")
        let raster = folder.file("nope.tif"), vector = folder.file("nope.gpkg"), csv = folder.file("nope.csv")
        assertGeoIOError(.notFound, naming: raster) { _ = try Raster.open(raster) }
        assertGeoIOError(.notFound, naming: raster) { _ = try WarpedRaster(path: raster, grid: Fixtures.utmGrid()) }
        assertGeoIOError(.notFound, naming: vector) { _ = try VectorLayer.read(vector) }
        assertGeoIOError(.notFound, naming: vector) { _ = try VectorLayer.layerNames(vector) }
        assertGeoIOError(.notFound, naming: csv) { _ = try VectorLayer.read(csv) }
        XCTAssertEqual(folder.contents(), [])
    }

    func testNotARasterNorAVector() throws {
        let folder = try TempFolder("errors")
        let text = folder.file("notes.tif")
        try "just text\n".write(toFile: text, atomically: true, encoding: .utf8)
        assertGeoIOError(.unreadable, naming: text) { _ = try Raster.open(text) }
        let json = folder.file("broken.geojson")
        try "{\"type\": \"FeatureCollection\", \"features\": [".write(toFile: json, atomically: true, encoding: .utf8)
        assertGeoIOError(.unreadable, naming: json) { _ = try VectorLayer.read(json) }
    }

    /// A real Landsat band cut short: opening or reading fails cleanly, and a warp of it into a
    /// GeoTIFF leaves no output file behind.
    func testTruncatedTIFF() throws {
        let folder = try TempFolder("errors")
        let source = RealData.files(under: "landsat-c2l2-stactools", suffix: "_SR_B4.TIF").first
        let original = folder.file("original.tif")
        if let source {
            try FileManager.default.copyItem(atPath: source, toPath: original)
        } else {
            try Fixtures.writePattern(original, grid: Fixtures.utmGrid(width: 512, height: 512), type: .uint16)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: original))
        let cut = folder.file("cut.tif")
        try data.prefix(data.count * 2 / 5).write(to: URL(fileURLWithPath: cut))
        let header = folder.file("header.tif")
        try data.prefix(12).write(to: URL(fileURLWithPath: header))

        assertGeoIOError(naming: header) { _ = try Raster.open(header) }
        assertGeoIOError(.unreadable, naming: cut) {
            let r = try Raster.open(cut)
            _ = try r.read(band: 1, as: Float.self)
        }
        let out = folder.file("warped.tif")
        assertGeoIOError(naming: cut) {
            let r = try Raster.open(cut)
            try WarpedRaster(r, grid: r.grid).write(to: out)
        }
        XCTAssertEqual(folder.contents(), ["cut.tif", "header.tif", "original.tif"], "no output or temporary file")
    }

    /// Writes where the parent is a file, and into a folder nobody may write. Tests run as root,
    /// which ignores chmod 555, so the read-only case also uses /proc, which root cannot write either.
    func testUnwritableDestinations() throws {
        let folder = try TempFolder("errors")
        let blocker = folder.file("blocker")
        try "I am a file".write(toFile: blocker, atomically: true, encoding: .utf8)
        let readOnly = folder.file("readonly")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: false)
        chmod(readOnly, 0o555)
        defer { chmod(readOnly, 0o755) }
        let isRoot = geteuid() == 0

        let layer = try VectorLayer.read(try VectorFixtures.writeGeoJSON(in: folder))
        let grid = Fixtures.utmGrid()
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: grid)
        let before = folder.contents()

        var destinations = [(blocker + "/out", "parent is a file"), ("/proc/sitscube-\(getpid())/out", "cannot create the folder"), ("/proc/out", "a folder root cannot write")]
        if !isRoot { destinations.append((readOnly + "/out", "chmod 555")) }
        for (base, why) in destinations {
            let tif = base + ".tif", gpkg = base + ".gpkg", geojson = base + ".geojson"
            assertGeoIOError(.unwritable, naming: tif) {
                let w = try GeoTIFFWriter(path: tif, grid: grid, bandCount: 1, type: .float32)
                try w.write(band: 1, Fixtures.pattern(grid))
                try w.finish()
            }
            assertGeoIOError(.unwritable, naming: tif) { try WarpedRaster(path: src, grid: grid).write(to: tif) }
            assertGeoIOError(.unwritable, naming: tif) { try Rasterizer.write(layer, burn: .field("crop"), onto: grid, to: tif) }
            assertGeoIOError(.unwritable, naming: gpkg) {
                try VectorWriter.write(path: gpkg, format: .geoPackage, crs: "EPSG:32633", layerName: "x", fields: layer.fields, features: layer.features)
            }
            assertGeoIOError(.unwritable, naming: geojson) {
                try VectorWriter.write(path: geojson, format: .geoJSON, crs: "EPSG:32633", layerName: "x", fields: layer.fields, features: layer.features)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: tif), why)
        }
        if isRoot {
            // Documented behaviour: root's writes succeed in a chmod 555 folder, atomically as ever.
            try VectorWriter.write(path: readOnly + "/ok.gpkg", format: .geoPackage, crs: "EPSG:32633", layerName: "x",
                                   fields: layer.fields, features: layer.features)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: readOnly), ["ok.gpkg"])
        } else {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: readOnly), [])
        }
        XCTAssertEqual(folder.contents(), before, "no stray output")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/sitscube-\(getpid())"))
    }

    func testBadArguments() throws {
        let folder = try TempFolder("errors")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid())
        assertGeoIOError(.invalidArgument, naming: src) { _ = try Raster.open(src).read(band: 2, as: Float.self) }
        assertGeoIOError(.invalidArgument, naming: src) {
            _ = try Raster.open(src).read(band: 1, window: Window(col: -1, row: 0, width: 5, height: 5), as: Float.self)
        }
        XCTAssertThrowsError(try SpatialReference("EPSG:999999")) { XCTAssertEqual(($0 as? GeoIOError)?.kind, .invalidArgument) }
        var noCRS = Fixtures.utmGrid()
        noCRS.crs = "not a crs"
        XCTAssertThrowsError(try WarpedRaster(path: src, grid: noCRS)) { XCTAssertTrue($0 is GeoIOError, "\($0)") }
    }
}
