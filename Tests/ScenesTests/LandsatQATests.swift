import GeoIO
import TestSupport
import XCTest
@testable import Scenes

/// QA_PIXEL decoding, on the codes that occur in the real Collection 2 products.
final class LandsatQATests: XCTestCase {
    /// Every distinct QA_PIXEL value of both real scenes.
    private func realCodes() throws -> Set<UInt16> {
        let files = RealData.files(under: "landsat-c2l2-stactools", suffix: "_QA_PIXEL.TIF")
        guard files.count == 2 else { throw XCTSkip("real Landsat scenes not found beside the repository") }
        var codes = Set<UInt16>()
        for f in files { codes.formUnion(try Raster.open(f).read(band: 1, as: UInt16.self)) }
        return codes
    }

    func testRealCodesDecodeAsTheProductGuideSays() throws {
        let codes = try realCodes()
        let defaults = MaskOptions()
        var snow = MaskOptions()
        snow.maskSnow = true
        // Each code is taken from the real rasters, then checked against its meaning.
        let expectations: [(UInt16, masked: Bool, what: String)] = [
            (21824, false, "clear land"), (21952, false, "clear water"), (22280, true, "high-confidence cloud"),
            (55052, true, "cloud with cirrus"), (30048, false, "snow (kept unless --mask-snow)"),
            (23888, true, "cloud shadow that also has the clear bit"), (1, true, "fill"),
        ]
        for (code, masked, what) in expectations {
            XCTAssertTrue(codes.contains(code), "\(code) (\(what)) does not occur in the real scenes")
            XCTAssertEqual(LandsatQA.isMasked(code, defaults), masked, "\(code): \(what)")
        }
        XCTAssertTrue(LandsatQA.isMasked(30048, snow), "snow is masked with --mask-snow")
        XCTAssertFalse(LandsatQA.isMasked(21824, snow))
        XCTAssertNotEqual(23888 & LandsatQA.clear, 0, "23888 carries the clear bit")
        XCTAssertNotEqual(21952 & LandsatQA.water, 0, "21952 carries the water bit")
        XCTAssertEqual(LandsatQA.cloudConfidence(22280), 3)
        XCTAssertEqual(LandsatQA.cirrusConfidence(55052), 3)
    }

    func testConfidenceThresholds() {
        var o = MaskOptions()
        // 21824: clear, with low (1) cloud confidence in bits 8–9.
        XCTAssertEqual(LandsatQA.cloudConfidence(21824), 1)
        XCTAssertFalse(LandsatQA.isMasked(21824, o))
        o.cloudConfidence = 1
        XCTAssertTrue(LandsatQA.isMasked(21824, o))
        o.cloudConfidence = 2
        XCTAssertFalse(LandsatQA.isMasked(21824, o))
    }

    func testSCLDefaultsAndOptions() {
        let o = MaskOptions()
        let masked = (0...11).filter { SceneClassification.isMasked(UInt16($0), o) }
        XCTAssertEqual(masked, [0, 1, 3, 8, 9, 10])
        var more = MaskOptions()
        more.maskSnow = true
        more.maskDarkArea = true
        XCTAssertEqual((0...11).filter { SceneClassification.isMasked(UInt16($0), more) }, [0, 1, 2, 3, 8, 9, 10, 11])
    }

    func testBufferGrowsCloudsByADisk() {
        // A single cloud pixel in the middle of a 7×7 mask.
        var cloud = [Bool](repeating: false, count: 49)
        cloud[3 * 7 + 3] = true
        var grown: [Int] = []
        for r in 0..<7 { for c in 0..<7 where Dilation.touches(cloud, width: 7, col: c, row: r, radius: 2) { grown.append(r * 7 + c) } }
        // Radius 2 disk: 13 pixels (|dr|+… with dr²+dc² ≤ 4).
        XCTAssertEqual(grown.count, 13)
        XCTAssertTrue(grown.contains(1 * 7 + 3))
        XCTAssertFalse(grown.contains(1 * 7 + 1), "the corner at distance √8 lies outside the disk")
    }
}
