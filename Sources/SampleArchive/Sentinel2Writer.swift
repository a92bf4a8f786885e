import Foundation
import GeoIO

/// Writes one Sentinel-2 L2A product, either in earth-search's per-band COG layout
/// (`S2A_22MHB_20211003_0_L2A/B02.tif … SCL.tif` + STAC item) or as a `.SAFE` folder with
/// JPEG 2000 bands and `MTD_MSIL2A.xml`. Bands are at their native 10, 20 and 60 m.
struct Sentinel2Writer {
    let landscape: Landscape
    let seed: UInt64

    /// MSI bands: name, wavelength sampled, native resolution, STAC asset key, title.
    struct MSIBand {
        let name: String
        let band: SpectralBand
        let resolution: Int
        let asset: String
        let title: String
        let centre: Double, fwhm: Double
    }

    static let bands: [MSIBand] = [
        MSIBand(name: "B01", band: .coastal, resolution: 60, asset: "coastal", title: "Coastal aerosol (band 1)", centre: 0.443, fwhm: 0.027),
        MSIBand(name: "B02", band: .blue, resolution: 10, asset: "blue", title: "Blue (band 2)", centre: 0.49, fwhm: 0.098),
        MSIBand(name: "B03", band: .green, resolution: 10, asset: "green", title: "Green (band 3)", centre: 0.56, fwhm: 0.045),
        MSIBand(name: "B04", band: .red, resolution: 10, asset: "red", title: "Red (band 4)", centre: 0.665, fwhm: 0.038),
        MSIBand(name: "B05", band: .rededge1, resolution: 20, asset: "rededge1", title: "Red edge 1 (band 5)", centre: 0.704, fwhm: 0.019),
        MSIBand(name: "B06", band: .rededge2, resolution: 20, asset: "rededge2", title: "Red edge 2 (band 6)", centre: 0.74, fwhm: 0.018),
        MSIBand(name: "B07", band: .rededge3, resolution: 20, asset: "rededge3", title: "Red edge 3 (band 7)", centre: 0.783, fwhm: 0.028),
        MSIBand(name: "B08", band: .nir, resolution: 10, asset: "nir", title: "NIR 1 (band 8)", centre: 0.842, fwhm: 0.145),
        MSIBand(name: "B8A", band: .nir08, resolution: 20, asset: "nir08", title: "NIR 2 (band 8A)", centre: 0.865, fwhm: 0.033),
        MSIBand(name: "B09", band: .waterVapour, resolution: 60, asset: "nir09", title: "NIR 3 (band 9)", centre: 0.945, fwhm: 0.026),
        MSIBand(name: "B11", band: .swir1, resolution: 20, asset: "swir16", title: "SWIR 1 (band 11)", centre: 1.61, fwhm: 0.143),
        MSIBand(name: "B12", band: .swir2, resolution: 20, asset: "swir22", title: "SWIR 2 (band 12)", centre: 2.19, fwhm: 0.242),
    ]

    /// The band_id order of MTD_MSIL2A.xml (B10, cirrus, is not in L2A products).
    static let bandIDs = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12"]

    static let noise: [Float] = [0.002, 0.0012, 0.0012, 0.0012, 0.0015, 0.0015, 0.0015, 0.0012, 0.0015, 0.002, 0.0015, 0.0015]

    /// SCL percentages and what the metadata reports.
    struct Summary {
        let productID: String
        let cloudCover: Double
        /// Share of each SCL code (0…11) among the data pixels, in percent; [0] is nodata among all.
        let sclPercent: [Double]
    }

    /// Rendered products: DNs per band and the SCL, on their grids.
    struct Rendered {
        var planes: [String: (grid: Grid, values: [UInt16])] = [:]
        var scl: [UInt8] = []
        var sclGrid: Grid
        var summary: Summary
        var sky: Sky
    }

