import Foundation
import GeoIO

/// Writes one Landsat Collection 2 Level-2 product: SR bands, ST band, QA_PIXEL, QA_RADSAT and
/// the MTL in text and JSON, named and laid out as USGS ships them.
struct LandsatWriter {
    let landscape: Landscape
    let seed: UInt64

    static let reflectanceScale = 0.0000275, reflectanceOffset = -0.2
    static let temperatureScale = 0.00341802, temperatureOffset = 149.0

    /// QA_PIXEL codes (USGS Landsat 8-9 C2 L2 Science Product Guide, table 6-3, and the values
    /// found in real files). Landsat 4–7 have no cirrus band, so bits 14–15 stay 0.
    struct QACodes {
        let clear, water, cloud, cloudCirrus, dilatedLow, dilatedMedium, dilatedShadowLow, dilatedShadowMedium: UInt16
        let shadow, haze, cirrus, cirrusWater: UInt16

        static let oli = QACodes(clear: 21824, water: 21952, cloud: 22280, cloudCirrus: 55052, dilatedLow: 21762,
                                 dilatedMedium: 22018, dilatedShadowLow: 23826, dilatedShadowMedium: 24082,
                                 shadow: 23888, haze: 22080, cirrus: 54596, cirrusWater: 54724)
        static let tm = QACodes(clear: 5440, water: 5504, cloud: 5896, cloudCirrus: 5896, dilatedLow: 5378,
                                dilatedMedium: 5634, dilatedShadowLow: 7442, dilatedShadowMedium: 7698,
                                shadow: 7504, haze: 5696, cirrus: 5440, cirrusWater: 5504)
        static let fill: UInt16 = 1
    }

    /// What the MTL reports, measured on the written QA layer.
    struct Summary {
        let productID: String
        let cloudCover: Double
        let cloudCoverLand: Double
        let fillFraction: Double
    }

