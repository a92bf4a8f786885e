import Foundation
import GeoIO
import Scenes
import TestSupport
import XCTest
@testable import Cube

/// End-to-end cube builds on real Landsat products (one of them reprojected by gdalwarp into
/// another UTM zone and resolution, so the engine has to warp it).
final class CubeBuildTests: XCTestCase {
    static let id = "LC08_L2SP_008059_20191201_20200825_02_T1"
    static let otherID = "LC08_L2SP_008059_20191217_20200825_02_T1"

    /// An archive of the real product and a copy warped to UTM 17N at 600 m.
    private func makeArchive() throws -> TempFolder {
        guard let source = RealData.path("landsat-c2l2-stactools/\(Self.id)") else { throw XCTSkip("real data missing") }
        let tmp = try TempFolder("cube")
        let a = tmp.path + "/archive"
        try FileManager.default.createDirectory(atPath: "\(a)/\(Self.id)", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(a)/\(Self.otherID)", withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: "\(source)/\(f)", toPath: "\(a)/\(Self.id)/\(f)")
            let renamed = "\(a)/\(Self.otherID)/\(f.replacingOccurrences(of: Self.id, with: Self.otherID))"
            if f.hasSuffix(".TIF") {
                let qa = f.contains("_QA_")
                try Command.run("gdalwarp", ["-q", "-t_srs", "EPSG:32617", "-tr", "600", "600", "-r", qa ? "near" : "bilinear",
                                             "-srcnodata", qa ? "None" : "0", "-dstnodata", qa ? "1" : "0", "\(source)/\(f)", renamed])
            } else {
                var text = try String(contentsOfFile: "\(source)/\(f)", encoding: .utf8)
                text = text.replacingOccurrences(of: Self.id, with: Self.otherID).replacingOccurrences(of: "2019-12-01", with: "2019-12-17")
                try text.write(toFile: renamed, atomically: true, encoding: .utf8)
            }
        }
        return tmp
    }

    private func build(_ archive: String, into out: String, block: Int, threads: Int, windows: WindowScheme = .scene,
                       fill: GapFill = .none, indices: [SpectralIndex] = [.ndvi]) throws -> CubeManifest {
        var filter = SceneFilter()
        filter.maxCloudCover = 100
        let catalog = try Catalog.scan(archive, filter: filter)
        XCTAssertEqual(catalog.scenes.count, 2, "\(catalog.skipped)")
        var settings = CubeSettings()
        settings.windows = windows
        settings.fill = fill
        settings.indices = indices
        settings.bands = [.red, .nir, .swir1]
        let grid = try GridSpec.nativeGrid(of: catalog.scenes[0])
        var run = CubeRunOptions()
        run.blockSize = block
        run.threads = threads
        return try CubeBuilder(scenes: catalog.scenes, grid: grid, settings: settings).build(into: out, run: run).manifest
    }

    private func files(_ folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for f in FileManager.default.enumerator(atPath: folder)?.compactMap({ $0 as? String }) ?? [] {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: "\(folder)/\(f)", isDirectory: &isDir)
            if !isDir.boolValue { result[f] = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(f)")) }
        }
        return result
    }

    func testBytesDoNotDependOnBlockSizeOrThreads() throws {
        let tmp = try makeArchive()
        _ = try build(tmp.path + "/archive", into: tmp.path + "/a", block: 64, threads: 1, windows: .year, fill: .linear)
        _ = try build(tmp.path + "/archive", into: tmp.path + "/b", block: 4096, threads: 2, windows: .year, fill: .linear)
        _ = try build(tmp.path + "/archive", into: tmp.path + "/c", block: 100, threads: 2, windows: .year, fill: .linear)
        let a = try files(tmp.path + "/a"), b = try files(tmp.path + "/b"), c = try files(tmp.path + "/c")
        XCTAssertEqual(Set(a.keys), ["2019.tif", "counts/2019.tif", "cube.json", "cube.vrt"])
        XCTAssertEqual(a, b, "block 64 on 1 thread vs block 4096 on 2 threads")
        XCTAssertEqual(a, c, "block 100 (not a divisor of the 512 tiles) on 2 threads")
    }