    func render(_ a: SentinelAcquisition) -> Rendered {
        let geometry = landscape.geometry
        let sceneSeed = Hash.mix(seed, 0x5332, UInt64(a.index))
        let covers = Phenology.covers(landscape, date: a.date)
        let dryness = 1 - Phenology.season(a.date)
        let swath = a.swathEdge ? Footprint.SwathEdge(seed: sceneSeed, extent: geometry.extent) : nil

        func outside(_ c: Int, _ r: Int, _ res: Double) -> Bool {
            swath?.isOutside(east: (Double(c) + 0.5) * res, south: (Double(r) + 0.5) * res) ?? false
        }

        // The sky is calibrated on the 20 m SCL grid, whose cloud fraction the metadata reports.
        let grid20 = geometry.sentinelGrid(resolution: 20)
        let n20 = grid20.width
        var sky = Sky(seed: sceneSeed, date: a.date, localSolarHour: 10.5, targetCover: a.cloudTarget, cirrusChance: 0.4)
        let d20 = SkyImage.densities(sky, width: n20, height: n20, resolution: 20)
        var inside20: [Float] = []
        for r in 0..<n20 { for c in 0..<n20 where !outside(c, r, 20) { inside20.append(d20[r * n20 + c]) } }
        sky = sky.calibrated(densities: inside20)

        var planes: [String: (grid: Grid, values: [UInt16])] = [:]
        var scl: [UInt8] = []
        for resolution in [10, 20, 60] {
            let grid = geometry.sentinelGrid(resolution: resolution)
            let n = grid.width, count = n * n
            let group = Self.bands.filter { $0.resolution == resolution }
            var wanted = group.map(\.band)
            // SCL needs red, green and NIR at 20 m, which are not 20 m products.
            if resolution == 20 { wanted += [.red, .green] }
            let surface = SurfaceImage(covers: covers, fineSize: geometry.fineSize, factor: resolution / 10,
                                       width: n, height: n, bands: wanted, dryness: dryness, thermal: false)
            let atmosphere = SkyImage(sky, width: n, height: n, resolution: Double(resolution),
                                      densities: resolution == 20 ? d20 : nil)
            var observed = [[Float]](repeating: [Float](repeating: 0, count: count), count: wanted.count)
            var nodata = [Bool](repeating: false, count: count)
            for r in 0..<n { for c in 0..<n { nodata[r * n + c] = outside(c, r, Double(resolution)) } }
            for (b, band) in wanted.enumerated() {
                let k = band.rawValue
                for i in 0..<count where !nodata[i] {
                    observed[b][i] = atmosphere.observe(surface: surface.bands[b][i], band: k, at: i, haze: sky.haze)
                        + Self.noise[k] * Hash.gaussian(Hash.mix(sceneSeed, UInt64(k), UInt64(resolution), UInt64(i)))
                }
            }
            for (b, band) in group.enumerated() {
                var dn = [UInt16](repeating: 0, count: count)
                let add: Double = a.hasOffset ? 1000 : 0
                for i in 0..<count where !nodata[i] {
                    dn[i] = UInt16(min(65535, max(1, (Double(observed[b][i]) * 10000 + add).rounded())))
                }
                planes[band.name] = (grid, dn)
            }
            if resolution == 20 {
                let nir = observed[3], swir = observed[4], red = observed[6]
                scl = [UInt8](repeating: 0, count: count)
                for i in 0..<count where !nodata[i] {
                    scl[i] = Self.classify(cloud: atmosphere.cloud[i], shadow: atmosphere.shadow[i], cirrus: atmosphere.cirrus[i],
                                           water: surface.water[i], red: red[i], nir: nir[i], swir: swir[i],
                                           random: Hash.unit(Hash.mix(sceneSeed, 0x53434C, UInt64(i))))
                }
            }
        }
        var counts = [Int](repeating: 0, count: 12)
        for v in scl { counts[Int(v)] += 1 }
        let data = max(1, scl.count - counts[0])
        var percent = counts.map { 100 * Double($0) / Double(data) }
        percent[0] = 100 * Double(counts[0]) / Double(max(1, scl.count))
        let cloud = percent[8] + percent[9] + percent[10]
        let summary = Summary(productID: productID(a), cloudCover: cloud, sclPercent: percent)
        return Rendered(planes: planes, scl: scl, sclGrid: grid20, summary: summary, sky: sky)
    }

