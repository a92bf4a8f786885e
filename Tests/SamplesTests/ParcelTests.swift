import Foundation
import GeoIO
import Samples
import TestSupport
import XCTest

/// Parcel crops: the mask against `gdal_rasterize`, zeros outside, features against a naive
/// computation, and the resize of a parcel larger than the crop.
final class ParcelTests: XCTestCase {
    func testMaskZerosFeaturesAndResize() throws {
        let tmp = try TempFolder("parcels")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        func ring(_ corners: [(Double, Double)]) -> [(Double, Double)] {
            corners.map { cube.world(col: 0, row: 0, dx: $0.0, dy: $0.1) }
        }
        // 1: an axis-aligned rectangle of 8×8 pixel centres (edges off the pixel borders);
        // 2: an L of the same 8×8 bounding box; 3: 16×16 pixels, shrunk to 8×8;
        // 4: runs off the right edge of the cube, so it is skipped.
        let parcels: [(id: Int, code: Int, ring: [(Double, Double)])] = [
            (1, 10, ring([(5.3, 4.2), (13.4, 4.2), (13.4, 12.4), (5.3, 12.4)])),
            (2, 20, ring([(20.2, 5.1), (23.8, 5.1), (23.8, 8.9), (27.7, 8.9), (27.7, 12.8), (20.2, 12.8)])),
            (3, 10, ring([(2.1, 14.1), (17.9, 14.1), (17.9, 29.9), (2.1, 29.9)])),
            (4, 20, ring([(35.5, 20.5), (44.5, 20.5), (44.5, 25.5), (35.5, 25.5)])),
        ]
        try LabelFile.polygons(parcels, to: tmp.file("parcels.geojson"))
        let r = try SitscubeBinary.run(["parcels", cube.folder, "--parcels", tmp.file("parcels.geojson"), "--field", "crop",
                                        "--group-field", "id", "--size", "8", "--split", "100,0,0", "-o", tmp.file("ds")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let manifest = try DatasetManifest.read(from: tmp.file("ds"))
        XCTAssertEqual(manifest.skipped, ["partly_outside": 1])
        XCTAssertEqual(manifest.shape, [3, 3, 2, 8, 8])

        let rows = try readSamplesCSV(tmp.file("ds/samples.csv"))
        let x: [Float] = try NpyReader(path: tmp.file("ds/x.npy")).readAll()
        let masks: [UInt8] = try NpyReader(path: tmp.file("ds/mask.npy")).readAll()
        let features: [Float] = try NpyReader(path: tmp.file("ds/features.npy")).readAll()
        let T = 3, C = 2, S = 8
        let b = cube.grid.bounds

        for (n, row) in rows.enumerated() {
            let id = Int(row["group"] ?? "") ?? 0
            let mask = Array(masks[n * S * S..<(n + 1) * S * S])
            let crop = Array(x[n * T * C * S * S..<(n + 1) * T * C * S * S])
            // Outside the parcel every value is 0.
            for plane in 0..<(T * C) { for i in 0..<(S * S) where mask[i] == 0 { XCTAssertEqual(crop[plane * S * S + i], 0, "parcel \(id)") } }

            // gdal_rasterize of this polygon alone on the whole cube grid, cut to its bounding box.
            let burnt = tmp.file("burn\(id).tif")
            try Command.run("gdal_rasterize", ["-q", "-burn", "1", "-ot", "Byte", "-where", "id = \(id)", "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                                               "-ts", "\(cube.width)", "\(cube.height)", tmp.file("parcels.geojson"), burnt])
            let full: [UInt8] = try Raster.open(burnt).read(band: 1)
            let inside = full.indices.filter { full[$0] != 0 }.map { (row: $0 / cube.width, col: $0 % cube.width) }
            let r0 = inside.map(\.row).min() ?? 0, r1 = inside.map(\.row).max() ?? 0
            let c0 = inside.map(\.col).min() ?? 0, c1 = inside.map(\.col).max() ?? 0
            if id == 1 || id == 2 {
                XCTAssertEqual([r1 - r0 + 1, c1 - c0 + 1], [8, 8], "parcel \(id) bounding box")
                var expected = [UInt8](repeating: 0, count: S * S)
                for p in inside { expected[(p.row - r0) * S + p.col - c0] = 1 }
                XCTAssertEqual(mask, expected, "parcel \(id): mask.npy vs gdal_rasterize")
                // No resizing: inside values are the cube's own.
                for t in 0..<T { for c in 0..<C { for p in inside {
                    XCTAssertEqual(crop[((t * C + c) * S + p.row - r0) * S + p.col - c0], SyntheticCube.value(t, c, p.row, p.col))
                } } }
            } else {
                // 16×16 → 8×8 by area averaging: each output is the mean of a 2×2 block, which for
                // this linear field is the value at the block's centre.
                XCTAssertEqual(mask, [UInt8](repeating: 1, count: S * S))
                for t in 0..<T { for c in 0..<C { for o in 0..<S { for q in 0..<S {
                    let expected = Double(t * 100_000 + c * 10_000) + (Double(r0 + 2 * o) + 0.5) * 100 + Double(c0 + 2 * q) + 0.5
                    XCTAssertEqual(Double(crop[((t * C + c) * S + o) * S + q]), expected, accuracy: 0.1)
                } } } }
            }
            // Features: per date, mean then std of each band over the parcel's own pixels.
            for t in 0..<T {
                for c in 0..<C {
                    let v = inside.map { Double(SyntheticCube.value(t, c, $0.row, $0.col)) }
                    let mean = v.reduce(0, +) / Double(v.count)
                    let std = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
                    XCTAssertEqual(Double(features[(n * T + t) * 2 * C + c]), mean, accuracy: max(1, abs(mean)) * 1e-6)
                    XCTAssertEqual(Double(features[(n * T + t) * 2 * C + C + c]), std, accuracy: 1e-3)
                }
            }
        }
        // Per-date, per-band statistics over the train parcels' inside pixels.
        XCTAssertEqual(manifest.normalization.scope, "date_band")
        XCTAssertEqual(manifest.normalization.mean.count, T)
        XCTAssertEqual(manifest.normalization.count[0][0], masks.filter { $0 != 0 }.count)
    }

    func testGrowingKeepsOutsideFromBleeding() {
        // A 2×2 crop whose right column is outside, grown to 4×4: inside outputs must equal the
        // inside values (a linear mix with the outside 0 would lower them).
        let resize = MaskedResize(width: 2, height: 2, size: 4)
        let (mask, weight) = resize.mask([1, 0, 1, 0])
        let plane: [Float] = [5, 0, 7, 0]
        var out = [Float](repeating: -1, count: 16), scratch: [Float] = []
        plane.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                resize.values(p.baseAddress!, weight: weight, outMask: mask, into: o.baseAddress!, scratch: &scratch)
            }
        }
        XCTAssertEqual(mask, [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0])
        for r in 0..<4 {
            let expected: Float = r == 0 ? 5 : r == 3 ? 7 : r == 1 ? 5.5 : 6.5
            XCTAssertEqual(out[r * 4], expected, accuracy: 1e-5)
            XCTAssertEqual(out[r * 4 + 1], expected, accuracy: 1e-5)
            XCTAssertEqual(out[r * 4 + 2], 0)
        }
    }
}
