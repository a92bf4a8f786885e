import Foundation
import GeoIO
import XCTest
@testable import SampleArchive
import TestSupport

/// Sentinel-2 products: offsets by processing baseline, SCL codes, cloud cover, lossless JP2.
final class Sentinel2ProductTests: XCTestCase {
    static let script = #"""
    import sys, os, glob, json, subprocess, tempfile, re
    import numpy as np
    def read(path):
        d = tempfile.mkdtemp(); out = os.path.join(d, 'x.raw')
        subprocess.run(['gdal_translate', '-q', '-of', 'ENVI', '-ot', 'UInt16', path, out], check=True)
        return np.fromfile(out, dtype=np.uint16)
    report = []
    for folder in sorted(glob.glob(os.path.join(sys.argv[1], 'sentinel2', '*'))):
        name = os.path.basename(folder)
        if name.endswith('.SAFE'):
            xml = open(os.path.join(folder, 'MTD_MSIL2A.xml')).read()
            baseline = re.search(r'<PROCESSING_BASELINE>([^<]+)<', xml).group(1)
            offsets = re.findall(r'<BOA_ADD_OFFSET band_id="\d+">(-?\d+)</BOA_ADD_OFFSET>', xml)
            cloud = float(re.search(r'<Cloud_Coverage_Assessment>([^<]+)<', xml).group(1))
            quant = re.search(r'<BOA_QUANTIFICATION_VALUE unit="none">([^<]+)<', xml).group(1)
            scl = read(glob.glob(os.path.join(folder, 'GRANULE/*/IMG_DATA/R20m/*_SCL_20m.jp2'))[0])
            nir = read(glob.glob(os.path.join(folder, 'GRANULE/*/IMG_DATA/R10m/*_B08_10m.jp2'))[0])
            layout = 'safe'; stac_offset = None
        else:
            item = json.load(open(os.path.join(folder, name + '.json')))
            p = item['properties']
            baseline = p['s2:processing_baseline']; cloud = p['eo:cloud_cover']; offsets = []; quant = '10000'
            stac_offset = item['assets']['blue']['raster:bands'][0]['offset']
            scl = read(os.path.join(folder, 'SCL.tif')); nir = read(os.path.join(folder, 'B08.tif'))
            layout = 'cog'
        data = scl != 0
        report.append(dict(name=name, layout=layout, baseline=baseline, offsets=[int(o) for o in offsets],
            stac_offset=stac_offset, cloud=float(cloud), quant=quant,
            scl_cloud=float(100.0 * np.count_nonzero(np.isin(scl, [8, 9, 10])) / max(1, np.count_nonzero(data))),
            scl_values=sorted(int(v) for v in np.unique(scl)),
            nir_median=float(np.median(nir[nir > 0])) if np.any(nir > 0) else 0.0))
    print(json.dumps(report))
    """#

    struct Product: Decodable {
        let name: String, layout: String, baseline: String, offsets: [Int], stac_offset: Double?
        let cloud: Double, quant: String, scl_cloud: Double, scl_values: [Int], nir_median: Double
    }

    func testOffsetsSCLAndCloudCoverThroughGDALAndNumPy() throws {
        let archive = try Fixture.archive()
        let result = try Command.python(Self.script, [archive])
        XCTAssertEqual(result.status, 0, result.stderr)
        let products = try JSONDecoder().decode([Product].self, from: Data(result.stdout.utf8))
        XCTAssertEqual(products.count, 23)
        XCTAssertEqual(products.filter { $0.layout == "safe" }.count, 2)
        for p in products {
            let modern = (Double(p.baseline) ?? 0) >= 4
            if p.layout == "safe" {
                XCTAssertEqual(p.offsets, modern ? [Int](repeating: -1000, count: 13) : [], "\(p.name): BOA_ADD_OFFSET exactly from 04.00")
                XCTAssertEqual(p.quant, "10000")
            } else {
                XCTAssertEqual(p.stac_offset, modern ? -0.1 : 0, p.name)
            }
            XCTAssertTrue(p.scl_values.allSatisfy { (0...11).contains($0) }, "\(p.name): SCL \(p.scl_values)")
            XCTAssertEqual(p.cloud, p.scl_cloud, accuracy: 1, "\(p.name): cloud cover vs SCL")
            // The offset shows in the DNs: on clear days the median NIR (mostly vegetation) is ≈ 0.3.
            if p.cloud < 20 {
                let reflectance = (p.nir_median - (modern ? 1000 : 0)) / 10000
                XCTAssertEqual(reflectance, 0.3, accuracy: 0.08, p.name)
            }
        }
        XCTAssertTrue(products.contains { $0.layout == "safe" && $0.baseline == "04.00" })
        XCTAssertTrue(products.contains { $0.layout == "safe" && $0.baseline < "04.00" })
        XCTAssertTrue(products.contains { $0.name.contains("2021") && $0.baseline >= "04.00" }, "a reprocessed product: offset by baseline, not date")
        XCTAssertGreaterThanOrEqual(products.filter { $0.cloud > 50 }.count, 2)
    }

    /// JPEG 2000 bands must hold exactly the DNs the generator computed (REVERSIBLE=YES).
    func testJPEG2000BandsAreLossless() throws {
        let archive = try Fixture.archive()
        let landscape = Landscape(geometry: ArchiveGeometry(size: Fixture.size), seed: Fixture.seed)
        let writer = Sentinel2Writer(landscape: landscape, seed: Fixture.seed)
        for a in Acquisitions.sentinel2(seed: Fixture.seed) where a.layout == .safe {
            let rendered = writer.render(a)
            let safe = archive + "/sentinel2/" + writer.safeName(a)
            let files = TempFolder.files(under: safe).filter { $0.hasSuffix(".jp2") }
            XCTAssertEqual(files.count, 13, "12 bands and the SCL")
            for f in files {
                let raster = try Raster.open(safe + "/" + f)
                XCTAssertEqual(raster.driverName, "JP2OpenJPEG")
                XCTAssertEqual(try SpatialReference(raster.crs).epsg, 32722, f)
                if f.hasSuffix("_SCL_20m.jp2") {
                    XCTAssertEqual(try raster.read(band: 1, as: UInt8.self), rendered.scl, f)
                    continue
                }
                let band = try XCTUnwrap(f.split(separator: "_").dropLast().last.map(String.init))
                let plane = try XCTUnwrap(rendered.planes[band], band)
                XCTAssertEqual(raster.grid.transform, plane.grid.transform, f)
                XCTAssertEqual(try raster.read(band: 1, as: UInt16.self), plane.values, "\(f) is not lossless")
            }
        }
    }

    func testNativeResolutionsShareTheLandsatArea() throws {
        let archive = try Fixture.archive()
        let cog = try XCTUnwrap(Fixture.products(archive, sub: "sentinel2").first { !$0.hasSuffix(".SAFE") })
        let landsat = try XCTUnwrap(Fixture.products(archive, sub: "landsat").first)
        let qaName = try XCTUnwrap(TempFolder.files(under: landsat).first { $0.hasSuffix("_QA_PIXEL.TIF") })
        let l = try Raster.open(landsat + "/" + qaName).grid
        for (band, resolution) in [("B02", 10.0), ("B05", 20.0), ("SCL", 20.0), ("B01", 60.0)] {
            let g = try Raster.open(cog + "/\(band).tif").grid
            XCTAssertEqual(g.resolution.x, resolution, band)
            XCTAssertEqual(g.transform.originX, l.transform.originX, band)
            // EPSG:32722 northings are EPSG:32622's plus 10 000 km.
            XCTAssertEqual(g.transform.originY, l.transform.originY + 10_000_000, band)
            XCTAssertGreaterThanOrEqual(Double(g.width) * resolution, Double(l.width) * 30, band)
        }
    }
}
