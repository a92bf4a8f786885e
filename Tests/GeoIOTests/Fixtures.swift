import Foundation
import GeoIO
import TestSupport
import XCTest

/// Small synthetic rasters and vectors shared by the GeoIO tests.
enum Fixtures {
    /// A 30 m grid in UTM zone 33N (EPSG:32633), near the zone's eastern edge so that zone 34N
    /// is a real reprojection.
    static func utmGrid(width: Int = 200, height: Int = 150, resolution: Double = 30) -> Grid {
        Grid(crs: "EPSG:32633", transform: GeoTransform(originX: 780_000, pixelWidth: resolution, originY: 5_000_000, pixelHeight: -resolution),
             width: width, height: height)
    }

    /// A smooth field with texture, so interpolation differences show: values in about 100…4100.
    static func pattern(_ grid: Grid, seed: Int = 0) -> [Float] {
        var v = [Float](repeating: 0, count: grid.width * grid.height)
        for r in 0..<grid.height {
            for c in 0..<grid.width {
                let x = Double(c), y = Double(r), s = Double(seed)
                let smooth = 2000 + 1500 * sin(x / 17 + s) * cos(y / 23)
                let texture = Double((c * 7 + r * 13 + seed * 5) % 11) * 40
                v[r * grid.width + c] = Float(smooth + texture)
            }
        }
        return v
    }

    /// Writes a GeoTIFF of `pattern` values as `type` (rounded for integers), with a rectangle of
    /// nodata (`noData`) in the top-left corner when given.
    @discardableResult
    static func writePattern(_ path: String, grid: Grid, type: RasterDataType = .float32, bands: Int = 1,
                             noData: Double? = nil) throws -> [[Float]] {
        let writer = try GeoTIFFWriter(path: path, grid: grid, bandCount: bands, type: type)
        if let noData { try writer.setNoData(noData) }
        var all: [[Float]] = []
        for b in 1...bands {
            var values = pattern(grid, seed: b)
            if type != .float32 && type != .float64 { values = values.map { $0.rounded() } }
            if let noData {
                for r in 0..<min(20, grid.height) { for c in 0..<min(30, grid.width) { values[r * grid.width + c] = Float(noData) } }
            }
            switch type {
            case .float32: try writer.write(band: b, values)
            case .float64: try writer.write(band: b, values.map(Double.init))
            case .uint16: try writer.write(band: b, values.map { UInt16($0) })
            case .int16: try writer.write(band: b, values.map { Int16($0) })
            case .int32: try writer.write(band: b, values.map { Int32($0) })
            case .uint32: try writer.write(band: b, values.map { UInt32($0) })
            case .byte, .int8: try writer.write(band: b, values.map { UInt8(Int($0) % 256) })
            }
            all.append(values)
        }
        try writer.finish()
        return all
    }
}

/// Bit-for-bit comparison of float arrays (NaN equal to NaN), reporting the first differences.
func assertSameValues(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(message): sizes", file: file, line: line)
    var shown = 0, differing = 0
    for i in 0..<min(a.count, b.count) where !(a[i] == b[i] || (a[i].isNaN && b[i].isNaN)) {
        differing += 1
        if shown < 5 { shown += 1; XCTFail("\(message): pixel \(i): \(a[i]) vs \(b[i])", file: file, line: line) }
    }
    if differing > shown { XCTFail("\(message): \(differing) pixels differ in all", file: file, line: line) }
}
