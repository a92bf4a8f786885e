import Foundation
import GeoIO

/// Which scenes of an archive to use. The default keeps scenes with at most 50 % cloud cover,
/// the threshold of the FLU study (seed 000, §2.2).
public struct SceneFilter: Sendable {
    public var from: CalendarDate?
    public var to: CalendarDate?
    public var sensors: Set<Sensor> = Set(Sensor.allCases)
    public var platforms: Set<Platform>?
    public var tiles: Set<String>?
    public var maxCloudCover: Double = 50
    /// Use CLOUD_COVER_LAND instead of CLOUD_COVER for Landsat.
    public var useLandCloudCover = false

    public init() {}

    /// Why `scene` is filtered out, or nil when it is kept.
    func rejection(of scene: Scene) -> String? {
        if !sensors.contains(scene.sensor) { return "filtered out: sensor \(scene.sensor.rawValue) not selected" }
        if let platforms, !platforms.contains(scene.platform) { return "filtered out: platform \(scene.platform.rawValue) not selected" }
        if let tiles, !tiles.contains(scene.tile) { return "filtered out: tile \(scene.tile) not selected" }
        if let from, scene.date < from { return "filtered out: date \(scene.date) before \(from)" }
        if let to, scene.date > to { return "filtered out: date \(scene.date) after \(to)" }
        if scene.cloudCover > maxCloudCover {
            return "filtered out: cloud cover \(String(format: "%.1f", scene.cloudCover)) % above the maximum of \(String(format: "%g", maxCloudCover)) %"
        }
        return nil
    }
}

/// A folder or file that looks like (part of) a product but cannot be used, and why.
public struct SkippedProduct: Sendable, Hashable, Codable {
    public let path: String
    public let reason: String
}

/// The usable scenes of an archive, sorted by date then id, and everything that was skipped.
public struct Catalog: Sendable {
    public let archive: String
    public let scenes: [Scene]
    public let skipped: [SkippedProduct]

    /// Walks `archive` recursively and recognises Landsat C2 L2 and Sentinel-2 L2A products.
    /// Every band file of a found product is opened and its last block read, so truncated
    /// files are caught here rather than halfway through a composite.
    /// - Throws: only when `archive` itself is not a readable folder.
    public static func scan(_ archive: String, filter: SceneFilter = SceneFilter()) throws -> Catalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: archive, isDirectory: &isDirectory) else {
            throw SceneError.invalidOption("\(archive): no such folder")
        }
        var found: [Scene] = []
        var skipped: [SkippedProduct] = []
        if !isDirectory.boolValue {
            skipped.append(SkippedProduct(path: archive, reason: "not a folder: point sitscube at the archive or product folder"))
        } else {
            walk(archive, filter: filter, found: &found, skipped: &skipped)
        }
        found.sort { ($0.date, $0.id) < ($1.date, $1.id) }
        return Catalog(archive: archive, scenes: found, skipped: skipped.sorted { $0.path < $1.path })
    }

    /// Reads one product folder as a scene, with the same checks as `scan`.
    /// - Throws: `SceneError` saying why the folder is not a usable product.
    public static func scene(at path: String, useLandCloudCover: Bool = false) throws -> Scene {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let scene: Scene
        if LandsatProduct.matches(folderName: name) {
            scene = try LandsatProduct.scene(at: path, useLandCloudCover: useLandCloudCover)
        } else if Sentinel2Product.isSAFE(folderName: name) {
            scene = try Sentinel2Product.safeScene(at: path)
        } else if let folder = try? ProductFolder(path: path), Sentinel2Product.isCOGLayout(folder) {
            scene = try Sentinel2Product.cogScene(at: path)
        } else {
            throw SceneError.notAProduct(path: path)
        }
        return try verifiedWithGrids(scene)
    }

    private static func walk(_ folder: String, filter: SceneFilter, found: inout [Scene], skipped: inout [SkippedProduct]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder).sorted() else {
            skipped.append(SkippedProduct(path: folder, reason: "cannot list the folder"))
            return
        }
        let visible = entries.filter { !$0.hasPrefix(".") }
        if visible.isEmpty {
            skipped.append(SkippedProduct(path: folder, reason: "empty folder"))
            return
        }
        for entry in visible {
            let path = folder + "/" + entry
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                if looksLikeProduct(path, name: entry) {
                    do {
                        let scene = try Catalog.scene(at: path, useLandCloudCover: filter.useLandCloudCover)
                        if let reason = filter.rejection(of: scene) {
                            skipped.append(SkippedProduct(path: path, reason: reason))
                        } else {
                            found.append(scene)
                        }
                    } catch let error as SceneError {
                        skipped.append(SkippedProduct(path: path, reason: error.reason))
                    } catch {
                        skipped.append(SkippedProduct(path: path, reason: "\(error)"))
                    }
                } else {
                    walk(path, filter: filter, found: &found, skipped: &skipped)
                }
            } else if isRaster(entry) {
                skipped.append(SkippedProduct(path: path, reason: "not part of a Landsat C2 L2 or Sentinel-2 L2A product folder"))
            }
        }
    }

    /// Whether `path` is a product folder, by its name (Landsat, SAFE) or its band files (COG
    /// layout), as opposed to an archive of products.
    public static func looksLikeProduct(_ path: String) -> Bool {
        looksLikeProduct(path, name: URL(fileURLWithPath: path).lastPathComponent)
    }

    static func looksLikeProduct(_ path: String, name: String) -> Bool {
        if LandsatProduct.matches(folderName: name) || Sentinel2Product.isSAFE(folderName: name) { return true }
        if name.hasPrefix("L") && name.contains("_L2S") { return true }  // a misnamed Landsat folder: report it
        guard let folder = try? ProductFolder(path: path) else { return false }
        return Sentinel2Product.isCOGLayout(folder)
    }

    static func isRaster(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".tif") || lower.hasSuffix(".tiff") || lower.hasSuffix(".jp2")
    }

    /// Opens each band and the quality layer and reads the last pixel, which sits in the
    /// file's last block: a truncated file fails here. Records each band's grid on the way.
    static func verifiedWithGrids(_ scene: Scene) throws -> Scene {
        var scene = scene
        var files: [(String, String, CommonBand?)] = scene.bands.map { ($0.value.productBand, $0.value.path, $0.key) }
        files.append((scene.quality.kind.rawValue, scene.quality.path, nil))
        for (band, path, common) in files.sorted(by: { $0.0 < $1.0 }) {
            do {
                let raster = try Raster.open(path)
                let last = Window(col: raster.width - 1, row: raster.height - 1, width: 1, height: 1)
                _ = try raster.read(band: 1, window: last, as: Float.self)
                if let common { scene.grids[common] = raster.grid }
            } catch let error as GeoIOError {
                throw SceneError.unreadableBand(path: scene.path, band: band, error.message)
            }
        }
        return scene
    }
}
