import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// Write → read round trips for every pixel type, checked through GeoIO and through `gdalinfo -json`.
final class RasterRoundTripTests: XCTestCase {
    /// Values that exercise each type's range: negative where the type is signed, large where it is wide.
    private func values(for type: RasterDataType, count: Int) -> [Double] {
        let span: (Double, Double)
        switch type {
        case .byte: span = (0, 254)
        case .int8: span = (-127, 126)
        case .uint16: span = (0, 65000)
        case .int16: span = (-32000, 32000)
        case .uint32: span = (0, 4_000_000_000)
        case .int32: span = (-2_000_000_000, 2_000_000_000)
        case .float32, .float64: span = (-1e4, 1e4)
        }
        return (0..<count).map { i in
            let t = Double((i * 7919) % count) / Double(count - 1)
            let v = span.0 + t * (span.1 - span.0)
            if type == .float32 { return Double(Float(v + 0.25)) }
            return type == .float64 ? v + 0.25 : v.rounded(.down)
        }
    }

    private func write(_ type: RasterDataType, _ v: [Double], band: Int, to writer: GeoTIFFWriter) throws {
        switch type {
        case .byte: try writer.write(band: band, v.map { UInt8($0) })
        case .int8: try writer.write(band: band, v.map { Int8($0) })
        case .uint16: try writer.write(band: band, v.map { UInt16($0) })
        case .int16: try writer.write(band: band, v.map { Int16($0) })
        case .uint32: try writer.write(band: band, v.map { UInt32($0) })
        case .int32: try writer.write(band: band, v.map { Int32($0) })
        case .float32: try writer.write(band: band, v.map { Float($0) })
        case .float64: try writer.write(band: band, v)
        }
    }

    private func readNative(_ raster: Raster, _ type: RasterDataType, band: Int) throws -> [Double] {
        switch type {
        case .byte: return try raster.read(band: band, as: UInt8.self).map(Double.init)
        case .int8: return try raster.read(band: band, as: Int8.self).map(Double.init)
        case .uint16: return try raster.read(band: band, as: UInt16.self).map(Double.init)
        case .int16: return try raster.read(band: band, as: Int16.self).map(Double.init)
        case .uint32: return try raster.read(band: band, as: UInt32.self).map(Double.init)
        case .int32: return try raster.read(band: band, as: Int32.self).map(Double.init)
        case .float32: return try raster.read(band: band, as: Float.self).map(Double.init)
        case .float64: return try raster.read(band: band, as: Double.self)
        }
    }