    /// Scene classification as Sen2Cor would make it from what it sees.
    @inline(__always)
    static func classify(cloud: Float, shadow: Float, cirrus: Float, water: Float, red: Float, nir: Float, swir: Float, random: Float) -> UInt8 {
        if cloud >= 0.65 { return 9 }
        if cloud >= 0.3 { return 8 }
        if shadow >= 0.5 { return 3 }
        if cirrus >= 0.04 { return 10 }
        if random < 0.002 { return 7 }
        if water >= 0.5 { return 6 }
        let ndvi = (nir - red) / max(nir + red, 1e-4)
        if nir < 0.12 && swir < 0.14 { return 2 }
        return ndvi >= 0.35 ? 4 : 5
    }

    func productID(_ a: SentinelAcquisition) -> String {
        a.layout == .safe ? safeName(a) : "\(a.platform)_\(ArchiveGeometry.mgrsTile)_\(a.date.compact)_0_L2A"
    }

    // MARK: Writing

    func write(_ a: SentinelAcquisition, into folder: String) throws -> Summary {
        let rendered = render(a)
        switch a.layout {
        case .cog: try writeCOG(a, rendered, into: folder)
        case .safe: try writeSAFE(a, rendered, into: folder)
        }
        return rendered.summary
    }

    private func writeCOG(_ a: SentinelAcquisition, _ r: Rendered, into folder: String) throws {
        let id = productID(a)
        let dir = folder + "/" + id
        for band in Self.bands {
            guard let plane = r.planes[band.name] else { continue }
            try RasterFiles.writeGeoTIFF(dir + "/\(band.name).tif", grid: plane.grid, values: plane.values, noData: 0,
                                         profile: RasterFiles.cogProfile)
        }
        try RasterFiles.writeGeoTIFF(dir + "/SCL.tif", grid: r.sclGrid, values: r.scl, noData: 0, profile: RasterFiles.cogProfile)
        try RasterFiles.writeText(stacItem(a, r), to: dir + "/\(id).json")
    }

    /// Times of a product: sensing start, and the ground-segment generation a few hours later.
    private func times(_ a: SentinelAcquisition) -> (sensing: String, compactSensing: String, generation: String, compactGeneration: String, orbit: Int) {
        var rng = SplitMix64(seed: seed, stream: 0x5332_5449, UInt64(a.index))  // "S2TI"
        let seconds = (10.5 - ArchiveGeometry.longitude / 15) * 3600 + rng.uniform(-20, 20)
        let hh = Int(seconds / 3600), mm = Int(seconds.truncatingRemainder(dividingBy: 3600) / 60)
        let ss = Int(seconds.truncatingRemainder(dividingBy: 60))
        let ms = rng.below(1000)
        let gen = seconds + rng.uniform(5000, 12000)
        let gh = Int(gen / 3600), gm = Int(gen.truncatingRemainder(dividingBy: 3600) / 60), gs = Int(gen.truncatingRemainder(dividingBy: 60))
        let d = a.date.iso, c = a.date.compact
        let orbit = (a.platform == "S2A" ? 33_000 : 24_000) + (a.date.dayNumber - 18_900) * 14 / 10 + 1
        return ("\(d)T\(SimDate.pad(hh)):\(SimDate.pad(mm)):\(SimDate.pad(ss)).\(SimDate.pad(ms, 3))Z",
                "\(c)T\(SimDate.pad(hh))\(SimDate.pad(mm))\(SimDate.pad(ss))",
                "\(d)T\(SimDate.pad(gh)):\(SimDate.pad(gm)):\(SimDate.pad(gs)).000000Z",
                "\(c)T\(SimDate.pad(gh))\(SimDate.pad(gm))\(SimDate.pad(gs))", orbit)
    }

    private static let relativeOrbit = "R081"