    func write(_ acquisition: LandsatAcquisition, into folder: String) throws -> Summary {
        let geometry = landscape.geometry
        let n = geometry.size, count = n * n
        let grid = geometry.landsatGrid
        let id = acquisition.productID
        let productFolder = folder + "/" + id
        let platform = acquisition.platform
        let sceneSeed = Hash.mix(seed, 0x4C53_4154, UInt64(acquisition.index))  // "LSAT"

        // Surface, then sky, then the sensor.
        let covers = Phenology.covers(landscape, date: acquisition.date)
        let dryness = 1 - Phenology.season(acquisition.date)
        let bands = platform.reflectiveBands
        let surface = SurfaceImage(covers: covers, fineSize: geometry.fineSize, factor: 3, width: n, height: n,
                                   bands: bands.map(\.band), dryness: dryness, thermal: true)
        let fill = Footprint.landsatFill(acquisition, size: n, seed: sceneSeed)

        var sky = Sky(seed: sceneSeed, date: acquisition.date, localSolarHour: platform.overpassHour,
                      targetCover: acquisition.cloudTarget, cirrusChance: 0.35)
        let densities = SkyImage.densities(sky, width: n, height: n, resolution: 30)
        sky = sky.calibrated(densities: (0..<count).filter { !fill[$0] }.map { densities[$0] })
        let atmosphere = SkyImage(sky, width: n, height: n, resolution: 30, densities: densities)

        // QA_PIXEL.
        let codes = platform.isOLI ? QACodes.oli : QACodes.tm
        let cloudMask = (0..<count).map { !fill[$0] && atmosphere.cloud[$0] >= 0.5 }
        let dilated = Morphology.dilate(cloudMask, width: n, height: n, radius: 3)
        var qa = [UInt16](repeating: QACodes.fill, count: count)
        var valid = 0, cloudy = 0, land = 0, cloudyLand = 0
        for i in 0..<count where !fill[i] {
            let water = surface.water[i] >= 0.5
            let code: UInt16
            if cloudMask[i] {
                code = platform.isOLI && atmosphere.cirrus[i] >= 0.04 ? codes.cloudCirrus : codes.cloud
            } else if dilated[i] {
                let medium = atmosphere.cloud[i] >= 0.2
                if atmosphere.shadow[i] >= 0.5 {
                    code = medium ? codes.dilatedShadowMedium : codes.dilatedShadowLow
                } else {
                    code = medium ? codes.dilatedMedium : codes.dilatedLow
                }
            } else if atmosphere.shadow[i] >= 0.5 {
                code = codes.shadow
            } else if platform.isOLI && atmosphere.cirrus[i] >= 0.04 {
                code = water ? codes.cirrusWater : codes.cirrus
            } else if atmosphere.cloud[i] >= 0.2 {
                code = codes.haze
            } else {
                code = water ? codes.water : codes.clear
            }
            qa[i] = code
            valid += 1
            if code & 0b1000 != 0 { cloudy += 1 }
            if !water {
                land += 1
                if code & 0b1000 != 0 { cloudyLand += 1 }
            }
        }

        // Reflective bands: DN = (ρ + 0.2) / 0.0000275, 0 = fill.
        var files: [(name: String, values: [UInt16], noData: Double?)] = []
        for (b, entry) in bands.enumerated() {
            let band = entry.band.rawValue
            let sigma = Self.noise[band]
            var dn = [UInt16](repeating: 0, count: count)
            let plane = surface.bands[b]
            for i in 0..<count where !fill[i] {
                var rho = atmosphere.observe(surface: plane[i], band: band, at: i, haze: sky.haze)
                rho += sigma * Hash.gaussian(Hash.mix(sceneSeed, UInt64(band), UInt64(i)))
                // TM and ETM+ digitise 8 bits: their surface reflectance comes in steps of about 0.0035.
                if !platform.isOLI { rho = (rho / Self.tmStep).rounded() * Self.tmStep }
                dn[i] = Self.reflectanceDN(rho)
            }
            files.append(("\(id)_SR_B\(entry.number).TIF", dn, 0))
        }

        // Surface temperature: the thermal band is coarser (120/60/100 m), resampled to 30 m by USGS.
        var kelvin = [Float](repeating: 0, count: count)
        for i in 0..<count where !fill[i] {
            kelvin[i] = atmosphere.observeTemperature(surface: surface.temperature[i], at: i)
        }
        kelvin = Morphology.boxMean(kelvin, valid: fill.map { !$0 }, width: n, height: n, radius: 1)
        var st = [UInt16](repeating: 0, count: count)
        for i in 0..<count where !fill[i] {
            let t = kelvin[i] + 0.25 * Hash.gaussian(Hash.mix(sceneSeed, 0x5354, UInt64(i)))
            st[i] = UInt16(min(65535, max(1, ((Double(t) - Self.temperatureOffset) / Self.temperatureScale).rounded())))
        }
        files.append(("\(id)_ST_\(platform.thermalBand).TIF", st, 0))
        files.append(("\(id)_QA_PIXEL.TIF", qa, nil))
        files.append(("\(id)_QA_RADSAT.TIF", [UInt16](repeating: 0, count: count), nil))

        for f in files {
            try RasterFiles.writeGeoTIFF(productFolder + "/" + f.name, grid: grid, values: f.values, noData: f.noData)
        }
        let summary = Summary(productID: id,
                              cloudCover: valid > 0 ? 100 * Double(cloudy) / Double(valid) : 0,
                              cloudCoverLand: land > 0 ? 100 * Double(cloudyLand) / Double(land) : 0,
                              fillFraction: Double(count - valid) / Double(count))
        let mtl = metadata(acquisition, summary: summary, sky: sky)
        try RasterFiles.writeText(mtl.odl, to: productFolder + "/\(id)_MTL.txt")
        try RasterFiles.writeText(mtl.json, to: productFolder + "/\(id)_MTL.json")
        return summary
    }

    /// Sensor noise per `SpectralBand` (reflectance units).
    static let noise: [Float] = [0.002, 0.0018, 0.0015, 0.0015, 0.0018, 0.0018, 0.0018, 0.002, 0.002, 0.002, 0.002, 0.0018]

    /// Reflectance step of 8-bit TM/ETM+ radiometry (OLI's 12 bits are fine enough to ignore).
    static let tmStep: Float = 0.0035

    @inline(__always)
    static func reflectanceDN(_ rho: Float) -> UInt16 {
        UInt16(min(65535, max(1, ((Double(rho) - reflectanceOffset) / reflectanceScale).rounded())))
    }

    // MARK: MTL