    func testEveryTypeRoundTrips() throws {
        let folder = try TempFolder("roundtrip")
        let grid = Grid(crs: "EPSG:32633", transform: GeoTransform(originX: 600_000.5, pixelWidth: 20, originY: 5_100_000.25, pixelHeight: -20),
                        width: 97, height: 61)
        for type in RasterDataType.allCases {
            let path = folder.file("\(type.rawValue).tif")
            let noData: Double = type == .int8 ? -128 : type.isFloatingPoint ? -9999.5 : 0
            let band1 = values(for: type, count: grid.width * grid.height)
            let band2 = Array(band1.reversed())
            let writer = try GeoTIFFWriter(path: path, grid: grid, bandCount: 2, type: type)
            try writer.setBandNames(["red", "nir"])
            try writer.setNoData(noData)
            try write(type, band1, band: 1, to: writer)
            try write(type, band2, band: 2, to: writer)
            try writer.finish()

            // GeoIO reads: native type, Float, Double, and a window.
            let r = try Raster.open(path)
            XCTAssertEqual(try r.dataType(band: 1), type)
            XCTAssertEqual(r.bandCount, 2)
            XCTAssertEqual(r.transform, grid.transform, "\(type)")
            XCTAssertEqual(try SpatialReference(r.crs).epsg, 32633)
            XCTAssertEqual(try r.noData(band: 2), noData, "\(type)")
            XCTAssertEqual(try r.description(band: 1), "red")
            XCTAssertEqual(try r.description(band: 2), "nir")
            assertEqualArrays(try readNative(r, type, band: 1), band1, "\(type) native")
            assertEqualArrays(try readNative(r, type, band: 2), band2, "\(type) native band 2")
            assertEqualArrays(try r.read(band: 1, as: Double.self), band1, "\(type) as Double")
            if type != .uint32 && type != .int32 && type != .float64 {
                assertEqualArrays(try r.read(band: 1, as: Float.self), band1.map(Float.init), "\(type) as Float")
            }
            let w = Window(col: 10, row: 5, width: 7, height: 3)
            let window = try r.read(band: 1, window: w, as: Double.self)
            XCTAssertEqual(window, (0..<w.height).flatMap { row in (0..<w.width).map { band1[(w.row + row) * grid.width + w.col + $0] } })

            // gdalinfo -json, the independent route.
            let info = try Command.gdalinfo(path)
            XCTAssertEqual(info["size"] as? [Int], [grid.width, grid.height])
            XCTAssertEqual((info["geoTransform"] as? [Double]) ?? [], grid.transform.coefficients, "\(type)")
            let wkt = ((info["coordinateSystem"] as? [String: Any])?["wkt"] as? String) ?? ""
            XCTAssertTrue(wkt.contains("UTM zone 33N") && wkt.contains("ID[\"EPSG\",32633]"), "\(type)")
            let bands = info["bands"] as? [[String: Any]] ?? []
            XCTAssertEqual(bands.count, 2)
            XCTAssertEqual(bands.first?["type"] as? String, type == .int8 ? "Byte" : type.rawValue)
            XCTAssertEqual(bands.map { $0["description"] as? String }, ["red", "nir"])
            XCTAssertEqual((bands.first?["noDataValue"] as? NSNumber)?.doubleValue, noData, "\(type)")
            if type == .int8 {
                let md = (bands.first?["metadata"] as? [String: Any])?["IMAGE_STRUCTURE"] as? [String: Any]
                XCTAssertEqual(md?["PIXELTYPE"] as? String, "SIGNEDBYTE")
            }
            // A pixel through gdallocationinfo (column 3, row 2).
            let loc = try Command.locationValue(path, col: 3, row: 2)
            let expected = band1[2 * grid.width + 3]
            // gdallocationinfo of GDAL 3.6 prints SIGNEDBYTE pixels as unsigned bytes.
            // It prints 15 significant digits.
            XCTAssertEqual(loc ?? .nan, type == .int8 && expected < 0 ? expected + 256 : expected,
                           accuracy: abs(expected) * 1e-14, "\(type) gdallocationinfo")
        }
        XCTAssertEqual(folder.contents(), RasterDataType.allCases.map { "\($0.rawValue).tif" }.sorted(), "no temporary files left")
    }

    /// Int8 written from floats keeps its sign (GDAL 3.6 would otherwise clamp to 0…255).
    func testInt8FromFloats() throws {
        let folder = try TempFolder("roundtrip")
        let grid = Grid(crs: "EPSG:4326", minX: 0, minY: 0, maxX: 4, maxY: 1, resolutionX: 1, resolutionY: 1)
        let writer = try GeoTIFFWriter(path: folder.file("s8.tif"), grid: grid, bandCount: 1, type: .int8)
        try writer.write(band: 1, [Float(-5), -200, 3.6, .nan])
        try writer.finish()
        let r = try Raster.open(folder.file("s8.tif"))
        XCTAssertEqual(try r.read(band: 1, as: Float.self), [-5, -128, 4, 0])
        XCTAssertEqual(try r.read(band: 1, as: Int8.self), [-5, -128, 4, 0])
        XCTAssertThrowsError(try r.read(band: 1, as: UInt16.self))
    }
}

/// Compares long arrays without printing them whole.
private func assertEqualArrays<T: Equatable>(_ a: [T], _ b: [T], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    guard a != b else { return }
    let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    XCTFail("\(message): \(a.count) vs \(b.count) values, first difference at \(i): \(i < a.count ? "\(a[i])" : "-") vs \(i < b.count ? "\(b[i])" : "-")", file: file, line: line)
}