    func safeName(_ a: SentinelAcquisition) -> String {
        let t = times(a)
        return "\(a.platform)_MSIL2A_\(t.compactSensing)_N\(a.baseline.replacingOccurrences(of: ".", with: ""))_\(Self.relativeOrbit)_T\(ArchiveGeometry.mgrsTile)_\(t.compactGeneration).SAFE"
    }

    private func writeSAFE(_ a: SentinelAcquisition, _ r: Rendered, into folder: String) throws {
        let t = times(a)
        let safe = folder + "/" + safeName(a)
        let granule = "L2A_T\(ArchiveGeometry.mgrsTile)_A\(SimDate.pad(t.orbit, 6))_\(t.compactSensing)"
        let prefix = "T\(ArchiveGeometry.mgrsTile)_\(t.compactSensing)"
        var imageFiles: [String] = []
        for band in Self.bands {
            guard let plane = r.planes[band.name] else { continue }
            let relative = "GRANULE/\(granule)/IMG_DATA/R\(band.resolution)m/\(prefix)_\(band.name)_\(band.resolution)m"
            try RasterFiles.writeJPEG2000(safe + "/" + relative + ".jp2", grid: plane.grid, values: plane.values)
            imageFiles.append(relative)
        }
        let sclRelative = "GRANULE/\(granule)/IMG_DATA/R20m/\(prefix)_SCL_20m"
        try RasterFiles.writeJPEG2000(safe + "/" + sclRelative + ".jp2", grid: r.sclGrid, values: r.scl)
        imageFiles.append(sclRelative)
        try RasterFiles.writeText(productMetadata(a, r, granule: granule, imageFiles: imageFiles), to: safe + "/MTD_MSIL2A.xml")
    }

    // MARK: Metadata

    /// Footprint of the product in longitude/latitude (UL, UR, LR, LL, UL).
    private func footprint() -> [(lon: Double, lat: Double)] {
        let grid = landscape.geometry.sentinelGrid(resolution: 10)
        let c = LandsatWriter.cornersLonLat(grid: grid)  // UL, UR, LL, LR
        return [c[0], c[1], c[3], c[2], c[0]]
    }