    func metadata(_ a: LandsatAcquisition, summary: Summary, sky: Sky) -> MTLDocument {
        let id = a.productID
        let p = a.platform
        let geometry = landscape.geometry
        let bands = p.reflectiveBands.map(\.number)
        let st = "ST_\(p.thermalBand)"
        var doc = MTLDocument()
        typealias V = MTLDocument.Value

        var contents: [(String, V)] = [
            ("ORIGIN", .text("Image courtesy of the U.S. Geological Survey")),
            ("DIGITAL_OBJECT_IDENTIFIER", .text(p.isOLI ? "https://doi.org/10.5066/P9OGBGM6" : "https://doi.org/10.5066/P9IAXOVV")),
            ("LANDSAT_PRODUCT_ID", .text(id)),
            ("PROCESSING_LEVEL", .text("L2SP")),
            ("COLLECTION_NUMBER", .bare("02")),
            ("COLLECTION_CATEGORY", .text("T1")),
            ("OUTPUT_FORMAT", .text("GEOTIFF")),
        ]
        for b in bands { contents.append(("FILE_NAME_BAND_\(b)", .text("\(id)_SR_B\(b).TIF"))) }
        contents.append(("FILE_NAME_BAND_\(st)", .text("\(id)_\(st).TIF")))
        contents.append(("FILE_NAME_QUALITY_L1_PIXEL", .text("\(id)_QA_PIXEL.TIF")))
        contents.append(("FILE_NAME_QUALITY_L1_RADIOMETRIC_SATURATION", .text("\(id)_QA_RADSAT.TIF")))
        contents.append(("FILE_NAME_METADATA_ODL", .text("\(id)_MTL.txt")))
        for b in bands { contents.append(("DATA_TYPE_BAND_\(b)", .text("UINT16"))) }
        contents.append(("DATA_TYPE_BAND_\(st)", .text("UINT16")))
        contents.append(("DATA_TYPE_QUALITY_L1_PIXEL", .text("UINT16")))
        contents.append(("DATA_TYPE_QUALITY_L1_RADIOMETRIC_SATURATION", .text("UINT16")))
        doc.group("PRODUCT_CONTENTS", contents)

        // The scene centre time follows the overpass: local solar time plus the longitude offset.
        let utcHours = p.overpassHour - ArchiveGeometry.longitude / 15
        var rng = SplitMix64(seed: seed, stream: 0x4D54_4C, UInt64(a.index))  // "MTL"
        let seconds = utcHours * 3600 + rng.uniform(-40, 40)
        let hh = Int(seconds / 3600), mm = Int(seconds.truncatingRemainder(dividingBy: 3600) / 60)
        let ss = seconds.truncatingRemainder(dividingBy: 60)
        let centreTime = "\(SimDate.pad(hh)):\(SimDate.pad(mm)):\(String(format: "%010.7f", ss))Z"
        var image: [(String, V)] = [
            ("SPACECRAFT_ID", .text(p.spacecraftID)),
            ("SENSOR_ID", .text(p.sensorID)),
            ("WRS_TYPE", .bare("2")),
            ("WRS_PATH", .bare(String(ArchiveGeometry.wrsPath))),
            ("WRS_ROW", .bare(String(ArchiveGeometry.wrsRow))),
        ]
        if p.isOLI {
            image += [("NADIR_OFFNADIR", .text("NADIR")), ("TARGET_WRS_PATH", .bare(String(ArchiveGeometry.wrsPath))),
                      ("TARGET_WRS_ROW", .bare(String(ArchiveGeometry.wrsRow)))]
        }
        image += [
            ("DATE_ACQUIRED", .bare(a.date.iso)),
            ("SCENE_CENTER_TIME", .text(centreTime)),
            ("STATION_ID", .text(p.isOLI ? "LGN" : "CUB")),
            ("CLOUD_COVER", .bare(JSONText.number(summary.cloudCover, decimals: 2))),
            ("CLOUD_COVER_LAND", .bare(JSONText.number(summary.cloudCoverLand, decimals: 2))),
        ]
        if p.isOLI {
            image += [("IMAGE_QUALITY_OLI", .bare("9")), ("IMAGE_QUALITY_TIRS", .bare("9"))]
        } else {
            image.append(("IMAGE_QUALITY", .bare("9")))
        }
        for b in (p.isOLI ? Array(1...9) : [1, 2, 3, 4, 5, 6, 7]) {
            image.append(("SATURATION_BAND_\(b)", .text("N")))
        }
        if p == .landsat7 {
            image.append(("SENSOR_MODE_SLC", .text(a.slcOff ? "OFF" : "ON")))
        }
        image += [
            ("SUN_AZIMUTH", .bare(JSONText.number(sky.sunAzimuth, decimals: 8))),
            ("SUN_ELEVATION", .bare(JSONText.number(sky.sunElevation, decimals: 8))),
            ("EARTH_SUN_DISTANCE", .bare(JSONText.number(Self.earthSunDistance(a.date), decimals: 7))),
        ]
        doc.group("IMAGE_ATTRIBUTES", image)

        let grid = geometry.landsatGrid
        let b = grid.bounds
        let corners = Self.cornersLonLat(grid: grid)
        doc.group("PROJECTION_ATTRIBUTES", [
            ("MAP_PROJECTION", .text("UTM")),
            ("DATUM", .text("WGS84")),
            ("ELLIPSOID", .text("WGS84")),
            ("UTM_ZONE", .bare(String(ArchiveGeometry.utmZone))),
            ("GRID_CELL_SIZE_REFLECTIVE", .bare("30.00")),
            ("GRID_CELL_SIZE_THERMAL", .bare("30.00")),
            ("REFLECTIVE_LINES", .bare(String(grid.height))),
            ("REFLECTIVE_SAMPLES", .bare(String(grid.width))),
            ("THERMAL_LINES", .bare(String(grid.height))),
            ("THERMAL_SAMPLES", .bare(String(grid.width))),
            ("ORIENTATION", .text("NORTH_UP")),
            ("CORNER_UL_LAT_PRODUCT", .bare(JSONText.number(corners[0].lat, decimals: 5))),
            ("CORNER_UL_LON_PRODUCT", .bare(JSONText.number(corners[0].lon, decimals: 5))),
            ("CORNER_UR_LAT_PRODUCT", .bare(JSONText.number(corners[1].lat, decimals: 5))),
            ("CORNER_UR_LON_PRODUCT", .bare(JSONText.number(corners[1].lon, decimals: 5))),
            ("CORNER_LL_LAT_PRODUCT", .bare(JSONText.number(corners[2].lat, decimals: 5))),
            ("CORNER_LL_LON_PRODUCT", .bare(JSONText.number(corners[2].lon, decimals: 5))),
            ("CORNER_LR_LAT_PRODUCT", .bare(JSONText.number(corners[3].lat, decimals: 5))),
            ("CORNER_LR_LON_PRODUCT", .bare(JSONText.number(corners[3].lon, decimals: 5))),
            ("CORNER_UL_PROJECTION_X_PRODUCT", .bare(JSONText.number(b.minX, decimals: 3))),
            ("CORNER_UL_PROJECTION_Y_PRODUCT", .bare(JSONText.number(b.maxY, decimals: 3))),
            ("CORNER_UR_PROJECTION_X_PRODUCT", .bare(JSONText.number(b.maxX, decimals: 3))),
            ("CORNER_UR_PROJECTION_Y_PRODUCT", .bare(JSONText.number(b.maxY, decimals: 3))),
            ("CORNER_LL_PROJECTION_X_PRODUCT", .bare(JSONText.number(b.minX, decimals: 3))),
            ("CORNER_LL_PROJECTION_Y_PRODUCT", .bare(JSONText.number(b.minY, decimals: 3))),
            ("CORNER_LR_PROJECTION_X_PRODUCT", .bare(JSONText.number(b.maxX, decimals: 3))),
            ("CORNER_LR_PROJECTION_Y_PRODUCT", .bare(JSONText.number(b.minY, decimals: 3))),
        ])

        let generated = a.processed.iso + "T" + SimDate.pad(rng.below(24)) + ":" + SimDate.pad(rng.below(60)) + ":"
            + SimDate.pad(rng.below(60)) + "Z"
        var record: [(String, V)] = [
            ("ORIGIN", .text("Image courtesy of the U.S. Geological Survey")),
            ("DIGITAL_OBJECT_IDENTIFIER", .text(p.isOLI ? "https://doi.org/10.5066/P9OGBGM6" : "https://doi.org/10.5066/P9IAXOVV")),
            ("REQUEST_ID", .text("L2")),
            ("LANDSAT_PRODUCT_ID", .text(id)),
            ("PROCESSING_LEVEL", .text("L2SP")),
            ("OUTPUT_FORMAT", .text("GEOTIFF")),
            ("DATE_PRODUCT_GENERATED", .bare(generated)),
            ("PROCESSING_SOFTWARE_VERSION", .text("LPGS_15.3.1c")),
            ("ALGORITHM_SOURCE_SURFACE_REFLECTANCE", .text(p.isOLI ? "LaSRC_1.5.0" : "LEDAPS_3.4.0")),
            ("DATA_SOURCE_OZONE", .text(p.isOLI ? "MODIS" : "TOMS")),
            ("DATA_SOURCE_PRESSURE", .text(p.isOLI ? "Calculated" : "NCEP")),
            ("DATA_SOURCE_WATER_VAPOR", .text(p.isOLI ? "MODIS" : "NCEP")),
            ("DATA_SOURCE_AIR_TEMPERATURE", .text(p.isOLI ? "MODIS" : "NCEP")),
            ("ALGORITHM_SOURCE_SURFACE_TEMPERATURE", .text("st_1.3.0")),
            ("DATA_SOURCE_REANALYSIS", .text("GEOS-5 FP-IT")),
        ]
        if !p.isOLI { record.removeAll { $0.0 == "DATA_SOURCE_REANALYSIS" } ; record.append(("DATA_SOURCE_REANALYSIS", .text("GEOS-5 MERRA-2"))) }
        doc.group("LEVEL2_PROCESSING_RECORD", record)

        var sr: [(String, V)] = []
        for b in bands {
            sr.append(("REFLECTANCE_MAXIMUM_BAND_\(b)", .bare("1.602213")))
            sr.append(("REFLECTANCE_MINIMUM_BAND_\(b)", .bare("-0.199972")))
        }
        for b in bands {
            sr.append(("QUANTIZE_CAL_MAX_BAND_\(b)", .bare("65535")))
            sr.append(("QUANTIZE_CAL_MIN_BAND_\(b)", .bare("1")))
        }
        for b in bands { sr.append(("REFLECTANCE_MULT_BAND_\(b)", .bare("2.75e-05"))) }
        for b in bands { sr.append(("REFLECTANCE_ADD_BAND_\(b)", .bare("-0.2"))) }
        doc.group("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", sr)

        doc.group("LEVEL2_SURFACE_TEMPERATURE_PARAMETERS", [
            ("TEMPERATURE_MAXIMUM_BAND_\(st)", .bare("372.999941")),
            ("TEMPERATURE_MINIMUM_BAND_\(st)", .bare("149.003418")),
            ("QUANTIZE_CAL_MAXIMUM_BAND_\(st)", .bare("65535")),
            ("QUANTIZE_CAL_MINIMUM_BAND_\(st)", .bare("1")),
            ("TEMPERATURE_MULT_BAND_\(st)", .bare("0.00341802")),
            ("TEMPERATURE_ADD_BAND_\(st)", .bare("149.0")),
        ])
        doc.group("LEVEL1_PROJECTION_PARAMETERS", [
            ("MAP_PROJECTION", .text("UTM")),
            ("DATUM", .text("WGS84")),
            ("ELLIPSOID", .text("WGS84")),
            ("UTM_ZONE", .bare(String(ArchiveGeometry.utmZone))),
            ("GRID_CELL_SIZE_REFLECTIVE", .bare("30.00")),
            ("GRID_CELL_SIZE_THERMAL", .bare("30.00")),
            ("ORIENTATION", .text("NORTH_UP")),
            ("RESAMPLING_OPTION", .text("CUBIC_CONVOLUTION")),
        ])
        return doc
    }

    /// Earth–Sun distance in astronomical units (perihelion early January).
    static func earthSunDistance(_ date: SimDate) -> Double {
        1 - 0.01672 * cos(2 * .pi * Double(date.dayOfYear - 4) / 365.256)
    }

    /// Longitude/latitude of the UL, UR, LL and LR corners.
    static func cornersLonLat(grid: Grid) -> [(lon: Double, lat: Double)] {
        let b = grid.bounds
        let points = [(b.minX, b.maxY), (b.maxX, b.maxY), (b.minX, b.minY), (b.maxX, b.minY)]
        guard let source = try? SpatialReference(grid.crs), let target = try? SpatialReference("EPSG:4326"),
              let transform = try? CoordinateTransform(from: source, to: target) else {
            return points.map { _ in (ArchiveGeometry.longitude, ArchiveGeometry.latitude) }
        }
        return points.map { p in
            guard let t = try? transform.transform(x: p.0, y: p.1) else { return (ArchiveGeometry.longitude, ArchiveGeometry.latitude) }
            return (t.x, t.y)
        }
    }
}