    func testASceneInAnotherCRSLandsOnTheGridAsGdalwarpPutsIt() throws {
        let tmp = try makeArchive()
        let out = tmp.path + "/cube"
        let manifest = try build(tmp.path + "/archive", into: out, block: 200, threads: 2)
        XCTAssertEqual(manifest.times.map(\.label), ["2019-12-01", "2019-12-17"])
        let grid = manifest.gridValue
        // The reference: gdalwarp of the reprojected scene onto the cube grid, like the engine.
        let b = grid.bounds
        let other = "\(tmp.path)/archive/\(Self.otherID)/\(Self.otherID)"
        func warp(_ band: String, _ method: String, _ nodata: String) throws -> [Float] {
            let dst = "\(tmp.path)/ref_\(band).tif"
            try Command.run("gdalwarp", ["-q", "-overwrite", "-t_srs", grid.crs, "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                                         "-ts", "\(grid.width)", "\(grid.height)", "-r", method, "-srcnodata", nodata,
                                         "-ot", "Float32", "-dstnodata", "nan", "\(other)_\(band).TIF", dst])
            return try Raster.open(dst).read(band: 1, as: Float.self)
        }
        let red = try warp("SR_B4", "bilinear", "0"), qa = try warp("QA_PIXEL", "near", "None")
        let cube = try Raster.open(out + "/2019-12-17.tif")
        XCTAssertEqual(try cube.description(band: 4), "ndvi")
        let cubeRed = try cube.read(band: 1, as: Float.self)
        var compared = 0
        for i in stride(from: 0, to: red.count, by: 7) where !qa[i].isNaN {
            let code = UInt16(qa[i])
            let usable = code & 0b1_1111 == 0 && red[i] >= 7273 && red[i] <= 43636
            if usable {
                XCTAssertEqual(cubeRed[i], red[i] * 2.75e-5 - 0.2, accuracy: 2e-6, "pixel \(i)")
                compared += 1
            } else if code & 0b1_1111 != 0 {
                XCTAssertTrue(cubeRed[i].isNaN, "pixel \(i) has QA \(code)")
            }
        }
        XCTAssertGreaterThan(compared, 500)
    }