    private func stacItem(_ a: SentinelAcquisition, _ r: Rendered) -> String {
        let id = productID(a)
        let t = times(a)
        let p = r.summary.sclPercent
        let f = footprint()
        func n(_ v: Double, _ d: Int = 6) -> String { JSONText.number(v, decimals: d) }
        let offset = a.hasOffset ? "-0.1" : "0"
        var assets: [String] = []
        for band in Self.bands.sorted(by: { $0.asset < $1.asset }) {
            guard let plane = r.planes[band.name] else { continue }
            let g = plane.grid
            assets.append("""
            \(JSONText.quote(band.asset)):{"href":"./\(band.name).tif","type":"image/tiff; application=geotiff; profile=cloud-optimized",\
            "title":\(JSONText.quote("\(band.title) - \(band.resolution)m")),\
            "eo:bands":[{"name":\(JSONText.quote(band.asset)),"common_name":\(JSONText.quote(band.asset == "nir09" ? "nir09" : band.asset.hasPrefix("rededge") ? "rededge" : band.asset)),\
            "description":\(JSONText.quote(band.title)),"center_wavelength":\(band.centre),"full_width_half_max":\(band.fwhm)}],\
            "gsd":\(band.resolution),"proj:shape":[\(g.height),\(g.width)],\
            "proj:transform":[\(band.resolution),0,\(Int(g.transform.originX)),0,-\(band.resolution),\(Int(g.transform.originY))],\
            "raster:bands":[{"nodata":0,"data_type":"uint16","bits_per_sample":15,"spatial_resolution":\(band.resolution),"scale":0.0001,"offset":\(offset)}],\
            "roles":["data","reflectance"]}
            """)
        }
        let sg = r.sclGrid
        assets.append("""
        "scl":{"href":"./SCL.tif","type":"image/tiff; application=geotiff; profile=cloud-optimized","title":"Scene classification map (SCL)",\
        "proj:shape":[\(sg.height),\(sg.width)],"proj:transform":[20,0,\(Int(sg.transform.originX)),0,-20,\(Int(sg.transform.originY))],\
        "raster:bands":[{"nodata":0,"data_type":"uint8","spatial_resolution":20}],"roles":["data","reflectance"]}
        """)
        let lons = f.map(\.lon), lats = f.map(\.lat)
        let polygon = f.map { "[\(n($0.lon, 9)),\(n($0.lat, 9))]" }.joined(separator: ",")
        let created = a.date.adding(days: 1).iso + "T02:33:03.678Z"
        return """
        {"type":"Feature","stac_version":"1.0.0","id":\(JSONText.quote(id)),"properties":{"created":"\(created)",\
        "platform":"sentinel-2\(a.platform.suffix(1).lowercased())","constellation":"sentinel-2","instruments":["msi"],\
        "eo:cloud_cover":\(n(r.summary.cloudCover)),"proj:epsg":\(ArchiveGeometry.sentinelEPSG),"mgrs:utm_zone":22,\
        "mgrs:latitude_band":"M","mgrs:grid_square":"HB","grid:code":"MGRS-\(ArchiveGeometry.mgrsTile)",\
        "view:sun_azimuth":\(n(r.sky.sunAzimuth, 9)),"view:sun_elevation":\(n(r.sky.sunElevation, 9)),\
        "s2:degraded_msi_data_percentage":0,"s2:nodata_pixel_percentage":\(n(p[0])),"s2:saturated_defective_pixel_percentage":0,\
        "s2:dark_features_percentage":\(n(p[2])),"s2:cloud_shadow_percentage":\(n(p[3])),"s2:vegetation_percentage":\(n(p[4])),\
        "s2:not_vegetated_percentage":\(n(p[5])),"s2:water_percentage":\(n(p[6])),"s2:unclassified_percentage":\(n(p[7])),\
        "s2:medium_proba_clouds_percentage":\(n(p[8])),"s2:high_proba_clouds_percentage":\(n(p[9])),\
        "s2:thin_cirrus_percentage":\(n(p[10])),"s2:snow_ice_percentage":\(n(p[11])),"s2:product_type":"S2MSI2A",\
        "s2:processing_baseline":"\(a.baseline)","s2:product_uri":\(JSONText.quote(safeName(a))),\
        "s2:generation_time":"\(t.generation)","s2:reflectance_conversion_factor":\(n(1 / pow(LandsatWriter.earthSunDistance(a.date), 2), 9)),\
        "datetime":"\(t.sensing)","s2:sequence":"0","earthsearch:boa_offset_applied":false},\
        "geometry":{"type":"Polygon","coordinates":[[\(polygon)]]},"links":[],\
        "assets":{\(assets.joined(separator: ","))},\
        "bbox":[\(n(lons.min() ?? 0, 9)),\(n(lats.min() ?? 0, 9)),\(n(lons.max() ?? 0, 9)),\(n(lats.max() ?? 0, 9))],\
        "stac_extensions":["https://stac-extensions.github.io/mgrs/v1.0.0/schema.json","https://stac-extensions.github.io/view/v1.0.0/schema.json",\
        "https://stac-extensions.github.io/raster/v1.1.0/schema.json","https://stac-extensions.github.io/eo/v1.0.0/schema.json",\
        "https://stac-extensions.github.io/grid/v1.0.0/schema.json","https://stac-extensions.github.io/projection/v1.0.0/schema.json"],\
        "collection":"sentinel-2-l2a"}
        """ + "\n"
    }

