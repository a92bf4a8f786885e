import Foundation
import GeoIO
import XCTest
@testable import SampleArchive
import TestSupport

final class LabelsTests: XCTestCase {
    func testClassRasterHasCategoriesAndEveryClass() throws {
        let archive = try Fixture.archive()
        let info = try Command.run(["gdalinfo", "-json", archive + "/labels/classes.tif"])
        XCTAssertEqual(info.status, 0, info.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        let band = try XCTUnwrap((json["bands"] as? [[String: Any]])?.first)
        XCTAssertEqual(band["categories"] as? [String], ["nodata"] + LandClass.allCases.map(\.name))
        XCTAssertNotNil(band["colorTable"])
        let classes: [UInt8] = try Raster.open(archive + "/labels/classes.tif").read(band: 1)
        XCTAssertEqual(Set(classes), Set(LandClass.allCases.map(\.rawValue)), "all eight classes occur")
        let loss: [UInt8] = try Raster.open(archive + "/labels/forest_loss.tif").read(band: 1)
        XCTAssertEqual(Set(loss), [0, 1])
        // Loss pixels are follow-up land uses, never standing forest.
        let lossClasses = Set(zip(classes, loss).filter { $0.1 == 1 }.map(\.0))
        XCTAssertFalse(lossClasses.contains(LandClass.forest.rawValue))
        XCTAssertGreaterThanOrEqual(lossClasses.count, 4)
    }

    func testPointsAndParcelsAreReadableByOGR() throws {
        let archive = try Fixture.archive()
        let points = try Command.run(["ogrinfo", "-ro", "-al", "-so", archive + "/labels/points.geojson"])
        XCTAssertEqual(points.status, 0, points.stderr)
        XCTAssertTrue(points.stdout.contains("32622"), "points are in EPSG:32622")
        let data = try XCTUnwrap(FileManager.default.contents(atPath: archive + "/labels/points.geojson"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let features = try XCTUnwrap(json["features"] as? [[String: Any]])
        let codes = features.compactMap { ($0["properties"] as? [String: Any])?["class"] as? Int }
        XCTAssertEqual(codes.count, features.count)
        XCTAssertGreaterThanOrEqual(Set(codes).count, 7, "stratified over the classes")

        // Each point's class matches classes.tif under it.
        let raster = try Raster.open(archive + "/labels/classes.tif")
        let classes: [UInt8] = try raster.read(band: 1)
        for f in features {
            let xy = try XCTUnwrap((f["geometry"] as? [String: Any])?["coordinates"] as? [Double])
            let pixel = try XCTUnwrap(raster.grid.pixel(x: xy[0], y: xy[1]))
            XCTAssertEqual(Int(classes[pixel.row * raster.width + pixel.col]), (f["properties"] as? [String: Any])?["class"] as? Int)
        }

        let parcels = try Command.run(["ogrinfo", "-ro", "-al", "-so", archive + "/labels/" + ParcelOutput.fileName])
        XCTAssertEqual(parcels.status, 0, parcels.stderr)
        XCTAssertTrue(parcels.stdout.contains("Polygon"))
        for field in ["id", "crop", "name"] { XCTAssertTrue(parcels.stdout.contains("\(field): "), field) }
    }
}