    func testManifestGdalAndNumpyAgree() throws {
        let tmp = try makeArchive()
        let out = tmp.path + "/cube"
        _ = try build(tmp.path + "/archive", into: out, block: 256, threads: 2, windows: .halfYear, fill: .linear, indices: [.ndvi, .ndmi])
        // cube.json as DESIGN.md §3 gives it, read as plain JSON.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cube.json"))) as? [String: Any]
        XCTAssertEqual(json?["format"] as? String, "sitscube-cube/1")
        XCTAssertEqual(json?["bands"] as? [String], ["red", "nir", "swir1", "ndvi", "ndmi"])
        let grid = json?["grid"] as? [String: Any]
        XCTAssertEqual((grid?["geotransform"] as? [Double])?.count, 6)
        XCTAssertNotNil(grid?["crs"] as? String)
        let times = json?["times"] as? [[String: String]] ?? []
        XCTAssertEqual(times.map { $0["label"] ?? "" }, ["2019-H1", "2019-H2"])
        XCTAssertEqual(times.last?["start"], "2019-07-01")
        XCTAssertEqual(times.last?["end"], "2019-12-31")
        let provenance = json?["provenance"] as? [String: Any]
        XCTAssertEqual(provenance?["reducer"] as? String, "median")
        XCTAssertEqual(provenance?["empty_windows"] as? [String], ["2019-H1"])

        // gdalinfo opens every step, the counts and the VRT, with the band names.
        for t in times {
            let info = try Command.gdalinfo("\(out)/\(t["file"] ?? "")")
            let bands = info["bands"] as? [[String: Any]] ?? []
            XCTAssertEqual(bands.map { $0["description"] as? String ?? "" }, ["red", "nir", "swir1", "ndvi", "ndmi"])
            XCTAssertEqual((info["metadata"] as? [String: Any]).flatMap { ($0["IMAGE_STRUCTURE"] as? [String: String])?["COMPRESSION"] }, "DEFLATE")
            _ = try Command.gdalinfo("\(out)/counts/\(t["file"] ?? "")")
        }
        let vrt = try Command.gdalinfo(out + "/cube.vrt")
        XCTAssertEqual((vrt["bands"] as? [Any])?.count, 10)

        // H1 has no scene: linear fill with nearest ends copies H2 into it.
        let h1 = try Raster.open(out + "/2019-H1.tif").read(band: 5, as: Float.self)
        let h2 = try Raster.open(out + "/2019-H2.tif").read(band: 5, as: Float.self)
        XCTAssertEqual(h1.map(\.bitPattern), h2.map(\.bitPattern))

        // numpy through GDAL's Python bindings, when Debian's python3-gdal is installed.
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python),
              (try? Command.run(python, ["-c", "from osgeo import gdal; import numpy"], allowFailure: true).status) == 0
        else { throw XCTSkip("python3-gdal not installed") }
        let script = """
            import sys; from osgeo import gdal; import numpy as np
            a = gdal.Open(sys.argv[1]).ReadAsArray()
            print(a.shape[0], a.shape[1], a.shape[2], int(np.isnan(a).sum()), repr(float(np.nansum(a[3].astype(np.float64)))))
            """
        let r = try Command.run(python, ["-c", script, out + "/2019-H2.tif"])
        let fields = r.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        let ndvi = try Raster.open(out + "/2019-H2.tif").read(band: 4, as: Float.self)
        XCTAssertEqual(Array(fields.prefix(3)), ["5", "512", "512"])
        var nanCount = 0
        for b in 1...5 { nanCount += try Raster.open(out + "/2019-H2.tif").read(band: b, as: Float.self).filter(\.isNaN).count }
        XCTAssertEqual(Int(fields[3]), nanCount)
        XCTAssertEqual(Double(fields[4]) ?? .nan, ndvi.filter { !$0.isNaN }.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-6)
    }

    func testRerunWithSameSettingsIsUpToDate() throws {
        let tmp = try makeArchive()
        let first = try SitscubeBinary.run(["cube", tmp.path + "/archive", "-o", tmp.path + "/cube", "--max-cloud", "100", "--bands", "red,nir,swir1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let again = try SitscubeBinary.run(["cube", tmp.path + "/archive", "-o", tmp.path + "/cube", "--max-cloud", "100", "--bands", "red,nir,swir1"])
        XCTAssertTrue(again.stdout.contains("up to date"), again.stdout)
    }

    func testBadArchives() throws {
        let tmp = try makeArchive()
        // A truncated band: the cube is built from the other scene and the bad one is named.
        let bad = "\(tmp.path)/archive/\(Self.otherID)/\(Self.otherID)_SR_B5.TIF"
        let data = try Data(contentsOf: URL(fileURLWithPath: bad))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: bad))
        let r = try SitscubeBinary.run(["cube", tmp.path + "/archive", "-o", tmp.path + "/cube", "--max-cloud", "100"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains(Self.otherID) && r.stderr.contains("SR_B5"), r.stderr)
        XCTAssertEqual(try CubeManifest.read(from: tmp.path + "/cube").provenance.scenes, [Self.id])

        try FileManager.default.createDirectory(atPath: tmp.path + "/empty", withIntermediateDirectories: true)
        let empty = try SitscubeBinary.run(["cube", tmp.path + "/empty", "-o", tmp.path + "/cube2"])
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("no usable scenes"), empty.stderr)
        let filtered = try SitscubeBinary.run(["cube", tmp.path + "/archive", "-o", tmp.path + "/cube3", "--from", "2021-01-01"])
        XCTAssertNotEqual(filtered.status, 0)
        XCTAssertTrue(filtered.stderr.contains("no usable scenes after the filters"), filtered.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.path + "/cube3/cube.json"))
    }
}
