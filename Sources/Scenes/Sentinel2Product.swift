import Foundation

/// Sentinel-2 L2A products: a `.SAFE` folder with JP2 bands, or the flat per-band COG layout
/// of STAC catalogs (earth-search: `B02.tif` … `SCL.tif` plus the item JSON).
enum Sentinel2Product {
    /// Bands a product must have to be usable; B01 (coastal) is optional.
    static let requiredBands = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"]

    static func isSAFE(folderName: String) -> Bool { folderName.hasSuffix(".SAFE") && folderName.contains("MSIL2A") }

    /// A COG product folder holds at least B02.tif and SCL.tif.
    static func isCOGLayout(_ folder: ProductFolder) -> Bool {
        folder.file("B02.tif") != nil || folder.file("SCL.tif") != nil
    }

    static func cogScene(at path: String) throws -> Scene {
        let folder = try ProductFolder(path: path)
        let jsons = folder.fileNames.filter { $0.lowercased().hasSuffix(".json") }
        guard let itemName = jsons.first(where: { $0.hasPrefix(folder.name) }) ?? jsons.first else {
            throw SceneError.badMetadata(path: path, "no STAC item JSON beside the band files")
        }
        let itemPath = path + "/" + itemName
        var meta = try Sentinel2Metadata.stacItem(at: itemPath)
        if meta.tile == nil { meta.tile = tileFromName(meta.id ?? folder.name) }
        return try scene(meta: meta, metadataPath: itemPath, path: path, layout: .sentinel2COG, idFallback: folder.name) { band in
            folder.file("\(band).tif")
        }
    }

    static func safeScene(at path: String) throws -> Scene {
        let folder = try ProductFolder(path: path)
        guard let mtd = folder.file("MTD_MSIL2A.xml") else {
            throw SceneError.badMetadata(path: path, "no MTD_MSIL2A.xml in the SAFE folder")
        }
        var meta = try Sentinel2Metadata.productMetadata(at: mtd)
        if meta.tile == nil { meta.tile = tileFromName(folder.name) }
        let granules = (try? FileManager.default.contentsOfDirectory(atPath: path + "/GRANULE"))?.sorted() ?? []
        guard let granule = granules.first(where: { !$0.hasPrefix(".") }) else {
            throw SceneError.badMetadata(path: path, "no GRANULE folder")
        }
        let imageData = "\(path)/GRANULE/\(granule)/IMG_DATA"
        var folders: [Int: ProductFolder] = [:]
        for resolution in [10, 20, 60] {
            folders[resolution] = try? ProductFolder(path: "\(imageData)/R\(resolution)m")
        }
        return try scene(meta: meta, metadataPath: mtd, path: path, layout: .sentinel2SAFE,
                         idFallback: folder.name.replacingOccurrences(of: ".SAFE", with: "")) { band in
            guard let resolution = BandMap.msiResolution[band] else { return nil }
            return folders[resolution]?.file(endingWith: "_\(band)_\(resolution)m.jp2")
        }
    }

    private static func scene(meta: Sentinel2Metadata, metadataPath: String, path: String, layout: Scene.Layout,
                              idFallback: String, bandFile: (String) -> String?) throws -> Scene {
        guard let date = meta.date else {
            throw SceneError.badMetadata(path: metadataPath, layout == .sentinel2SAFE ? "no PRODUCT_START_TIME" : "no 'datetime' property")
        }
        guard let cloud = meta.cloudCover else {
            throw SceneError.badMetadata(path: metadataPath, layout == .sentinel2SAFE
                ? "no Cloud_Coverage_Assessment or CLOUDY_PIXEL_PERCENTAGE" : "no 'eo:cloud_cover' property")
        }
        let id = meta.id ?? idFallback
        let platform = meta.platform ?? Platform(loose: String(id.prefix(3))) ?? .sentinel2A
        var bands: [CommonBand: BandFile] = [:]
        for (productBand, common) in BandMap.msi {
            guard let file = bandFile(productBand) else {
                if requiredBands.contains(productBand) {
                    throw SceneError.missingBand(path: path, band: "\(productBand) (\(common.rawValue))")
                }
                continue
            }
            // (DN + BOA_ADD_OFFSET) / QUANTIFICATION_VALUE; 0 is nodata, 65535 saturated.
            bands[common] = BandFile(productBand: productBand, path: file,
                                     scale: 1 / meta.quantification, offset: meta.offset(for: productBand) / meta.quantification,
                                     fillDN: 0, validDN: 1...65534)
        }
        guard let scl = bandFile("SCL") else { throw SceneError.missingBand(path: path, band: "SCL") }
        return Scene(id: id, platform: platform, date: date, cloudCover: cloud, cloudCoverLand: nil,
                     tile: meta.tile ?? "", path: path, layout: layout, processingBaseline: meta.processingBaseline,
                     processingLevel: "L2A", bands: bands, quality: QualityFile(kind: .sentinel2SCL, path: scl),
                     saturationPath: nil)
    }

    /// "29RKH" from names such as `S2A_29RKH_20200219_0_L2A` or `…_T29RKH_…`.
    static func tileFromName(_ name: String) -> String? {
        if let m = name.firstMatch(of: #/_T?(\d{2}[A-Z]{3})_/#) { return String(m.1) }
        return nil
    }
}
