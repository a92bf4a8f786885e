import Foundation
import GeoIO
import TestSupport
import XCTest
@testable import Scenes

/// Masked scenes against plain loops over the raw DNs and QA values.
final class MaskingTests: XCTestCase {
    func testRealLandsatMaskMatchesANaiveLoop() throws {
        let id = "LC08_L2SP_008059_20191201_20200825_02_T1"
        guard let folder = RealData.path("landsat-c2l2-stactools/\(id)") else { throw XCTSkip("real data missing") }
        let tmp = try TempFolder("mask")
        let out = tmp.path + "/masked.tif"
        let scene = try Catalog.scene(at: folder)
        let result = try MaskedSceneWriter.write(scene, to: out, bands: [.red, .nir, .thermal], threads: 2)

        let qa = try Raster.open("\(folder)/\(id)_QA_PIXEL.TIF").read(band: 1, as: UInt16.self)
        let red = try Raster.open("\(folder)/\(id)_SR_B4.TIF").read(band: 1, as: UInt16.self)
        let nir = try Raster.open("\(folder)/\(id)_SR_B5.TIF").read(band: 1, as: UInt16.self)
        let st = try Raster.open("\(folder)/\(id)_ST_B10.TIF").read(band: 1, as: UInt16.self)
        let written = try Raster.open(out)
        XCTAssertEqual(try written.description(band: 1), "red")
        XCTAssertEqual(try written.description(band: 3), "thermal")
        let outRed = try written.read(band: 1, as: Float.self)
        let outThermal = try written.read(band: 3, as: Float.self)

        var maskedCount = 0
        for i in 0..<qa.count {
            // Bits 0–4: fill, dilated cloud, cirrus, cloud, shadow.
            let cloudy = qa[i] & 0b1_1111 != 0
            let srValid = { (dn: UInt16) in dn >= 7273 && dn <= 43636 }
            let valid = !cloudy && srValid(red[i]) && srValid(nir[i]) && st[i] != 0
            if !valid {
                maskedCount += 1
                XCTAssertTrue(outRed[i].isNaN, "pixel \(i): QA \(qa[i]), red DN \(red[i]) should be NaN")
                XCTAssertTrue(outThermal[i].isNaN)
            } else {
                XCTAssertEqual(Double(outRed[i]), Double(red[i]) * 2.75e-5 - 0.2, accuracy: 1e-6, "pixel \(i)")
                XCTAssertEqual(Double(outThermal[i]), Double(st[i]) * 0.00341802 + 149.0, accuracy: 1e-3, "pixel \(i)")
            }
            if i > 0, i % 50_000 == 0, testRun?.failureCount ?? 0 > 5 { break }
        }
        XCTAssertGreaterThan(maskedCount, 1000, "the scene is 81 % cloudy")
        XCTAssertEqual(result.maskedFraction, Double(maskedCount) / Double(qa.count), accuracy: 1e-9)
    }

    func testBufferMasksARingAroundClouds() throws {
        let id = "LC08_L2SP_008059_20191201_20200825_02_T1"
        guard let folder = RealData.path("landsat-c2l2-stactools/\(id)") else { throw XCTSkip("real data missing") }
        let scene = try Catalog.scene(at: folder)
        let grid = try GridSpec.nativeGrid(of: scene)
        let plain = MaskOptions()
        var buffered = MaskOptions()
        buffered.bufferPixels = 2
        var a: [Float] = [], b: [Float] = []
        // Two blocks that split the scene, so the halo crosses a block edge.
        let windows = grid.window.subdivided(tileWidth: 200, tileHeight: 512)
        let qa = try Raster.open(scene.quality.path).read(band: 1, as: UInt16.self)
        for w in windows {
            try SceneReader(scene: scene, grid: grid, bands: [.red], mask: plain).read(window: w, into: &a)
            try SceneReader(scene: scene, grid: grid, bands: [.red], mask: buffered).read(window: w, into: &b)
            for r in 0..<w.height {
                for c in 0..<w.width {
                    let i = r * w.width + c
                    if a[i].isNaN { XCTAssertTrue(b[i].isNaN, "buffering never unmasks") }
                    guard !b[i].isNaN else { continue }
                    // Unmasked after buffering ⇒ no cloud/shadow within the radius-2 disk (naive scan).
                    for dr in -2...2 { for dc in -2...2 where dr * dr + dc * dc <= 4 {
                        let rr = w.row + r + dr, cc = w.col + c + dc
                        guard rr >= 0, rr < grid.height, cc >= 0, cc < grid.width else { continue }
                        XCTAssertEqual(qa[rr * grid.width + cc] & 0b1_1110, 0, "cloud at (\(cc),\(rr)) within 2 px of a kept pixel")
                    } }
                }
            }
        }
    }

    /// SCL is 200 m and the 10 m-class bands 100 m in the decimated real scene: the mask must be
    /// SCL upsampled ×2 by nearest neighbour.
    func testSentinel2SCLMaskFollowsUpsampledSCL() throws {
        let dir = "s2-l2a-earthsearch-riotilerpds/sentinel-s2-l2a-cogs/29/R/KH/2020/2/S2A_29RKH_20200219_0_L2A"
        guard let folder = RealData.path(dir) else { throw XCTSkip("real data missing") }
        let scene = try Catalog.scene(at: folder)
        let grid = try GridSpec.nativeGrid(of: scene)
        let scl = try Raster.open("\(folder)/SCL.tif")
        XCTAssertEqual(grid.width, 2 * scl.width)
        let sclValues = try scl.read(band: 1, as: UInt8.self)
        let blue = try Raster.open("\(folder)/B02.tif").read(band: 1, as: UInt16.self)
        var values: [Float] = []
        try SceneReader(scene: scene, grid: grid, bands: [.blue, .swir1]).read(window: grid.window, into: &values)
        let n = grid.width * grid.height
        var maskedBySCL = 0
        for r in 0..<grid.height {
            for c in 0..<grid.width {
                let code = sclValues[(r / 2) * scl.width + c / 2]
                let i = r * grid.width + c
                if [0, 1, 3, 8, 9, 10].contains(code) {
                    maskedBySCL += 1
                    XCTAssertTrue(values[i].isNaN && values[n + i].isNaN, "SCL \(code) at (\(c),\(r))")
                } else if blue[i] != 0 {
                    XCTAssertEqual(values[i], Float(blue[i]) / 10000, accuracy: 1e-7, "(\(c),\(r))")
                }
            }
        }
        XCTAssertGreaterThan(maskedBySCL, 0, "the scene has cirrus (SCL 10)")
    }
}
