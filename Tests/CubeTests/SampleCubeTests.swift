import Foundation
import GeoIO
import Scenes
import TestSupport
import XCTest
@testable import Cube

/// A cube of the sample archive against a whole-array computation written out plainly:
/// raw DNs and QA bits → reflectance → per-window sorted medians → NDVI/NDMI → linear fill.
final class SampleCubeTests: XCTestCase {
    func testLandsatCubeEqualsANaiveWholeArrayComputation() throws {
        let archive = try SampleArchiveFixture.path()
        let tmp = try TempFolder("samplecube")
        let r = try SitscubeBinary.run(["cube", archive, "-o", tmp.path + "/cube", "--sensor", "landsat",
                                        "--from", "2000-01-01", "--to", "2005-12-31", "--block", "40", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let manifest = try CubeManifest.read(from: tmp.path + "/cube")
        XCTAssertEqual(manifest.bands, ["blue", "green", "red", "nir", "swir1", "swir2", "thermal", "ndvi", "ndmi"])
        XCTAssertEqual(manifest.times.count, 12)

        // The naive route: every Landsat 5/7 scene of 2000–2005, read whole.
        let folders = try FileManager.default.contentsOfDirectory(atPath: archive + "/landsat").sorted()
            .filter { !$0.hasPrefix("LC08") && !$0.hasPrefix(".") }
        let suffixes = ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7", "ST_B6"]
        let n = manifest.grid.width * manifest.grid.height
        let steps = 12, bands = 7
        // observations[t][band] = list of per-scene planes
        var observations = [[[[Float]]]](repeating: [[[Float]]](repeating: [], count: bands), count: steps)
        var used = 0
        for id in folders {
            let mtl = try String(contentsOfFile: "\(archive)/landsat/\(id)/\(id)_MTL.txt", encoding: .utf8)
            guard let cloud = mtl.firstMatch(of: #/CLOUD_COVER = ([0-9.]+)/#).flatMap({ Double($0.1) }), cloud <= 50 else { continue }
            let date = String(id.split(separator: "_")[3])
            let year = Int(date.prefix(4)) ?? 0, month = Int(date.dropFirst(4).prefix(2)) ?? 0
            let t = (year - 2000) * 2 + (month <= 6 ? 0 : 1)
            let qa = try Raster.open("\(archive)/landsat/\(id)/\(id)_QA_PIXEL.TIF").read(band: 1, as: UInt16.self)
            var planes: [[Float]] = []
            var valid = [Bool](repeating: true, count: n)
            for (b, suffix) in suffixes.enumerated() {
                let dn = try Raster.open("\(archive)/landsat/\(id)/\(id)_\(suffix).TIF").read(band: 1, as: Float.self)
                let thermal = b == 6
                let scale: Float = thermal ? 0.00341802 : 0.0000275, offset: Float = thermal ? 149.0 : -0.2
                planes.append(dn.map { $0 * scale + offset })
                for i in 0..<n {
                    let ok = thermal ? dn[i] >= 1 : (dn[i] >= 7273 && dn[i] <= 43636)
                    if !ok || qa[i] & 0b1_1111 != 0 { valid[i] = false }
                }
            }
            for b in 0..<bands {
                observations[t][b].append((0..<n).map { valid[$0] ? planes[b][$0] : .nan })
            }
            used += 1
        }
        XCTAssertEqual(manifest.provenance.scenes.count, used)

        // Medians, then indices, then linear fill over window midpoints.
        var cube = [[[Float]]](repeating: [[Float]](repeating: [Float](repeating: .nan, count: n), count: 9), count: steps)
        for t in 0..<steps {
            for b in 0..<bands {
                for i in 0..<n {
                    let s = observations[t][b].map { $0[i] }.filter { !$0.isNaN }.sorted()
                    guard !s.isEmpty else { continue }
                    cube[t][b][i] = (s[(s.count - 1) / 2] + s[s.count / 2]) * 0.5
                }
            }
            for i in 0..<n {
                let red = cube[t][2][i], nir = cube[t][3][i], swir1 = cube[t][4][i]
                cube[t][7][i] = nir + red == 0 ? .nan : (nir - red) / (nir + red)
                cube[t][8][i] = nir + swir1 == 0 ? .nan : (nir - swir1) / (nir + swir1)
            }
        }
        let mid = manifest.windows.map(\.midpoint)
        for c in 0..<9 {
            for i in 0..<n {
                let known = (0..<steps).filter { !cube[$0][c][i].isNaN }
                guard let first = known.first, let last = known.last else { continue }
                for t in 0..<steps where cube[t][c][i].isNaN {
                    if t < first { cube[t][c][i] = cube[first][c][i]; continue }
                    if t > last { cube[t][c][i] = cube[last][c][i]; continue }
                    let a = known.last { $0 < t }!, b = known.first { $0 > t }!
                    let v0 = Double(cube[a][c][i]), v1 = Double(cube[b][c][i])
                    cube[t][c][i] = Float(v0 + (v1 - v0) * ((mid[t] - mid[a]) / (mid[b] - mid[a])))
                }
            }
        }

        var mismatches = 0
        for (t, entry) in manifest.times.enumerated() {
            let file = try Raster.open(tmp.path + "/cube/" + entry.file)
            for c in 0..<9 {
                let got = try file.read(band: c + 1, as: Float.self)
                for i in 0..<n where got[i].bitPattern != cube[t][c][i].bitPattern && !(got[i].isNaN && cube[t][c][i].isNaN) {
                    mismatches += 1
                    if mismatches < 5 { XCTFail("\(entry.label) \(manifest.bands[c]) pixel \(i): cube \(got[i]), naive \(cube[t][c][i])") }
                }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
