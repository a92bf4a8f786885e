import Foundation
@testable import GeoIO
import TestSupport
import XCTest

/// Warping is compared with `gdalwarp` run on the same file with the same target grid.
final class WarpTests: XCTestCase {
    /// Runs `gdalwarp` onto `grid` and reads the result as Float32.
    private func gdalwarp(_ source: String, grid: Grid, method: Resampling, options: WarpOptions, folder: TempFolder) throws -> [Float] {
        let out = folder.file("ref-\(method.rawValue)-\(UUID().uuidString).tif")
        var o = options
        o.resampling = method
        try Command.run("gdalwarp", ["-q", "-overwrite"] + WarpedRaster.gdalwarpArguments(grid: grid, method: method, options: o) + [source, out])
        let ref = try Raster.open(out)
        XCTAssertEqual(ref.width, grid.width)
        XCTAssertEqual(ref.height, grid.height)
        return try ref.read(band: 1, as: Float.self)
    }

    /// UTM 33N → UTM 34N at 45 m, pixel-exact for nearest, source nodata respected.
    func testNearestBetweenUTMZonesMatchesGdalwarp() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .uint16, noData: 0)
        let target = try targetGrid(for: src, crs: "EPSG:32634", resolution: 45)
        let options = WarpOptions(resampling: .nearest, errorThreshold: 0)
        let warped = try WarpedRaster(path: src, grid: target, options: options)
        let ours: [Float] = try warped.read(band: 1)
        let ref = try gdalwarp(src, grid: target, method: .nearest, options: options, folder: folder)
        assertSameValues(ours, ref, "nearest UTM33→UTM34")
        XCTAssertEqual(try warped.noData(band: 1), 0)
        XCTAssertEqual(try warped.dataType(band: 1), .uint16)
        // The nodata corner stays nodata and real values survive: nearest only copies values.
        let sourceValues = Set(try Raster.open(src).read(band: 1, as: UInt16.self))
        XCTAssertTrue(ours.allSatisfy { sourceValues.contains(UInt16($0)) })
        XCTAssertGreaterThan(ours.filter { $0 == 0 }.count, 0)
        XCTAssertGreaterThan(ours.filter { $0 != 0 }.count, target.width * target.height / 3)
    }

    /// With gdalwarp's default error threshold (0.125 px) the approximate transformer is
    /// evaluated per warp chunk, and a warped VRT's chunks are its blocks, not gdalwarp's; a
    /// pixel whose source position is within 1/8 pixel of an edge may pick the neighbour.
    func testNearestWithDefaultErrorThresholdIsAlmostIdentical() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(width: 400, height: 300), type: .uint16, noData: 0)
        let target = try targetGrid(for: src, crs: "EPSG:4326", resolution: 0.0003)
        let options = WarpOptions(resampling: .nearest)
        let ours: [Float] = try WarpedRaster(path: src, grid: target, options: options).read(band: 1)
        let ref = try gdalwarp(src, grid: target, method: .nearest, options: options, folder: folder)
        let differing = zip(ours, ref).filter { $0 != $1 }.count
        // GDAL 3.6: about 0.5 % of the pixels of this reprojection (680 of 150150).
        XCTAssertLessThanOrEqual(Double(differing), Double(ours.count) * 0.01, "\(differing) of \(ours.count) pixels differ")
        XCTAssertGreaterThan(ours.filter { $0 != 0 }.count, ours.count / 3)
    }

    /// Bilinear onto a geographic grid: within a tight tolerance of gdalwarp.
    func testBilinearToGeographicMatchesGdalwarp() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .float32, noData: -9999)
        let target = try targetGrid(for: src, crs: "EPSG:4326", resolution: 0.0004)
        let options = WarpOptions(resampling: .bilinear, errorThreshold: 0)
        let ours: [Float] = try WarpedRaster(path: src, grid: target, options: options).read(band: 1)
        let ref = try gdalwarp(src, grid: target, method: .bilinear, options: options, folder: folder)
        XCTAssertEqual(ours.count, ref.count)
        var worst: Float = 0
        for (a, b) in zip(ours, ref) {
            XCTAssertEqual(a == -9999, b == -9999, "nodata placement differs")
            if a != -9999 && b != -9999 { worst = max(worst, abs(a - b)) }
        }
        XCTAssertLessThan(worst, 0.01, "largest bilinear difference")
        XCTAssertGreaterThan(ours.filter { $0 != -9999 }.count, ours.count / 3)
    }

    /// Every method runs and agrees with gdalwarp (cubic, average and mode included), using the
    /// default error threshold, which both sides share through the same warper code.
    func testOtherMethodsMatchGdalwarp() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .int16, noData: -1)
        let target = try targetGrid(for: src, crs: "EPSG:32634", resolution: 90)
        for method in [Resampling.cubic, .average, .mode] {
            let options = WarpOptions(resampling: method, errorThreshold: 0)
            let ours: [Float] = try WarpedRaster(path: src, grid: target, options: options).read(band: 1)
            let ref = try gdalwarp(src, grid: target, method: method, options: options, folder: folder)
            let maxDiff = zip(ours, ref).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(maxDiff, 1, "\(method) differs from gdalwarp by \(maxDiff)")
        }
    }

    /// Block-by-block reads give the same pixels as one read of the whole grid.
    func testWindowReadsMatchWholeRead() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .float32)
        let target = try targetGrid(for: src, crs: "EPSG:32634", resolution: 25)
        let warped = try WarpedRaster(path: src, grid: target, options: WarpOptions(resampling: .bilinear))
        let whole: [Float] = try warped.read(band: 1)
        var assembled = [Float](repeating: .nan, count: whole.count)
        var buffer: [Float] = []
        for w in target.window.subdivided(tileWidth: 64, tileHeight: 48) {
            try warped.read(band: 1, window: w, into: &buffer)
            for r in 0..<w.height { for c in 0..<w.width { assembled[(w.row + r) * target.width + w.col + c] = buffer[r * w.width + c] } }
        }
        assertSameValues(assembled, whole, "tiles vs whole")
    }

    /// Per-band resampling: band 1 nearest (QA-like), band 2 bilinear; each equals gdalwarp on that band.
    func testPerBandResampling() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .float32, bands: 2)
        let target = try targetGrid(for: src, crs: "EPSG:32634", resolution: 40)
        let options = WarpOptions(resampling: .bilinear, bandResampling: [1: .nearest], errorThreshold: 0)
        let warped = try WarpedRaster(path: src, grid: target, options: options)
        XCTAssertEqual(warped.resamplings, [.nearest, .bilinear])
        XCTAssertEqual(warped.bandCount, 2)
        let band1 = folder.file("b1.tif"), band2 = folder.file("b2.tif")
        try Command.run("gdal_translate", ["-q", "-b", "1", src, band1])
        try Command.run("gdal_translate", ["-q", "-b", "2", src, band2])
        assertSameValues(try warped.read(band: 1), try gdalwarp(band1, grid: target, method: .nearest, options: options, folder: folder), "band 1 nearest")
        let ours2: [Float] = try warped.read(band: 2)
        let ref2 = try gdalwarp(band2, grid: target, method: .bilinear, options: options, folder: folder)
        XCTAssertLessThan(zip(ours2, ref2).map { abs($0 - $1) }.max() ?? 0, 0.01)
        // Only band 2 of the file, by itself.
        let only2 = try WarpedRaster(path: src, grid: target, options: WarpOptions(resampling: .bilinear, bands: [2], errorThreshold: 0))
        XCTAssertEqual(only2.bandCount, 1)
        XCTAssertEqual(try only2.read(band: 1, as: Float.self), ours2)
    }

    /// A Float32 target with NaN nodata, written to a tiled GeoTIFF and read back.
    func testWarpToGeoTIFFWithNaNNoData() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .uint16, noData: 0)
        try Raster.open(src, update: true).setDescription(band: 1, "red")
        let target = try targetGrid(for: src, crs: "EPSG:32634", resolution: 30)
        let options = WarpOptions(resampling: .bilinear, targetNoData: .nan, outputType: .float32)
        let warped = try WarpedRaster(path: src, grid: target, options: options)
        let out = folder.file("warped.tif")
        try warped.write(to: out)
        let back = try Raster.open(out)
        XCTAssertEqual(back.grid.width, target.width)
        XCTAssertEqual(try back.dataType(band: 1), .float32)
        XCTAssertTrue(try back.noData(band: 1)?.isNaN ?? false)
        XCTAssertEqual(try back.description(band: 1), "red")
        XCTAssertEqual(try back.blockSize().width, 512)
        let values: [Float] = try back.read(band: 1)
        assertSameValues(values, try warped.read(band: 1), "written vs read")
        XCTAssertTrue(values.contains { $0.isNaN }, "outside the source and the nodata corner are NaN")
        XCTAssertFalse(values.contains(0), "source nodata 0 must not be interpolated into values")
        XCTAssertEqual(folder.contents(), ["src.tif", "warped.tif"], "no temporary files left")
    }

    /// `Raster.warp(to:grid:)` writes the same pixels as reading the warped raster.
    func testRasterWarpToPath() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .int16, noData: -1)
        let target = try targetGrid(for: src, crs: "EPSG:32634", resolution: 60)
        let source = try Raster.open(src)
        try source.warp(to: folder.file("out.tif"), grid: target, options: WarpOptions(resampling: .average))
        let out = try Raster.open(folder.file("out.tif"))
        XCTAssertEqual(out.grid, Grid(crs: out.crs, transform: target.transform, width: target.width, height: target.height))
        XCTAssertEqual(try SpatialReference(out.crs).epsg, 32634)
        XCTAssertEqual(try out.noData(band: 1), -1)
        XCTAssertEqual(try out.read(band: 1, as: Int16.self),
                       try source.warped(to: target, options: WarpOptions(resampling: .average)).read(band: 1, as: Int16.self))
    }

    /// The source stays usable, and a warped raster can outlive the variable holding the source.
    func testWarpedRasterKeepsSourceAlive() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .float32)
        let grid = Fixtures.utmGrid()
        var warped: WarpedRaster? = try Raster.open(src).warped(to: grid)
        // Same grid, nearest: the identity.
        XCTAssertEqual(try warped?.read(band: 1, as: Float.self), try Raster.open(src).read(band: 1, as: Float.self))
        warped = nil
    }

    /// Int8 keeps its sign through a nearest warp; interpolating methods are refused (GDAL 3.6).
    func testInt8Source() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("s8.tif")
        let grid = Fixtures.utmGrid(width: 40, height: 30)
        let w = try GeoTIFFWriter(path: src, grid: grid, bandCount: 1, type: .int8)
        let values = (0..<(40 * 30)).map { Int8(truncatingIfNeeded: $0 % 200 - 100) }
        try w.write(band: 1, values)
        try w.finish()
        let warped = try WarpedRaster(path: src, grid: grid)
        XCTAssertEqual(try warped.dataType(band: 1), .int8)
        XCTAssertEqual(try warped.read(band: 1, as: Float.self), values.map(Float.init))
        XCTAssertThrowsError(try WarpedRaster(path: src, grid: grid, options: WarpOptions(resampling: .bilinear))) {
            XCTAssertTrue("\($0)".contains("Int8"), "\($0)")
        }
        let out = folder.file("copy.tif")
        try warped.write(to: out)
        XCTAssertEqual(try Raster.open(out).read(band: 1, as: Int8.self), values)
    }

    func testInvalidGridAndBandsThrow() throws {
        let folder = try TempFolder("warp")
        let src = folder.file("src.tif")
        try Fixtures.writePattern(src, grid: Fixtures.utmGrid(), type: .float32)
        var bad = Fixtures.utmGrid()
        bad.width = 0
        XCTAssertThrowsError(try WarpedRaster(path: src, grid: bad)) { XCTAssertEqual(($0 as? GeoIOError)?.kind, .invalidArgument) }
        XCTAssertThrowsError(try WarpedRaster(path: src, grid: Fixtures.utmGrid(), options: WarpOptions(bands: [3]))) {
            XCTAssertTrue("\($0)".contains("src.tif"))
        }
        let warped = try WarpedRaster(path: src, grid: Fixtures.utmGrid())
        XCTAssertThrowsError(try warped.read(band: 2, as: Float.self))
        XCTAssertThrowsError(try warped.read(band: 1, window: Window(col: 190, row: 0, width: 20, height: 5), as: Float.self))
    }

    /// A target grid in `crs` covering the source's footprint (centre part), aligned to `resolution`.
    private func targetGrid(for source: String, crs: String, resolution: Double) throws -> Grid {
        let g = try Raster.open(source).grid
        let t = try CoordinateTransform(from: SpatialReference(g.crs), to: SpatialReference(crs))
        let b = g.bounds
        var xs = [b.minX, b.maxX, b.minX, b.maxX], ys = [b.minY, b.minY, b.maxY, b.maxY]
        try t.transform(x: &xs, y: &ys)
        let minX = ((xs.min() ?? 0) / resolution).rounded(.down) * resolution
        let maxY = ((ys.max() ?? 0) / resolution).rounded(.up) * resolution
        return Grid(crs: crs, minX: minX, minY: ys.min() ?? 0, maxX: xs.max() ?? 0, maxY: maxY,
                    resolutionX: resolution, resolutionY: resolution)
    }
}
