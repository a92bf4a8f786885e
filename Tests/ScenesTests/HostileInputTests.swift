import Foundation
import GeoIO
import TestSupport
import XCTest
@testable import Scenes

/// Values from damaged files or odd flags give errors or masked pixels, never a trap.
final class HostileInputTests: XCTestCase {
    func testQACodesOutsideUInt16AreMaskedNotTrapped() {
        XCTAssertEqual(qaCode(.nan), 1)
        XCTAssertEqual(qaCode(-3), 1)
        XCTAssertEqual(qaCode(70000), 1)
        XCTAssertEqual(qaCode(2.5), 1)
        XCTAssertEqual(qaCode(21824), 21824)
        XCTAssertTrue(LandsatQA.isMasked(qaCode(.nan), MaskOptions()))
    }

    func testAbsurdGridsAreRefused() {
        XCTAssertThrowsError(try GridSpec(parsing: "EPSG:32622,1e-300,0,0,1000,1000").resolve(for: []))
        XCTAssertThrowsError(try GridSpec(parsing: "EPSG:32622,30,0,0,1e300,1000").resolve(for: []))
        XCTAssertTrue(Grid(crs: "EPSG:4326", minX: 0, minY: 0, maxX: .infinity, maxY: 1, resolutionX: 1, resolutionY: 1).isEmpty)
        XCTAssertEqual(try GridSpec(parsing: "EPSG:32622,30,0,0,300,90").resolve(for: []).width, 10)
    }

    func testNaNPathRowInTheMTLFallsBackToTheProductID() throws {
        guard let source = RealData.path("landsat-c2l2-stactools/LC08_L2SP_008059_20191201_20200825_02_T1") else {
            throw XCTSkip("real data missing")
        }
        let tmp = try TempFolder("hostile")
        let product = tmp.path + "/LC08_L2SP_008059_20191201_20200825_02_T1"
        try FileManager.default.copyItem(atPath: source, toPath: product)
        try FileManager.default.removeItem(atPath: product + "/LC08_L2SP_008059_20191201_20200825_02_T1_MTL.json")
        let mtl = product + "/LC08_L2SP_008059_20191201_20200825_02_T1_MTL.txt"
        let text = try String(contentsOfFile: mtl, encoding: .utf8)
            .replacingOccurrences(of: "WRS_PATH = 8\n", with: "WRS_PATH = nan\n")
            .replacingOccurrences(of: "WRS_ROW = 59\n", with: "WRS_ROW = 1e300\n")
        try text.write(toFile: mtl, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Catalog.scene(at: product).tile, "008059")
    }

    func testAbsurdFlagsGiveOneLine() throws {
        let tmp = try TempFolder("flags")
        for args in [["--memory", "1e30GiB"], ["--memory", "nan"], ["--grid", "EPSG:4326,0"], ["--windows", "weekly"], ["--reducer", "p101"]] {
            let r = try SitscubeBinary.run(["cube", tmp.path, "-o", tmp.path + "/c"] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertFalse(r.stderr.isEmpty, "\(args)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), "\(args): \(r.stderr)")
        }
    }
}
