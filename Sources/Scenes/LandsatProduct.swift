import Foundation

/// Landsat Collection 2 Level-2 products (L2SP and L2SR) from Landsat 4/5 TM, 7 ETM+ and
/// 8/9 OLI-TIRS, as USGS ships them: `LE07_L2SP_PPPRRR_YYYYMMDD_YYYYMMDD_02_T1/`.
enum LandsatProduct {
    /// Collection 2 surface reflectance: valid DNs are 7273–43636 (−0.0999…1.0), 0 is fill.
    static let validReflectanceDN: ClosedRange<Double> = 7273...43636
    static let defaultReflectance = (scale: 0.0000275, offset: -0.2)
    static let defaultTemperature = (scale: 0.00341802, offset: 149.0)
    /// The MTL also carries Level-1 TOA factors under the same key names (REFLECTANCE_MULT_BAND_n
    /// = 2e-5 in LEVEL1_RADIOMETRIC_RESCALING): surface values must come from these groups.
    static let reflectanceGroup = "LEVEL2_SURFACE_REFLECTANCE_PARAMETERS"
    static let temperatureGroup = "LEVEL2_SURFACE_TEMPERATURE_PARAMETERS"

    static func matches(folderName: String) -> Bool {
        folderName.wholeMatch(of: #/L[CTEO]0[4-9]_L2S[PR]_\d{6}_\d{8}_\d{8}_\d{2}_(T1|T2|RT)/#) != nil
    }

    /// Reads the MTL and finds every band file.
    /// - Throws: `SceneError` naming the missing band or the bad metadata field.
    static func scene(at path: String, useLandCloudCover: Bool = false) throws -> Scene {
        let folder = try ProductFolder(path: path)
        let id = folder.name
        guard let mtlPath = folder.file(id + "_MTL.json") ?? folder.file(id + "_MTL.txt")
            ?? folder.file(endingWith: "_MTL.json") ?? folder.file(endingWith: "_MTL.txt")
        else { throw SceneError.badMetadata(path: path, "no _MTL.txt or _MTL.json metadata file") }
        let mtl = try LandsatMetadata(path: mtlPath)

        guard let dateText = mtl.value("DATE_ACQUIRED", in: "IMAGE_ATTRIBUTES") ?? mtl.value("DATE_ACQUIRED") else {
            throw SceneError.badMetadata(path: mtlPath, "no DATE_ACQUIRED in the MTL")
        }
        guard let date = CalendarDate(dateText) else {
            throw SceneError.badMetadata(path: mtlPath, "DATE_ACQUIRED '\(dateText)' is not a date (YYYY-MM-DD)")
        }
        let platform = try platformOf(mtl: mtl, id: id, mtlPath: mtlPath)
        guard let cloud = mtl.number("CLOUD_COVER", in: "IMAGE_ATTRIBUTES") ?? mtl.number("CLOUD_COVER") else {
            throw SceneError.badMetadata(path: mtlPath, "no CLOUD_COVER in the MTL")
        }
        let cloudLand = mtl.number("CLOUD_COVER_LAND")
        let level = id.split(separator: "_").dropFirst().first.map(String.init)
        let tile: String = {
            if let p = mtl.number("WRS_PATH").flatMap({ Int(exactly: $0) }), let r = mtl.number("WRS_ROW").flatMap({ Int(exactly: $0) }),
               (0...999).contains(p), (0...999).contains(r) {
                return String(format: "%03d%03d", p, r)
            }
            return id.split(separator: "_").dropFirst(2).first.map(String.init) ?? ""
        }()

        var bands: [CommonBand: BandFile] = [:]
        for (productBand, common) in platform.isOLI ? BandMap.oli : BandMap.tm {
            let isThermal = productBand.hasPrefix("ST_")
            guard let file = folder.file("\(id)_\(productBand).TIF") ?? folder.file(endingWith: "_\(productBand).TIF") else {
                if isThermal && level == "L2SR" { continue }  // L2SR ships no surface temperature
                throw SceneError.missingBand(path: path, band: "\(productBand) (\(common.rawValue))")
            }
            if isThermal {
                let n = productBand.dropFirst(3)
                bands[common] = BandFile(
                    productBand: productBand, path: file,
                    scale: mtl.number("TEMPERATURE_MULT_BAND_ST_\(n)", in: temperatureGroup) ?? defaultTemperature.scale,
                    offset: mtl.number("TEMPERATURE_ADD_BAND_ST_\(n)", in: temperatureGroup) ?? defaultTemperature.offset,
                    fillDN: 0, validDN: 1...65535)
            } else {
                let n = productBand.dropFirst(4)
                bands[common] = BandFile(
                    productBand: productBand, path: file,
                    scale: mtl.number("REFLECTANCE_MULT_BAND_\(n)", in: reflectanceGroup) ?? defaultReflectance.scale,
                    offset: mtl.number("REFLECTANCE_ADD_BAND_\(n)", in: reflectanceGroup) ?? defaultReflectance.offset,
                    fillDN: 0, validDN: validReflectanceDN)
            }
        }
        guard let qa = folder.file("\(id)_QA_PIXEL.TIF") ?? folder.file(endingWith: "_QA_PIXEL.TIF") else {
            throw SceneError.missingBand(path: path, band: "QA_PIXEL")
        }
        return Scene(
            id: id, platform: platform, date: date,
            cloudCover: useLandCloudCover ? (cloudLand ?? cloud) : cloud, cloudCoverLand: cloudLand,
            tile: tile, path: path, layout: .landsatC2L2, processingBaseline: nil, processingLevel: level,
            bands: bands, quality: QualityFile(kind: .landsatQAPixel, path: qa),
            saturationPath: folder.file("\(id)_QA_RADSAT.TIF") ?? folder.file(endingWith: "_QA_RADSAT.TIF"))
    }

    private static func platformOf(mtl: LandsatMetadata, id: String, mtlPath: String) throws -> Platform {
        if let text = mtl.value("SPACECRAFT_ID"), let p = Platform(loose: text) { return p }
        let digit = id.dropFirst(2).prefix(2)
        switch digit {
        case "04": return .landsat4
        case "05": return .landsat5
        case "07": return .landsat7
        case "08": return .landsat8
        case "09": return .landsat9
        default: throw SceneError.badMetadata(path: mtlPath, "no SPACECRAFT_ID in the MTL")
        }
    }
}
