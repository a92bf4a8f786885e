import Foundation
import GeoIO
import Samples
import TestSupport
import XCTest

/// `sitscube segments` (seed 004 §III): tiles, their rasterized and dilated line masks, and the
/// dataset files, checked against gdal_rasterize plus a naive dilation in numpy.
final class SegmentsTests: XCTestCase {
    /// Lines on the 40×30 synthetic cube: a diagonal, a horizontal line that starts outside
    /// the cube (its dilation reaches in), a vertical one, and one with road = 0 (not burnt).
    func writeRoads(_ cube: SyntheticCube, to path: String) throws {
        func line(_ pts: [(Double, Double)], road: Int64, id: Int64) -> Feature {
            Feature(id: id, geometry: .lineString(pts.map { p in
                let w = cube.world(col: 0, row: 0, dx: p.0, dy: p.1)
                return Point(x: w.x, y: w.y)
            }), attributes: ["road": .int(road)])
        }
        let features = [
            line([(2.5, 1.5), (30.5, 25.5)], road: 1, id: 1),
            line([(-3, 12.5), (20.5, 12.5)], road: 2, id: 2),
            line([(37.5, 20.2), (37.5, 28.7)], road: 1, id: 3),
            line([(5.5, 27.5), (20.5, 27.5)], road: 0, id: 4),
        ]
        try VectorWriter.write(path: path, format: .geoPackage, crs: SyntheticCube.crs, layerName: "roads",
                               fields: [FieldDefinition("road", .integer)], features: features)
    }

