import Foundation
import GeoIO
import Samples
import TestSupport
import XCTest

/// Patch windows equal plain slices of the cube array at known offsets: inside, across block
/// borders, and at the cube border with each pad mode; and the NaN policy.
final class PatchWindowTests: XCTestCase {
    /// Every pixel of a 40×30 cube, some near the border, sampled with small blocks.
    func sample(_ cube: SyntheticCube, pixels: [(Int, Int)], size: Int, pad: PadMode, keepNaN: Bool = false,
                block: Int? = 8) throws -> (records: [SampleRecord], skipped: SkipCounts, values: [Float]) {
        let tmp = try TempFolder("patch-window")
        let source = try CubeSource(folder: cube.folder)
        let labels = pixels.enumerated().map { i, p in
            PixelLabel(col: p.0, row: p.1, x: 0, y: 0, code: 1, group: "\(i)")
        }
        let writer = try NpyWriter(path: tmp.file("x.npy"), type: .float32, rowShape: [cube.times, cube.bands, size, size])
        let settings = PatchSettings(size: size, pad: pad, keepNaN: keepNaN, threads: 2, blockSize: block)
        let (records, skipped) = try PatchSampler.run(cube: source, labels: labels, settings: settings, writer: writer)
        try writer.finish()
        return (records, skipped, try NpyReader(path: tmp.file("x.npy")).readAll())
    }

    /// The expected window from the closed form; `mirror` is NumPy's `reflect` written out for
    /// one reflection: -i before the start, 2(n-1)-i past the end.
    func expected(_ cube: SyntheticCube, col: Int, row: Int, size: Int, pad: PadMode) -> [Float] {
        let h = size / 2
        func mirror(_ i: Int, _ n: Int) -> Int? {
            if i < 0 { return pad == .reflect ? -i : nil }
            if i >= n { return pad == .reflect ? 2 * (n - 1) - i : nil }
            return i
        }
        var out: [Float] = []
        for t in 0..<cube.times {
            for c in 0..<cube.bands {
                for dy in -h...h {
                    for dx in -h...h {
                        if let r = mirror(row + dy, cube.height), let cc = mirror(col + dx, cube.width) {
                            out.append(cube.value(t, c, r, cc))
                        } else {
                            out.append(.nan)
                        }
                    }
                }
            }
        }
        return out
    }

    func assertSame(_ a: ArraySlice<Float>, _ b: [Float], _ message: String) {
        XCTAssertEqual(a.count, b.count, message)
        for (u, v) in zip(a, b) where !(u == v || (u.isNaN && v.isNaN)) {
            XCTFail("\(message): \(u) ≠ \(v)")
            return
        }
    }

    func testInteriorAndBorderWindowsMatchSlicesForEveryPadMode() throws {
        let tmp = try TempFolder("patch-window-cube")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        // Corners, edges, pixels on block borders (8), and plain interior ones.
        let pixels = [(0, 0), (39, 29), (0, 29), (39, 0), (1, 15), (38, 14), (20, 0), (20, 28),
                      (7, 7), (8, 8), (15, 16), (23, 9), (31, 24), (12, 3)]
        let size = 7, h = 3, per = cube.times * cube.bands * size * size
        for pad in PadMode.allCases {
            for block in [8, nil] as [Int?] {
                let (records, skipped, values) = try sample(cube, pixels: pixels, size: size, pad: pad, block: block)
                let inside = pixels.filter { $0.0 >= h && $0.1 >= h && $0.0 + h < cube.width && $0.1 + h < cube.height }
                XCTAssertEqual(records.count, pad == .skip ? inside.count : pixels.count, "\(pad)")
                XCTAssertEqual(skipped[.border], pad == .skip ? pixels.count - inside.count : 0, "\(pad)")
                for (n, r) in records.enumerated() {
                    assertSame(values[n * per..<(n + 1) * per], expected(cube, col: r.col, row: r.row, size: size, pad: pad),
                               "\(pad), block \(block.map(String.init) ?? "tile"), pixel (\(r.col), \(r.row))")
                }
            }
        }
    }

    func testEveryPixelThroughCarriedBands() throws {
        // Every pixel, bands of 8 rows and strips of 8 columns: windows take their upper rows from
        // the band above (the carry) and their left columns from the strip's overlap.
        let tmp = try TempFolder("patch-every")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        var pixels: [(Int, Int)] = []
        for r in 0..<cube.height { for c in 0..<cube.width where (r * 7 + c) % 3 != 0 { pixels.append((c, r)) } }
        let size = 5, per = cube.times * cube.bands * size * size
        for block in [8, 3] {
            let (records, _, values) = try sample(cube, pixels: pixels, size: size, pad: .reflect, block: block)
            XCTAssertEqual(records.count, pixels.count)
            for (n, r) in records.enumerated() {
                assertSame(values[n * per..<(n + 1) * per], expected(cube, col: r.col, row: r.row, size: size, pad: .reflect),
                           "block \(block), pixel (\(r.col), \(r.row))")
            }
        }
    }

    func testNaNWindowsAreSkippedUnlessKept() throws {
        let tmp = try TempFolder("patch-nan")
        let cube = try SyntheticCube(folder: tmp.file("cube"), nanPixels: [[10, 10]])
        let pixels = [(10, 10), (12, 12), (13, 10), (20, 20)]  // the NaN is in the first three 7×7 windows…
        let (records, skipped, _) = try sample(cube, pixels: pixels + [(14, 10)], size: 7, pad: .skip)
        XCTAssertEqual(skipped[.nan], 3)  // … (14, 10) is 4 columns away and keeps clear of it
        XCTAssertEqual(Set(records.map { [$0.col, $0.row] }), [[20, 20], [14, 10]])
        let kept = try sample(cube, pixels: pixels, size: 7, pad: .skip, keepNaN: true)
        XCTAssertEqual(kept.records.count, 4)
        XCTAssertEqual(kept.skipped[.nan], 0)
        // NaN padding alone does not count as NaN in the cube.
        let padded = try sample(cube, pixels: [(0, 0)], size: 7, pad: .nan)
        XCTAssertEqual(padded.records.count, 1)
    }

    func testEvenAndOversizedSizesAreRefused() throws {
        XCTAssertThrowsError(try PatchSettings(size: 8).validate()) { error in
            XCTAssertTrue("\(error)".contains("odd"), "\(error)")
        }
        XCTAssertNoThrow(try PatchSettings(size: 1).validate())
        XCTAssertThrowsError(try PatchSettings(size: 0).validate())
    }
}