    private func productMetadata(_ a: SentinelAcquisition, _ r: Rendered, granule: String, imageFiles: [String]) -> String {
        let t = times(a)
        let p = r.summary.sclPercent
        func n(_ v: Double) -> String { JSONText.number(v, decimals: 6) }
        let footprint = footprint().map { "\(JSONText.number($0.lat, decimals: 9)) \(JSONText.number($0.lon, decimals: 9))" }.joined(separator: " ")
        var x = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <n1:Level-2A_User_Product xmlns:n1="https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-2A.xsd" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
        xsi:schemaLocation="https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-2A.xsd">
          <n1:General_Info>
            <Product_Info>
              <PRODUCT_START_TIME>\(t.sensing)</PRODUCT_START_TIME>
              <PRODUCT_STOP_TIME>\(t.sensing)</PRODUCT_STOP_TIME>
              <PRODUCT_URI>\(safeName(a))</PRODUCT_URI>
              <PROCESSING_LEVEL>Level-2A</PROCESSING_LEVEL>
              <PRODUCT_TYPE>S2MSI2A</PRODUCT_TYPE>
              <PROCESSING_BASELINE>\(a.baseline)</PROCESSING_BASELINE>
              <PRODUCT_DOI>https://doi.org/10.5270/S2_-znk9xsj</PRODUCT_DOI>
              <GENERATION_TIME>\(t.generation)</GENERATION_TIME>
              <PREVIEW_IMAGE_URL>Not applicable</PREVIEW_IMAGE_URL>
              <PREVIEW_GEO_INFO>Not applicable</PREVIEW_GEO_INFO>
              <Datatake datatakeIdentifier="G\(a.platform)_\(t.compactSensing)_\(SimDate.pad(t.orbit, 6))_N\(a.baseline)">
                <SPACECRAFT_NAME>\(a.spacecraftName)</SPACECRAFT_NAME>
                <DATATAKE_TYPE>INS-NOBS</DATATAKE_TYPE>
                <DATATAKE_SENSING_START>\(t.sensing)</DATATAKE_SENSING_START>
                <SENSING_ORBIT_NUMBER>\(Int(Self.relativeOrbit.dropFirst()) ?? 81)</SENSING_ORBIT_NUMBER>
                <SENSING_ORBIT_DIRECTION>DESCENDING</SENSING_ORBIT_DIRECTION>
              </Datatake>
              <Query_Options completeSingleTile="true">
                <PRODUCT_FORMAT>SAFE_COMPACT</PRODUCT_FORMAT>
              </Query_Options>
              <Product_Organisation>
                <Granule_List>
                  <Granule granuleIdentifier="\(granule)" imageFormat="JPEG2000">

        """
        for file in imageFiles { x += "              <IMAGE_FILE>\(file)</IMAGE_FILE>\n" }
        x += """
                  </Granule>
                </Granule_List>
              </Product_Organisation>
            </Product_Info>
            <Product_Image_Characteristics>
              <Special_Values>
                <SPECIAL_VALUE_TEXT>NODATA</SPECIAL_VALUE_TEXT>
                <SPECIAL_VALUE_INDEX>0</SPECIAL_VALUE_INDEX>
              </Special_Values>
              <Special_Values>
                <SPECIAL_VALUE_TEXT>SATURATED</SPECIAL_VALUE_TEXT>
                <SPECIAL_VALUE_INDEX>65535</SPECIAL_VALUE_INDEX>
              </Special_Values>
              <QUANTIFICATION_VALUES_LIST>
                <BOA_QUANTIFICATION_VALUE unit="none">10000</BOA_QUANTIFICATION_VALUE>
                <AOT_QUANTIFICATION_VALUE unit="none">1000.0</AOT_QUANTIFICATION_VALUE>
                <WVP_QUANTIFICATION_VALUE unit="cm">1000.0</WVP_QUANTIFICATION_VALUE>
              </QUANTIFICATION_VALUES_LIST>

        """
        if a.hasOffset {
            x += "      <BOA_ADD_OFFSET_VALUES_LIST>\n"
            for id in 0..<Self.bandIDs.count { x += "        <BOA_ADD_OFFSET band_id=\"\(id)\">-1000</BOA_ADD_OFFSET>\n" }
            x += "      </BOA_ADD_OFFSET_VALUES_LIST>\n"
        }
        x += """
              <Reflectance_Conversion>
                <U>\(JSONText.number(1 / pow(LandsatWriter.earthSunDistance(a.date), 2), decimals: 12))</U>
              </Reflectance_Conversion>
              <Scene_Classification_List>

        """
        let sclNames = ["SC_NODATA", "SC_SATURATED_DEFECTIVE", "SC_DARK_FEATURE_SHADOW", "SC_CLOUD_SHADOW", "SC_VEGETATION",
                        "SC_NOT_VEGETATED", "SC_WATER", "SC_UNCLASSIFIED", "SC_CLOUD_MEDIUM_PROBA", "SC_CLOUD_HIGH_PROBA",
                        "SC_THIN_CIRRUS", "SC_SNOW_ICE"]
        for (i, name) in sclNames.enumerated() {
            x += "        <Scene_Classification_ID>\n          <SCENE_CLASSIFICATION_TEXT>\(name)</SCENE_CLASSIFICATION_TEXT>\n"
            x += "          <SCENE_CLASSIFICATION_INDEX>\(i)</SCENE_CLASSIFICATION_INDEX>\n        </Scene_Classification_ID>\n"
        }
        x += """
              </Scene_Classification_List>
            </Product_Image_Characteristics>
          </n1:General_Info>
          <n1:Geometric_Info>
            <Product_Footprint>
              <Product_Footprint>
                <Global_Footprint>
                  <EXT_POS_LIST>\(footprint)</EXT_POS_LIST>
                </Global_Footprint>
              </Product_Footprint>
            </Product_Footprint>
            <Coordinate_Reference_System>
              <GEO_TABLES version="1">EPSG</GEO_TABLES>
              <HORIZONTAL_CS_TYPE>GEOGRAPHIC</HORIZONTAL_CS_TYPE>
            </Coordinate_Reference_System>
          </n1:Geometric_Info>
          <n1:Quality_Indicators_Info>
            <Cloud_Coverage_Assessment>\(n(r.summary.cloudCover))</Cloud_Coverage_Assessment>
            <Image_Content_QI>
              <NODATA_PIXEL_PERCENTAGE>\(n(p[0]))</NODATA_PIXEL_PERCENTAGE>
              <SATURATED_DEFECTIVE_PIXEL_PERCENTAGE>\(n(p[1]))</SATURATED_DEFECTIVE_PIXEL_PERCENTAGE>
              <DARK_FEATURES_PERCENTAGE>\(n(p[2]))</DARK_FEATURES_PERCENTAGE>
              <CLOUD_SHADOW_PERCENTAGE>\(n(p[3]))</CLOUD_SHADOW_PERCENTAGE>
              <VEGETATION_PERCENTAGE>\(n(p[4]))</VEGETATION_PERCENTAGE>
              <NOT_VEGETATED_PERCENTAGE>\(n(p[5]))</NOT_VEGETATED_PERCENTAGE>
              <WATER_PERCENTAGE>\(n(p[6]))</WATER_PERCENTAGE>
              <UNCLASSIFIED_PERCENTAGE>\(n(p[7]))</UNCLASSIFIED_PERCENTAGE>
              <MEDIUM_PROBA_CLOUDS_PERCENTAGE>\(n(p[8]))</MEDIUM_PROBA_CLOUDS_PERCENTAGE>
              <HIGH_PROBA_CLOUDS_PERCENTAGE>\(n(p[9]))</HIGH_PROBA_CLOUDS_PERCENTAGE>
              <THIN_CIRRUS_PERCENTAGE>\(n(p[10]))</THIN_CIRRUS_PERCENTAGE>
              <SNOW_ICE_PERCENTAGE>\(n(p[11]))</SNOW_ICE_PERCENTAGE>
              <CLOUDY_PIXEL_PERCENTAGE>\(n(r.summary.cloudCover))</CLOUDY_PIXEL_PERCENTAGE>
            </Image_Content_QI>
          </n1:Quality_Indicators_Info>
        </n1:Level-2A_User_Product>

        """
        return x
    }
}
