import Foundation
import GeoIO
import Scenes

/// `cube.json`, the manifest that travels with a cube (DESIGN.md §3). Other stages and users'
/// scripts read it: keep its keys as the design gives them.
public struct CubeManifest: Codable, Equatable, Sendable {
    public static let formatTag = "sitscube-cube/1"
    public static let fileName = "cube.json"

    public struct GridEntry: Codable, Equatable, Sendable {
        public var crs: String
        public var geotransform: [Double]
        public var width: Int
        public var height: Int
    }

    public struct TimeEntry: Codable, Equatable, Sendable {
        public var label: String
        public var start: String
        public var end: String
        public var file: String
    }

    public struct Provenance: Codable, Equatable, Sendable {
        public var scenes: [String]
        public var mask: [String: String]
        public var reducer: String
        public var fill: String
        public var version: String
        public var windows: String?
        /// Windows that had no scene at all: NaN before filling.
        public var emptyWindows: [String]?
        /// A digest of the settings and inputs; a re-run with the same one has nothing to do.
        public var settingsDigest: String?

        enum CodingKeys: String, CodingKey {
            case scenes, mask, reducer, fill, version, windows
            case emptyWindows = "empty_windows"
            case settingsDigest = "settings_digest"
        }
    }

    public var format: String
    public var grid: GridEntry
    public var bands: [String]
    public var times: [TimeEntry]
    public var provenance: Provenance

    public init(grid: Grid, bands: [String], windows: [TimeWindow], provenance: Provenance) {
        format = Self.formatTag
        self.grid = GridEntry(crs: grid.crs, geotransform: grid.transform.coefficients, width: grid.width, height: grid.height)
        self.bands = bands
        times = windows.map { TimeEntry(label: $0.label, start: $0.start.description, end: $0.end.description, file: "\($0.label).tif") }
        self.provenance = provenance
    }

    /// The grid as GeoIO's value.
    public var gridValue: Grid {
        Grid(crs: grid.crs, transform: GeoTransform(grid.geotransform) ?? GeoTransform(originX: 0, pixelWidth: 1, originY: 0, pixelHeight: -1),
             width: grid.width, height: grid.height)
    }

    /// The time windows, for gap filling and sampling.
    public var windows: [TimeWindow] {
        times.compactMap { t in
            guard let a = CalendarDate(t.start), let b = CalendarDate(t.end) else { return nil }
            return TimeWindow(label: t.label, start: a, end: b)
        }
    }

    /// Reads and checks `cube.json` in `folder`.
    /// - Throws: `CubeError.badCube` naming the file and what is wrong or missing.
    public static func read(from folder: String) throws -> CubeManifest {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CubeError.badCube(path: path, "no cube manifest; build the cube with `sitscube cube ARCHIVE -o \(folder)`")
        }
        let manifest: CubeManifest
        do { manifest = try JSONDecoder().decode(CubeManifest.self, from: data) } catch {
            throw CubeError.badCube(path: path, "not a valid cube manifest: \(error)")
        }
        try manifest.validate(path: path)
        return manifest
    }

    /// Checks the fields a reader relies on.
    public func validate(path: String) throws {
        guard format == Self.formatTag else { throw CubeError.badCube(path: path, "format is '\(format)', expected '\(Self.formatTag)'") }
        guard grid.geotransform.count == 6, grid.width > 0, grid.height > 0 else {
            throw CubeError.badCube(path: path, "grid needs a 6-number geotransform and a positive width and height")
        }
        guard !bands.isEmpty, Set(bands).count == bands.count else { throw CubeError.badCube(path: path, "bands must be a non-empty list of distinct names") }
        guard !times.isEmpty, windows.count == times.count else { throw CubeError.badCube(path: path, "times need a label, a start and an end date (YYYY-MM-DD) each") }
    }

    /// Writes `cube.json` atomically, keys sorted, for stable bytes.
    public func write(to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicOutput.write(try encoder.encode(self), to: folder + "/" + Self.fileName)
    }
}
