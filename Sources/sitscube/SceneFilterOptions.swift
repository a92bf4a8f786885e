import ArgumentParser
import Scenes

/// The scene filters shared by `scenes`, `mask` and `cube`.
struct SceneFilterOptions: ParsableArguments {
    @Option(help: "Sensor: landsat, sentinel2 or all.")
    var sensor: String = "all"

    @Option(help: "Platforms, comma-separated (LANDSAT_5,LANDSAT_7,SENTINEL_2A…).")
    var platform: String?

    @Option(help: "WRS-2 path/row (e.g. 008059) or MGRS tiles (e.g. 29RKH), comma-separated.")
    var tile: String?

    @Option(help: "First acquisition date to keep (YYYY-MM-DD).")
    var from: String?

    @Option(help: "Last acquisition date to keep (YYYY-MM-DD).")
    var to: String?

    @Option(name: .customLong("max-cloud"), help: "Maximum scene cloud cover in percent (50 as in the FLU study).")
    var maxCloud: Double = 50

    @Flag(name: .customLong("land-cloud"), help: "Use Landsat's CLOUD_COVER_LAND instead of CLOUD_COVER.")
    var landCloud = false

    func makeFilter() throws -> SceneFilter {
        var f = SceneFilter()
        switch sensor.lowercased() {
        case "all": break
        case "landsat": f.sensors = [.landsat]
        case "sentinel2", "sentinel-2", "s2": f.sensors = [.sentinel2]
        default: throw ValidationError("--sensor must be landsat, sentinel2 or all, not '\(sensor)'")
        }
        if let platform {
            f.platforms = Set(try platform.split(separator: ",").map { text in
                guard let p = Platform(loose: String(text)) else {
                    throw ValidationError("--platform: unknown platform '\(text)'; valid: \(Platform.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return p
            })
        }
        if let tile { f.tiles = Set(tile.split(separator: ",").map { String($0) }) }
        f.from = try from.map { try Self.date($0, option: "--from") }
        f.to = try to.map { try Self.date($0, option: "--to") }
        if let a = f.from, let b = f.to, a > b { throw ValidationError("--from \(a) is after --to \(b)") }
        guard maxCloud >= 0, maxCloud <= 100 else { throw ValidationError("--max-cloud must be between 0 and 100, not \(maxCloud)") }
        f.maxCloudCover = maxCloud
        f.useLandCloudCover = landCloud
        return f
    }

    static func date(_ text: String, option: String) throws -> CalendarDate {
        guard let d = CalendarDate(text) else { throw ValidationError("\(option) '\(text)' is not a date (YYYY-MM-DD)") }
        return d
    }
}
