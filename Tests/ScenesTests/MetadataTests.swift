import Foundation
import GeoIO
import TestSupport
import XCTest
@testable import Scenes

/// MTL.txt, MTL.json, the STAC item and MTD_MSIL2A.xml, parsed into the same facts.
final class MetadataTests: XCTestCase {
    private let landsatID = "LC08_L2SP_008059_20191201_20200825_02_T1"

    func testMTLTextAndJSONAgree() throws {
        guard let folder = RealData.path("landsat-c2l2-stactools/\(landsatID)") else { throw XCTSkip("real data missing") }
        let txt = try LandsatMetadata(path: "\(folder)/\(landsatID)_MTL.txt")
        let json = try LandsatMetadata(path: "\(folder)/\(landsatID)_MTL.json")
        for key in ["CLOUD_COVER", "WRS_PATH", "REFLECTANCE_MULT_BAND_4", "TEMPERATURE_ADD_BAND_ST_B10"] {
            XCTAssertNotNil(txt.value(key), key)
            XCTAssertEqual(txt.number(key) ?? .nan, json.number(key) ?? .nan, accuracy: 1e-12, key, file: #filePath, line: #line)
        }
        XCTAssertEqual(txt.value("DATE_ACQUIRED"), "2019-12-01")
        // Level-2 and Level-1 groups share key names with different values.
        XCTAssertEqual(json.number("REFLECTANCE_MULT_BAND_4", in: LandsatProduct.reflectanceGroup), 2.75e-5)
        XCTAssertEqual(txt.number("REFLECTANCE_MULT_BAND_4", in: "LEVEL1_RADIOMETRIC_RESCALING"), 2.0e-5)
        XCTAssertEqual(json.value("SPACECRAFT_ID"), "LANDSAT_8")
    }

    func testRealLandsatScene() throws {
        guard let folder = RealData.path("landsat-c2l2-stactools/\(landsatID)") else { throw XCTSkip("real data missing") }
        let scene = try Catalog.scene(at: folder)
        XCTAssertEqual(scene.platform, .landsat8)
        XCTAssertEqual(scene.date, CalendarDate("2019-12-01"))
        XCTAssertEqual(scene.cloudCover, 81.02, accuracy: 1e-9)
        XCTAssertEqual(scene.tile, "008059")
        XCTAssertEqual(scene.processingLevel, "L2SP")
        XCTAssertEqual(scene.availableBands, [.coastal, .blue, .green, .red, .nir, .swir1, .swir2, .thermal])
        XCTAssertEqual(scene.bands[.nir]?.productBand, "SR_B5", "OLI's B5 is nir")
        XCTAssertEqual(scene.bands[.red]?.scale ?? 0, 2.75e-5, accuracy: 1e-15)
        XCTAssertEqual(scene.bands[.thermal]?.offset ?? 0, 149.0, accuracy: 1e-12)
    }

    func testSTACItemOfEarthSearch() throws {
        guard let folder = RealData.path("s2-l2a-earthsearch-riotilerpds/sentinel-s2-l2a-cogs/29/R/KH/2020/2/S2A_29RKH_20200219_0_L2A")
        else { throw XCTSkip("real data missing") }
        let scene = try Catalog.scene(at: folder)
        XCTAssertEqual(scene.platform, .sentinel2A)
        XCTAssertEqual(scene.date, CalendarDate("2020-02-19"))
        XCTAssertEqual(scene.cloudCover, 4.051854, accuracy: 1e-9)
        XCTAssertEqual(scene.tile, "29RKH")
        XCTAssertEqual(scene.processingBaseline, "02.14")
        XCTAssertEqual(scene.bands[.nir08]?.productBand, "B8A")
        // Baseline 02.14: no BOA offset, reflectance = DN / 10000.
        XCTAssertEqual(scene.bands[.blue]?.offset ?? .nan, 0, accuracy: 0)
        XCTAssertEqual(scene.bands[.blue]?.scale ?? 0, 1e-4, accuracy: 1e-15)
        XCTAssertEqual(scene.defaultBands.count, 10, "B02–B12 without B09 and B10")
        // The decimated scene: 100 m for the 10 m bands, 200 m for 20 m, 600 m for 60 m (gdalinfo).
        XCTAssertEqual(scene.resolutionGrids.map { $0.resolution.x }, [100, 200, 600])
        XCTAssertEqual(scene.grids[.nir08]?.width, 549)
        XCTAssertEqual(try SpatialReference(scene.grids[.blue]?.crs ?? "").epsg, 32629)
    }

    func testBaselineDecidesTheOffsetWhenTheMetadataIsSilent() {
        var m = Sentinel2Metadata()
        m.processingBaseline = "04.00"
        XCTAssertEqual(m.offset(for: "B04"), -1000)
        m.processingBaseline = "03.01"
        XCTAssertEqual(m.offset(for: "B04"), 0)
        m.processingBaseline = "05.09"
        m.offsetAlreadyApplied = true
        XCTAssertEqual(m.offset(for: "B04"), 0, "earth-search items with boa_offset_applied carry harmonized DNs")
    }

    /// A SAFE folder written by the test: hand-written MTD_MSIL2A.xml, JP2 bands from GeoIO.
    func testSAFEProductMetadataAndOffsets() throws {
        let tmp = try TempFolder("safe")
        let safe = "\(tmp.path)/S2B_MSIL2A_20220612T133839_N0400_R124_T22MHB_20220612T160204.SAFE"
        let granule = "\(safe)/GRANULE/L2A_T22MHB_A027531_20220612T134242/IMG_DATA"
        try FileManager.default.createDirectory(atPath: granule + "/R10m", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: granule + "/R20m", withIntermediateDirectories: true)
        let offsets = (0..<13).map { "<BOA_ADD_OFFSET band_id=\"\($0)\">-1000</BOA_ADD_OFFSET>" }.joined()
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <n1:Level-2A_User_Product xmlns:n1="https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-2A.xsd">
            <n1:General_Info><Product_Info><PRODUCT_START_TIME>2022-06-12T13:38:39.024Z</PRODUCT_START_TIME>
            <PRODUCT_URI>S2B_MSIL2A_20220612T133839_N0400_R124_T22MHB_20220612T160204.SAFE</PRODUCT_URI>
            <PROCESSING_BASELINE>04.00</PROCESSING_BASELINE>
            <Datatake><SPACECRAFT_NAME>Sentinel-2B</SPACECRAFT_NAME></Datatake></Product_Info>
            <Product_Image_Characteristics><QUANTIFICATION_VALUES_LIST><BOA_QUANTIFICATION_VALUE unit="none">10000</BOA_QUANTIFICATION_VALUE>
            </QUANTIFICATION_VALUES_LIST><BOA_ADD_OFFSET_VALUES_LIST>\(offsets)</BOA_ADD_OFFSET_VALUES_LIST>
            </Product_Image_Characteristics></n1:General_Info>
            <n1:Quality_Indicators_Info><Cloud_Coverage_Assessment>12.5</Cloud_Coverage_Assessment></n1:Quality_Indicators_Info>
            </n1:Level-2A_User_Product>
            """
        try xml.write(toFile: "\(safe)/MTD_MSIL2A.xml", atomically: true, encoding: .utf8)
        let base = "T22MHB_20220612T133839"
        let grid10 = Grid(crs: "EPSG:32722", minX: 600000, minY: 9000000, maxX: 600200, maxY: 9000200, resolutionX: 10, resolutionY: 10)
        let grid20 = Grid(crs: "EPSG:32722", minX: 600000, minY: 9000000, maxX: 600200, maxY: 9000200, resolutionX: 20, resolutionY: 20)
        for (band, res) in [("B02", 10), ("B03", 10), ("B04", 10), ("B08", 10), ("B05", 20), ("B06", 20), ("B07", 20),
                            ("B8A", 20), ("B11", 20), ("B12", 20), ("SCL", 20)] {
            let grid = res == 10 ? grid10 : grid20
            let mem = try Raster.create("/vsimem/\(band).tif", grid: grid, bandCount: 1, type: band == "SCL" ? .byte : .uint16)
            try mem.write(band: 1, [UInt16](repeating: band == "SCL" ? 4 : 1500, count: grid.width * grid.height))
            try mem.copy(to: "\(granule)/R\(res)m/\(base)_\(band)_\(res)m.jp2", driver: "JP2OpenJPEG",
                         options: [("QUALITY", "100"), ("REVERSIBLE", "YES")]).close()
        }
        let scene = try Catalog.scene(at: safe)
        XCTAssertEqual(scene.layout, .sentinel2SAFE)
        XCTAssertEqual(scene.platform, .sentinel2B)
        XCTAssertEqual(scene.date, CalendarDate("2022-06-12"))
        XCTAssertEqual(scene.cloudCover, 12.5)
        XCTAssertEqual(scene.tile, "22MHB")
        XCTAssertEqual(scene.processingBaseline, "04.00")
        XCTAssertEqual(scene.bands[.red]?.offset ?? 0, -0.1, accuracy: 1e-12, "(DN − 1000) / 10000")
        // DN 1500 with the −1000 offset is reflectance 0.05, on the 10 m grid for every band.
        let reader = try SceneReader(scene: scene, grid: grid10, bands: [.red, .swir1])
        var values: [Float] = []
        let masked = try reader.read(window: grid10.window, into: &values)
        XCTAssertEqual(masked, 0)
        XCTAssertEqual(values.count, 2 * 400)
        for v in values { XCTAssertEqual(v, 0.05, accuracy: 1e-6) }
    }
}
