import Foundation
import TestSupport
import XCTest
@testable import Cube

/// `composite`, then `indices --add`, then `fill` equals one `cube` run, byte for byte.
final class StepCommandTests: XCTestCase {
    func testStepsEqualTheWholeChain() throws {
        guard let product = RealData.path("landsat-c2l2-stactools/LC08_L2SP_008059_20191201_20200825_02_T1") else {
            throw XCTSkip("real data missing")
        }
        let tmp = try TempFolder("steps")
        let archive = tmp.path + "/archive"
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: product, toPath: archive + "/" + URL(fileURLWithPath: product).lastPathComponent)
        let common = ["--max-cloud", "100", "--bands", "green,red,nir,swir1", "--windows", "quarter"]
        var r = try SitscubeBinary.run(["cube", archive, "-o", tmp.path + "/whole", "--indices", "ndvi,ndwi"] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try SitscubeBinary.run(["composite", archive, "-o", tmp.path + "/steps"] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try SitscubeBinary.run(["indices", tmp.path + "/steps", "--add", "ndvi,ndwi"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try SitscubeBinary.run(["fill", tmp.path + "/steps"])
        XCTAssertEqual(r.status, 0, r.stderr)

        let whole = try CubeManifest.read(from: tmp.path + "/whole")
        let steps = try CubeManifest.read(from: tmp.path + "/steps")
        XCTAssertEqual(whole.bands, steps.bands)
        XCTAssertEqual(steps.provenance.fill, "linear")
        XCTAssertEqual(whole.times.count, 4)
        for t in whole.times {
            let a = try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/whole/" + t.file))
            let b = try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/steps/" + t.file))
            XCTAssertEqual(a, b, t.file)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.path + "/steps/.next"))
        let again = try SitscubeBinary.run(["indices", tmp.path + "/steps", "--add", "ndvi"])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already has the band ndvi"), again.stderr)
    }
}
