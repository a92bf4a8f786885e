import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// GeoTIFF layout as `gdalinfo -json` reports it: tiles, compression, predictor, COG layout,
/// overviews, colour table and category names.
final class GeoTIFFWriterTests: XCTestCase {
    private func band(_ info: [String: Any], _ index: Int = 0) -> [String: Any] {
        (info["bands"] as? [[String: Any]])?[index] ?? [:]
    }

    private func imageStructure(_ info: [String: Any]) -> [String: String] {
        ((info["metadata"] as? [String: Any])?["IMAGE_STRUCTURE"] as? [String: String]) ?? [:]
    }

    func testStandardProfileIsTiledDeflateWithPredictor() throws {
        let folder = try TempFolder("tiff")
        let grid = Fixtures.utmGrid(width: 700, height: 600)
        for (type, predictor) in [(RasterDataType.uint16, "2"), (.float32, "3")] {
            let path = folder.file("\(type.rawValue).tif")
            try Fixtures.writePattern(path, grid: grid, type: type)
            let info = try Command.gdalinfo(path)
            XCTAssertEqual(band(info)["block"] as? [Int], [512, 512])
            let structure = imageStructure(info)
            XCTAssertEqual(structure["COMPRESSION"], "DEFLATE")
            XCTAssertEqual(structure["PREDICTOR"], predictor, "\(type)")
            XCTAssertEqual(structure["INTERLEAVE"], "BAND")
            XCTAssertNil(structure["LAYOUT"])
            XCTAssertEqual((band(info)["overviews"] as? [Any])?.count ?? 0, 0)
        }
    }

    func testClassMapCOGWithOverviewsColoursAndCategories() throws {
        let folder = try TempFolder("tiff")
        let grid = Fixtures.utmGrid(width: 1500, height: 1100)
        let path = folder.file("map.tif")
        let writer = try GeoTIFFWriter(path: path, grid: grid, bandCount: 1, type: .byte, profile: .classMap)
        var codes = [UInt8](repeating: 0, count: grid.width * grid.height)
        for i in codes.indices { codes[i] = UInt8((i / grid.width / 100 + i % grid.width / 200) % 4 + 1) }
        try writer.write(band: 1, codes)
        try writer.setNoData(0)
        let colors = [RGBA(0, 0, 0, 0), RGBA(34, 139, 34), RGBA(255, 215, 0), RGBA(70, 130, 180), RGBA(139, 69, 19)]
        try writer.setColorTable(colors)
        try writer.setCategoryNames(["", "forest", "crop", "water", "bare"])
        try writer.setBandNames(["class"])
        try writer.finish()
        XCTAssertEqual(folder.contents().filter { !$0.hasPrefix("map.tif") }, [], "no staging files left")

        let info = try Command.gdalinfo(path)
        XCTAssertEqual(imageStructure(info)["LAYOUT"], "COG")
        XCTAssertEqual(imageStructure(info)["COMPRESSION"], "DEFLATE")
        let b = band(info)
        XCTAssertEqual(b["block"] as? [Int], [512, 512])
        let overviews = b["overviews"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(overviews.count, 1, "a 1500×1100 COG has overviews")
        XCTAssertEqual(overviews.first?["size"] as? [Int], [750, 550])
        let entries = (b["colorTable"] as? [String: Any])?["entries"] as? [[Int]] ?? []
        XCTAssertEqual(Array(entries.prefix(5)), colors.map { [Int($0.r), Int($0.g), Int($0.b), Int($0.a)] })
        XCTAssertEqual(b["colorInterpretation"] as? String, "Palette")
        XCTAssertEqual((b["noDataValue"] as? NSNumber)?.doubleValue, 0)
        XCTAssertEqual(b["description"] as? String, "class")
        // gdalinfo's text form lists category names (its JSON in GDAL 3.6 does not).
        let text = try Command.run("gdalinfo", [path]).stdout
        XCTAssertTrue(text.contains("Categories:") && text.contains("forest") && text.contains("bare"), text)
        let back = try Raster.open(path)
        XCTAssertEqual(try back.categoryNames(band: 1), ["", "forest", "crop", "water", "bare"])
        XCTAssertEqual(try back.read(band: 1, as: UInt8.self), codes)
        // Mode overviews keep class codes (no averages such as 2.5 → 2 between classes 1 and 4).
        let ovr = try Command.run("gdal_translate", ["-q", "-of", "XYZ", "-outsize", "750", "550", path, "/vsistdout/"]).stdout
        let values = Set(ovr.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } })
        XCTAssertTrue(values.isSubset(of: [1, 2, 3, 4]), "\(values)")
    }

    func testSmallCOGHasNoOverviewsAndPlainOverviewsOnRequest() throws {
        let folder = try TempFolder("tiff")
        let small = folder.file("small.tif")
        let w = try GeoTIFFWriter(path: small, grid: Fixtures.utmGrid(width: 300, height: 200), bandCount: 1, type: .float32,
                                  profile: GeoTIFFProfile(cloudOptimized: true, overviewResampling: "AVERAGE"))
        try w.write(band: 1, Fixtures.pattern(Fixtures.utmGrid(width: 300, height: 200)))
        try w.finish()
        let info = try Command.gdalinfo(small)
        XCTAssertEqual(imageStructure(info)["LAYOUT"], "COG")
        XCTAssertEqual(imageStructure(info)["PREDICTOR"], "3")
        XCTAssertEqual((band(info)["overviews"] as? [Any])?.count ?? 0, 0, "fits in one tile")

        let tiled = folder.file("tiled.tif")
        let grid = Fixtures.utmGrid(width: 1100, height: 1100)
        let t = try GeoTIFFWriter(path: tiled, grid: grid, bandCount: 1, type: .float32, profile: GeoTIFFProfile(overviewResampling: "AVERAGE"))
        try t.write(band: 1, Fixtures.pattern(grid))
        try t.finish()
        let tinfo = try Command.gdalinfo(tiled)
        XCTAssertNil(imageStructure(tinfo)["LAYOUT"])
        XCTAssertEqual((band(tinfo)["overviews"] as? [[String: Any]])?.map { $0["size"] as? [Int] ?? [] }, [[550, 550], [275, 275]])
        XCTAssertEqual(Set(folder.contents()), ["small.tif", "tiled.tif"])
    }

    func testWriterDroppedWithoutFinishLeavesNothing() throws {
        let folder = try TempFolder("tiff")
        do {
            let w = try GeoTIFFWriter(path: folder.file("never.tif"), grid: Fixtures.utmGrid(), bandCount: 1, type: .uint16)
            try w.write(band: 1, [UInt16](repeating: 7, count: 200 * 150))
        }
        XCTAssertEqual(folder.contents(), [])
    }
}
