import Foundation
import GeoIO
import TestSupport
import XCTest
@testable import Scenes

/// The catalog on an archive holding good and bad products, and `scenes`/`mask` on each bad one.
final class CatalogTests: XCTestCase {
    private let id = "LC08_L2SP_008059_20191201_20200825_02_T1"

    /// Copies the real product under another id (band file names follow the folder name).
    private func copyProduct(into archive: String, newID: String, skip: (String) -> Bool = { _ in false }) throws -> String {
        guard let source = RealData.path("landsat-c2l2-stactools/\(id)") else { throw XCTSkip("real data missing") }
        let target = "\(archive)/\(newID)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: source) where !skip(f) {
            try FileManager.default.copyItem(atPath: "\(source)/\(f)", toPath: "\(target)/\(f.replacingOccurrences(of: id, with: newID))")
        }
        return target
    }

    private func makeArchive() throws -> (TempFolder, [String: String]) {
        let tmp = try TempFolder("catalog")
        let a = tmp.path
        var bad: [String: String] = [:]
        _ = try copyProduct(into: a, newID: id)
        bad["missing band"] = try copyProduct(into: a, newID: "LC08_L2SP_008059_20191217_20200825_02_T1") { $0.hasSuffix("_SR_B4.TIF") }
        let truncated = try copyProduct(into: a, newID: "LC08_L2SP_008059_20200102_20200825_02_T1")
        let b3 = "\(truncated)/LC08_L2SP_008059_20200102_20200825_02_T1_SR_B3.TIF"
        let data = try Data(contentsOf: URL(fileURLWithPath: b3))
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: b3))
        bad["truncated"] = truncated
        let noDate = try copyProduct(into: a, newID: "LC08_L2SP_008059_20200118_20200825_02_T1") { $0.hasSuffix("_MTL.json") }
        let mtl = "\(noDate)/LC08_L2SP_008059_20200118_20200825_02_T1_MTL.txt"
        let text = try String(contentsOfFile: mtl, encoding: .utf8).split(separator: "\n").filter { !$0.contains("DATE_ACQUIRED") }
        try text.joined(separator: "\n").write(toFile: mtl, atomically: true, encoding: .utf8)
        bad["no date"] = noDate
        bad["empty"] = "\(a)/empty"
        try FileManager.default.createDirectory(atPath: bad["empty"]!, withIntermediateDirectories: true)
        bad["unrelated"] = "\(a)/notes/photo.tif"
        try FileManager.default.createDirectory(atPath: "\(a)/notes", withIntermediateDirectories: true)
        let photo = try Raster.create(bad["unrelated"]!, grid: Grid(crs: "EPSG:4326", minX: 0, minY: 0, maxX: 1, maxY: 1, resolutionX: 0.5, resolutionY: 0.5),
                                      bandCount: 1, type: .byte)
        try photo.close()
        return (tmp, bad)
    }

    func testBadProductsAreSkippedWithTheirReasonAndTheGoodOneIsKept() throws {
        let (tmp, bad) = try makeArchive()
        var filter = SceneFilter()
        filter.maxCloudCover = 100
        let catalog = try Catalog.scan(tmp.path, filter: filter)
        XCTAssertEqual(catalog.scenes.map(\.id), [id])
        let reasons = Dictionary(uniqueKeysWithValues: catalog.skipped.map { ($0.path, $0.reason) })
        XCTAssertEqual(reasons[bad["missing band"]!], "missing band SR_B4 (red)")
        XCTAssertTrue(reasons[bad["truncated"]!]?.contains("band SR_B3 is unreadable") == true, reasons[bad["truncated"]!] ?? "not listed")
        XCTAssertEqual(reasons[bad["no date"]!], "no DATE_ACQUIRED in the MTL")
        XCTAssertEqual(reasons[bad["empty"]!], "empty folder")
        XCTAssertTrue(reasons[bad["unrelated"]!]?.contains("not part of a Landsat C2 L2 or Sentinel-2 L2A product") == true)
        XCTAssertEqual(catalog.skipped.count, 5)

        // The default 50 % cloud limit filters the real 81 % scene, and says so.
        let strict = try Catalog.scan(tmp.path)
        XCTAssertTrue(strict.scenes.isEmpty)
        XCTAssertTrue(strict.skipped.contains { $0.reason.contains("cloud cover 81.0 % above the maximum of 50 %") })
    }

    func testScenesJSONAndMaskOnBadProducts() throws {
        let (tmp, bad) = try makeArchive()
        let listing = try SitscubeBinary.run(["scenes", tmp.path, "--json", "--max-cloud", "100"])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let json = try JSONSerialization.jsonObject(with: listing.stdoutData) as? [String: Any]
        let scenes = json?["scenes"] as? [[String: Any]] ?? []
        XCTAssertEqual(scenes.count, 1)
        XCTAssertEqual(scenes.first?["platform"] as? String, "LANDSAT_8")
        XCTAssertEqual(scenes.first?["date"] as? String, "2019-12-01")
        XCTAssertEqual(scenes.first?["cloud_cover"] as? Double ?? 0, 81.02, accuracy: 1e-9)
        XCTAssertEqual((json?["skipped"] as? [Any])?.count, 5)

        for (what, path) in bad.sorted(by: { $0.key < $1.key }) {
            let out = tmp.path + "/out-\(what.replacingOccurrences(of: " ", with: "-")).tif"
            let r = try SitscubeBinary.run(["mask", path, "-o", out])
            XCTAssertNotEqual(r.status, 0, "mask on the \(what) product must fail")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(what): one clear line, got: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(URL(fileURLWithPath: path).lastPathComponent), "\(what): the error names the product: \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(what): no output file")
        }
    }

    func testBatchMaskGoesOnPastABadSceneAndResumes() throws {
        let (tmp, bad) = try makeArchive()
        let out = tmp.path + "/masked"
        let r = try SitscubeBinary.run(["mask", tmp.path, "-o", out, "--max-cloud", "100", "--bands", "red,nir"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(written, ["\(id).tif"])
        XCTAssertTrue(r.stderr.contains(bad["truncated"]!), "the bad scene is listed with its reason")
        let first = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(id).tif"))
        let again = try SitscubeBinary.run(["mask", tmp.path, "-o", out, "--max-cloud", "100", "--bands", "red,nir"])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("done already"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(id).tif")), first)
    }
}