    func testTilesMasksAndFilesMatchGDALAndNumpy() throws {
        let tmp = try TempFolder("segments")
        let cube = try SyntheticCube(folder: tmp.file("cube"), times: 3, bands: 2, nanPixels: [[20, 30]])
        try writeRoads(cube, to: tmp.file("roads.gpkg"))
        let out = tmp.file("ds")
        let r = try SitscubeBinary.run(["segments", cube.folder, "--labels", tmp.file("roads.gpkg"), "--field", "road",
                                        "--dilate", "2", "--size", "16", "--stride", "8", "--times", "2002-H1,2000-H1",
                                        "--seed", "7", "--folds", "0", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)

        // The reference mask: gdal_rasterize on the cube grid grown by the radius, raw bytes.
        let m = 2, pixel = SyntheticCube.pixel
        let minX = SyntheticCube.originX - Double(m) * pixel, maxY = SyntheticCube.originY + Double(m) * pixel
        let maxX = SyntheticCube.originX + Double(cube.width + m) * pixel, minY = SyntheticCube.originY - Double(cube.height + m) * pixel
        let g = try Command.run("gdal_rasterize", ["-q", "-burn", "1", "-where", "road <> 0", "-ot", "Byte", "-of", "ENVI",
                                                  "-te", "\(minX)", "\(minY)", "\(maxX)", "\(maxY)", "-tr", "\(pixel)", "\(pixel)",
                                                  tmp.file("roads.gpkg"), tmp.file("ref.bin")], allowFailure: true)
        XCTAssertEqual(g.status, 0, g.stderr)

        // numpy: naive dilation, tiles (rows 0, 8 × cols 0, 8, 16, 24, less the two at row 8
        // that hold the NaN pixel (20, 30)), x values, y, splits, statistics. The tile at
        // row 0, col 24 lies more than 2 pixels from every line: y = 0 there.
        let script = """
        import json, sys, numpy as np
        out, ref, W, H, m = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        full = np.fromfile(ref, dtype=np.uint8).reshape(H + 2 * m, W + 2 * m)
        dil = np.zeros_like(full)
        for y in range(full.shape[0]):
            for x in range(full.shape[1]):
                dil[y, x] = full[max(0, y - m):y + m + 1, max(0, x - m):x + m + 1].max()
        X, L, Y = np.load(out + '/x.npy'), np.load(out + '/labels.npy'), np.load(out + '/y.npy')
        rows = [l.strip().split(',') for l in open(out + '/samples.csv')][1:]
        tiles = [(r, c) for r in (0, 8) for c in (0, 8, 16, 24) if not (r <= 20 < r + 16 and c <= 30 < c + 16)]
        assert [(int(s[5]), int(s[6])) for s in rows] == tiles, rows
        assert X.shape == (len(tiles), 2, 2, 16, 16) and X.dtype == np.float32, X.shape
        assert L.shape == (len(tiles), 16, 16) and L.dtype == np.uint8 and Y.dtype == np.int32
        for i, (r, c) in enumerate(tiles):
            want = dil[r + m:r + m + 16, c + m:c + m + 16]
            assert (L[i] == want).all(), (i, r, c, np.argwhere(L[i] != want))
            assert Y[i] == int(want.any()) and int(rows[i][1]) == Y[i]
            for t, src in enumerate((2, 0)):
                for b in range(2):
                    rr, cc = np.meshgrid(np.arange(r, r + 16), np.arange(c, c + 16), indexing='ij')
                    assert (X[i, t, b] == src * 100000 + b * 10000 + rr * 100 + cc).all()
            # centre of the tile (an even size: the corner between its four middle pixels)
            assert abs(float(rows[i][3]) - (500000 + (c + 8) * 30)) < 1e-6 and abs(float(rows[i][4]) - (9700000 - (r + 8) * 30)) < 1e-6
        assert len(tiles) == 6 and Y[tiles.index((0, 24))] == 0 and Y.sum() == 5
        man = json.load(open(out + '/dataset.json'))
        assert man['kind'] == 'segments' and man['times'] == ['2002-H1', '2000-H1'] and man['shape'] == [len(tiles), 2, 2, 16, 16]
        assert man['arrays']['labels'] == {'file': 'labels.npy', 'dtype': 'uint8', 'shape': [len(tiles), 16, 16]}
        assert man['settings']['dilate'] == 2 and man['settings']['stride'] == 8
        train = np.array([s[8] == 'train' for s in rows])
        assert train.any()
        vals = X[train].transpose(2, 0, 1, 3, 4).reshape(2, -1).astype(np.float64)
        norm = man['normalization']
        assert np.allclose(norm['mean'], vals.mean(axis=1), rtol=1e-9), (norm, vals.mean(axis=1))
        assert np.allclose(norm['std'], vals.std(axis=1), rtol=1e-6)
        print('ok', len(tiles), int(L.sum()), Y.tolist())
        """
        let p = try Command.python(script, [out, tmp.file("ref.bin"), "\(cube.width)", "\(cube.height)", "\(m)"])
        XCTAssertEqual(p.status, 0, p.stderr + p.stdout)
        XCTAssert(p.stdout.hasPrefix("ok"), p.stdout)
        print(p.stdout)

        // The same command again gives the same bytes.
        let nan = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/dataset.json"))) as? [String: Any]
        XCTAssertEqual((nan?["skipped"] as? [String: Int])?["nan"], 2)
        let again = try SitscubeBinary.run(["segments", cube.folder, "--labels", tmp.file("roads.gpkg"), "--field", "road",
                                            "--dilate", "2", "--size", "16", "--stride", "8", "--times", "2002-H1,2000-H1",
                                            "--seed", "7", "--folds", "0", "-o", tmp.file("ds2")])
        XCTAssertEqual(again.status, 0, again.stderr)
        for f in ["x.npy", "labels.npy", "y.npy", "samples.csv"] {
            XCTAssertEqual(FileManager.default.contents(atPath: out + "/" + f), FileManager.default.contents(atPath: tmp.file("ds2/" + f)), f)
        }
    }

    /// End to end on a cube of the sample archive: roads drawn in the cube's CRS, 32-pixel tiles;
    /// x.npy equals the cube's GeoTIFF windows as gdal_translate cuts them, the masks equal
    /// gdal_rasterize's with a numpy dilation, and `dataset info` reads the folder.
    func testSampleArchiveCubeEndToEnd() throws {
        let archive = try SampleArchiveFixture.path()
        let tmp = try TempFolder("segments-sample")
        let cube = tmp.file("cube")
        let c = try SitscubeBinary.run(["cube", archive, "-o", cube, "--sensor", "landsat", "--from", "2000-01-01", "--to", "2001-12-31",
                                        "--threads", "2"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let source = try CubeSource(folder: cube)
        let grid = source.grid, t = grid.transform
        func world(_ col: Double, _ row: Double) -> Point { Point(x: t.originX + col * t.pixelWidth, y: t.originY + row * t.pixelHeight) }
        let roads = [Feature(id: 1, geometry: .lineString([world(3.5, 60.2), world(61.3, 4.7)]), attributes: [:]),
                     Feature(id: 2, geometry: .multiLineString([[world(10.5, 0), world(10.5, 64)], [world(40, 50.5), world(64, 50.5)]]), attributes: [:])]
        try VectorWriter.write(path: tmp.file("roads.gpkg"), format: .geoPackage, crs: grid.crs, layerName: "roads", fields: [], features: roads)
        let out = tmp.file("ds")
        let r = try SitscubeBinary.run(["segments", cube, "--labels", tmp.file("roads.gpkg"), "--dilate", "1", "--size", "32",
                                        "--keep-nan", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let info = try SitscubeBinary.run(["dataset", "info", out])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssert(info.stdout.contains("segments"), info.stdout)

        let T = source.timeCount, C = source.bandCount, W = grid.width, H = grid.height
        let res = grid.resolution
        let g = try Command.run("gdal_rasterize", ["-q", "-burn", "1", "-ot", "Byte", "-of", "ENVI",
                                                  "-te", "\(t.originX - res.x)", "\(t.originY - Double(H + 1) * res.y)",
                                                  "\(t.originX + Double(W + 1) * res.x)", "\(t.originY + res.y)",
                                                  "-tr", "\(res.x)", "\(res.y)", tmp.file("roads.gpkg"), tmp.file("ref.bin")], allowFailure: true)
        XCTAssertEqual(g.status, 0, g.stderr)
        var planes: [String] = []
        for (i, time) in source.manifest.times.enumerated() {
            let p = tmp.file("t\(i).bin")
            let tr = try Command.run("gdal_translate", ["-q", "-of", "ENVI", "-ot", "Float32", cube + "/" + time.file, p], allowFailure: true)
            XCTAssertEqual(tr.status, 0, tr.stderr)
            planes.append(p)
        }
        let script = """
        import sys, numpy as np
        out, ref, W, H, T, C = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
        files = sys.argv[7:]
        full = np.fromfile(ref, dtype=np.uint8).reshape(H + 2, W + 2)
        dil = np.zeros_like(full)
        for y in range(H + 2):
            for x in range(W + 2):
                dil[y, x] = full[max(0, y - 1):y + 2, max(0, x - 1):x + 2].max()
        cube = np.stack([np.fromfile(f, dtype=np.float32).reshape(C, H, W) for f in files])  # ENVI BSQ
        X, L, Y = np.load(out + '/x.npy'), np.load(out + '/labels.npy'), np.load(out + '/y.npy')
        tiles = [(r, c) for r in range(0, H - 31, 32) for c in range(0, W - 31, 32)]
        assert X.shape == (len(tiles), T, C, 32, 32), X.shape
        for i, (r, c) in enumerate(tiles):
            assert np.array_equal(X[i], cube[:, :, r:r + 32, c:c + 32], equal_nan=True), (r, c)
            assert (L[i] == dil[r + 1:r + 33, c + 1:c + 33]).all(), (r, c)
            assert Y[i] == int(L[i].any())
        print('ok', len(tiles), int(L.sum()))
        """
        let p = try Command.python(script, [out, tmp.file("ref.bin"), "\(W)", "\(H)", "\(T)", "\(C)"] + planes)
        XCTAssertEqual(p.status, 0, p.stderr + p.stdout)
        XCTAssert(p.stdout.hasPrefix("ok 4"), p.stdout)
    }

    /// A row may be appended in pieces (segments write 512×512 tiles plane by plane); a file
    /// left with half a row is refused at finish.
    func testNpyRowsInPieces() throws {
        let tmp = try TempFolder("npy-pieces")
        let w = try NpyWriter(path: tmp.file("a.npy"), type: .float32, rowShape: [2, 3])
        try w.append([Float](arrayLiteral: 0, 1, 2))
        XCTAssertEqual(w.rows, 0)
        try w.append([Float](arrayLiteral: 3, 4, 5, 6, 7, 8))
        XCTAssertEqual(w.rows, 1)
        try w.append([Float](arrayLiteral: 9, 10, 11))
        try w.finish()
        let r = try Command.python("import numpy as np, sys; a = np.load(sys.argv[1]); print(a.shape, a.ravel().tolist())", [tmp.file("a.npy")])
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                       "(2, 2, 3) [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]", r.stderr)
        let half = try NpyWriter(path: tmp.file("b.npy"), type: .float32, rowShape: [2, 3])
        try half.append([Float](arrayLiteral: 1, 2))
        XCTAssertThrowsError(try half.finish()) { e in XCTAssert("\(e)".contains("incomplete"), "\(e)") }
    }

    /// The square dilation on a hand-drawn case: one pixel in a corner and one in the middle.
    func testDilationByHand() {
        var mask = [UInt8](repeating: 0, count: 5 * 4)
        mask[0] = 1; mask[2 * 5 + 3] = 1
        let d = LineLabels.dilate(mask, width: 5, height: 4, radius: 1)
        let want: [UInt8] = [1, 1, 0, 0, 0,
                             1, 1, 1, 1, 1,
                             0, 0, 1, 1, 1,
                             0, 0, 1, 1, 1]
        XCTAssertEqual(d, want)
        XCTAssertEqual(LineLabels.dilate(mask, width: 5, height: 4, radius: 0), mask)
    }

    func testBadInputIsRefusedClearly() throws {
        let tmp = try TempFolder("segments-bad")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        try writeRoads(cube, to: tmp.file("roads.gpkg"))
        func fails(_ args: [String], _ words: [String]) throws {
            let r = try SitscubeBinary.run(["segments", cube.folder, "--labels", tmp.file("roads.gpkg"), "-o", tmp.file("out")] + args)
            XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
            for w in words { XCTAssert(r.stderr.contains(w), "\(args): \(r.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")))
        }
        try fails(["--size", "64"], ["--size", "40×30"])
        try fails(["--size", "8", "--field", "highway"], ["highway"])
        try fails(["--size", "8", "--times", "1999-H1"], ["1999-H1", "2000-H1"])
        try fails(["--size", "8", "--dilate", "-1"], ["--dilate"])
        try fails(["--size", "8", "--oversample"], ["--oversample"])
    }
}
