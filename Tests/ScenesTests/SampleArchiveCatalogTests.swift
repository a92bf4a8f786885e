import Foundation
import TestSupport
import XCTest
@testable import Scenes

/// The catalog of the sample archive, against the folder names and the metadata files read
/// with plain JSON and text searches.
final class SampleArchiveCatalogTests: XCTestCase {
    func testEveryProductIsFoundWithItsDateAndCloudCover() throws {
        let archive = try SampleArchiveFixture.path()
        var filter = SceneFilter()
        filter.maxCloudCover = 100
        let catalog = try Catalog.scan(archive, filter: filter)
        let landsat = try FileManager.default.contentsOfDirectory(atPath: archive + "/landsat").filter { !$0.hasPrefix(".") }
        let sentinel = try FileManager.default.contentsOfDirectory(atPath: archive + "/sentinel2").filter { !$0.hasPrefix(".") }
        XCTAssertEqual(catalog.scenes.count, landsat.count + sentinel.count)
        XCTAssertEqual(catalog.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted(), ["classes.tif", "forest_loss.tif"])
        let byPath = Dictionary(uniqueKeysWithValues: catalog.scenes.map { (URL(fileURLWithPath: $0.path).lastPathComponent, $0) })

        for name in landsat {
            let scene = try XCTUnwrap(byPath[name], name)
            // LE07_L2SP_223062_20000221_…: the fourth field is the acquisition date.
            XCTAssertEqual(scene.date.description.replacingOccurrences(of: "-", with: ""), String(name.split(separator: "_")[3]))
            let mtl = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(archive)/landsat/\(name)/\(name)_MTL.json"))) as? [String: Any]
            let attributes = (mtl?["LANDSAT_METADATA_FILE"] as? [String: Any])?["IMAGE_ATTRIBUTES"] as? [String: Any]
            let cloud = Double("\(attributes?["CLOUD_COVER"] ?? "nan")") ?? .nan
            XCTAssertEqual(scene.cloudCover, cloud, accuracy: 1e-9, name)
            XCTAssertEqual(scene.sensor, .landsat)
        }
        var safeCount = 0
        for name in sentinel {
            let scene = try XCTUnwrap(byPath[name], name)
            XCTAssertEqual(scene.sensor, .sentinel2)
            if name.hasSuffix(".SAFE") {
                safeCount += 1
                let xml = try String(contentsOfFile: "\(archive)/sentinel2/\(name)/MTD_MSIL2A.xml", encoding: .utf8)
                let baseline = try XCTUnwrap(xml.firstMatch(of: #/<PROCESSING_BASELINE>([0-9.]+)</#)?.1)
                XCTAssertEqual(scene.processingBaseline, String(baseline))
                let offsetStated = xml.contains("<BOA_ADD_OFFSET band_id=\"1\">-1000<")
                XCTAssertEqual(scene.bands[.blue]?.offset ?? 0, offsetStated ? -0.1 : 0, accuracy: 1e-12, name)
                // S2B_MSIL2A_20220516T…: the date follows the product type.
                XCTAssertEqual(scene.date.description.replacingOccurrences(of: "-", with: ""), String(name.split(separator: "_")[2].prefix(8)))
            } else {
                let items = try FileManager.default.contentsOfDirectory(atPath: "\(archive)/sentinel2/\(name)").filter { $0.hasSuffix(".json") }
                let item = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(archive)/sentinel2/\(name)/\(items[0])"))) as? [String: Any]
                let properties = item?["properties"] as? [String: Any]
                XCTAssertEqual(scene.cloudCover, properties?["eo:cloud_cover"] as? Double ?? .nan, accuracy: 1e-9, name)
                let baseline = Double(properties?["s2:processing_baseline"] as? String ?? "0") ?? 0
                XCTAssertEqual(scene.bands[.red]?.offset ?? 0, baseline >= 4 ? -0.1 : 0, accuracy: 1e-12, name)
                XCTAssertEqual(scene.date.description, String((properties?["datetime"] as? String ?? "").prefix(10)))
            }
        }
        XCTAssertGreaterThanOrEqual(safeCount, 1, "the sample archive has a SAFE product")
    }
}
