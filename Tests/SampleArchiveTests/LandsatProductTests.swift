import Foundation
import GeoIO
import XCTest
@testable import SampleArchive
import TestSupport

/// Landsat products checked through GDAL's command-line tools and NumPy, not through our code.
final class LandsatProductTests: XCTestCase {
    /// Reads every product with gdal_translate → ENVI → NumPy and checks the QA semantics and
    /// the MTL's cloud cover against the QA raster.
    static let script = #"""
    import sys, os, glob, json, subprocess, tempfile, re
    import numpy as np
    def read(paths):
        # One VRT stacking the files, one gdal_translate to raw band-sequential UInt16.
        d = tempfile.mkdtemp(); vrt = os.path.join(d, 's.vrt'); out = os.path.join(d, 'x.raw')
        subprocess.run(['gdalbuildvrt', '-q', '-separate', vrt] + paths, check=True)
        subprocess.run(['gdal_translate', '-q', '-of', 'ENVI', vrt, out], check=True)
        hdr = open(os.path.join(d, 'x.hdr')).read()
        w = int(re.search(r'samples\s*=\s*(\d+)', hdr).group(1)); h = int(re.search(r'lines\s*=\s*(\d+)', hdr).group(1))
        return np.fromfile(out, dtype=np.uint16).reshape(len(paths), h, w)
    report = []
    for folder in sorted(glob.glob(os.path.join(sys.argv[1], 'landsat', '*'))):
        pid = os.path.basename(folder)
        files = sorted(glob.glob(os.path.join(folder, pid + '_S[RT]_B*.TIF')))
        stack = read([os.path.join(folder, pid + '_QA_PIXEL.TIF')] + files)
        qa = stack[0]; bands = list(stack[1:])
        fill = (qa & 1) != 0
        cloud = (qa & 8) != 0
        shadow = (qa & 16) != 0
        mtl = open(os.path.join(folder, pid + '_MTL.txt')).read()
        cc = float(re.search(r'^\s*CLOUD_COVER = ([0-9.]+)', mtl, re.M).group(1))
        js = json.load(open(os.path.join(folder, pid + '_MTL.json')))['LANDSAT_METADATA_FILE']
        report.append(dict(
            id=pid, nbands=len(bands),
            cloud_clear_bit=int(np.count_nonzero(cloud & ((qa & 64) != 0))),
            clouds=int(np.count_nonzero(cloud)),
            shadow_with_clear=int(np.count_nonzero(shadow & ((qa & 64) != 0) & ~cloud)),
            fill=int(np.count_nonzero(fill)),
            fill_nonzero=int(sum(np.count_nonzero(b[fill]) for b in bands)),
            data_zero=int(sum(np.count_nonzero(b[~fill] == 0) for b in bands)),
            qa_cloud_pct=float(100.0 * np.count_nonzero(cloud & ~fill) / max(1, np.count_nonzero(~fill))),
            mtl_cloud=cc, json_cloud=float(js['IMAGE_ATTRIBUTES']['CLOUD_COVER']),
            date=js['IMAGE_ATTRIBUTES']['DATE_ACQUIRED'], spacecraft=js['IMAGE_ATTRIBUTES']['SPACECRAFT_ID'],
            sr_mult=js['LEVEL2_SURFACE_REFLECTANCE_PARAMETERS']['REFLECTANCE_MULT_BAND_1'],
            codes=sorted(int(v) for v in np.unique(qa))))
    print(json.dumps(report))
    """#

    struct Product: Decodable {
        let id: String, nbands: Int, cloud_clear_bit: Int, clouds: Int, shadow_with_clear: Int, fill: Int
        let fill_nonzero: Int, data_zero: Int, qa_cloud_pct: Double, mtl_cloud: Double, json_cloud: Double
        let date: String, spacecraft: String, sr_mult: String, codes: [Int]
    }

    func testQASemanticsAndCloudCoverThroughGDALAndNumPy() throws {
        let archive = try Fixture.archive()
        let result = try Command.python(Self.script, [archive])
        XCTAssertEqual(result.status, 0, result.stderr)
        let products = try JSONDecoder().decode([Product].self, from: Data(result.stdout.utf8))
        XCTAssertEqual(products.count, 76)
        for p in products {
            XCTAssertEqual(p.nbands, p.id.hasPrefix("LC08") ? 8 : 7, p.id)
            XCTAssertEqual(p.cloud_clear_bit, 0, "\(p.id): a cloud pixel with the clear bit")
            XCTAssertEqual(p.fill_nonzero, 0, "\(p.id): fill pixels must be DN 0 in every band")
            XCTAssertEqual(p.data_zero, 0, "\(p.id): DN 0 outside fill")
            XCTAssertEqual(p.mtl_cloud, p.qa_cloud_pct, accuracy: 1, "\(p.id): CLOUD_COVER vs QA")
            XCTAssertEqual(p.json_cloud, p.mtl_cloud, "\(p.id): MTL.json and MTL.txt agree")
            XCTAssertEqual(p.sr_mult, "2.75e-05")
            XCTAssertTrue(p.id.contains(p.date.replacingOccurrences(of: "-", with: "")), p.id)
        }
        // The archive's story: L5 and L7 in every half-year of 2000–2005, a few L8, some very cloudy scenes.
        for year in 2000...2005 {
            for (from, to) in [("01-01", "06-30"), ("07-01", "12-31")] {
                let n = products.filter { $0.date >= "\(year)-\(from)" && $0.date <= "\(year)-\(to)" }.count
                XCTAssertGreaterThanOrEqual(n, 4, "\(year) \(from)")
            }
        }
        XCTAssertEqual(products.filter { $0.spacecraft == "LANDSAT_8" }.count, 4)
        XCTAssertGreaterThanOrEqual(products.filter { $0.mtl_cloud > 50 }.count, 3, "a few mostly cloudy scenes")
        XCTAssertGreaterThan(products.filter { $0.fill > 0 }.count, 5, "slanted footprints and SLC-off gaps")
        XCTAssertGreaterThan(products.reduce(0) { $0 + $1.shadow_with_clear }, 0, "shadows that keep the clear bit, as real ones do")
        let codes = Set(products.flatMap(\.codes))
        for real in [1, 21824, 21952, 22280, 23888, 5440, 5504, 5896] {
            XCTAssertTrue(codes.contains(real), "real QA code \(real) used")
        }
    }

    /// The same checks on one scene through GeoIO reads and bit arithmetic in Swift.
    func testQABitsOfOneSceneThroughGeoIO() throws {
        let archive = try Fixture.archive()
        let folder = try XCTUnwrap(Fixture.products(archive, sub: "landsat").first { $0.contains("LE07") && $0.contains("_2004") })
        let id = URL(fileURLWithPath: folder).lastPathComponent
        let qa: [UInt16] = try Raster.open(folder + "/\(id)_QA_PIXEL.TIF").read(band: 1)
        let red = try Raster.open(folder + "/\(id)_SR_B3.TIF")
        XCTAssertEqual(try red.noData(band: 1), 0)
        XCTAssertEqual(red.grid.crs.isEmpty, false)
        XCTAssertEqual(try SpatialReference(red.crs).epsg, 32622)
        let dn: [UInt16] = try red.read(band: 1)
        XCTAssertGreaterThan(qa.filter { $0 & 1 != 0 }.count, 0, "Landsat 7 in 2004 is SLC-off")
        for (q, v) in zip(qa, dn) {
            if q & 1 != 0 { XCTAssertEqual(v, 0) } else { XCTAssertGreaterThan(v, 7273) }
            if q & 8 != 0 { XCTAssertEqual(q & 64, 0) }
        }
        // Plausible reflectance: forest and crops in red well below 0.2, clouds brighter.
        let clear = zip(qa, dn).filter { $0.0 == 5440 }.map { Double($0.1) * 0.0000275 - 0.2 }.sorted()
        let cloudy = zip(qa, dn).filter { $0.0 == 5896 }.map { Double($0.1) * 0.0000275 - 0.2 }
        XCTAssertLessThan(clear[clear.count / 2], 0.12)
        if !cloudy.isEmpty { XCTAssertGreaterThan(cloudy.reduce(0, +) / Double(cloudy.count), 0.3) }
    }
}
