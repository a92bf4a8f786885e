import ArgumentParser
import Foundation
import Scenes

struct ScenesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "List the scenes found in an archive, and why anything was skipped.",
        discussion: """
            Finds Landsat Collection 2 Level-2 products (L4/5 TM, L7 ETM+, L8/9 OLI-TIRS) and
            Sentinel-2 L2A products (.SAFE folders or the per-band COG layout of STAC catalogs)
            anywhere below ARCHIVE. Every product is opened; anything unusable is listed with its reason.
            """)

    @Argument(help: "Archive folder (searched recursively).")
    var archive: String

    @Flag(help: "Print one JSON object {\"scenes\": […], \"skipped\": […]} instead of a table.")
    var json = false

    @OptionGroup var filter: SceneFilterOptions

    func run() throws {
        let catalog = try Catalog.scan(archive, filter: filter.makeFilter())
        if json {
            print(try catalogJSON(catalog))
        } else {
            printTable(catalog)
        }
    }

    private func catalogJSON(_ catalog: Catalog) throws -> String {
        struct Entry: Encodable {
            let id, sensor, platform, date, tile, path: String
            let cloud_cover: Double
        }
        struct Output: Encodable {
            let scenes: [Entry]
            let skipped: [SkippedProduct]
        }
        let output = Output(
            scenes: catalog.scenes.map {
                Entry(id: $0.id, sensor: $0.sensor.rawValue, platform: $0.platform.rawValue, date: $0.date.description,
                      tile: $0.tile, path: $0.path, cloud_cover: $0.cloudCover)
            },
            skipped: catalog.skipped)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }

    private func printTable(_ catalog: Catalog) {
        let header = ["date", "platform", "tile", "cloud %", "bands", "id"]
        let rows = catalog.scenes.map { s in
            [s.date.description, s.platform.rawValue, s.tile, String(format: "%.1f", s.cloudCover),
             s.availableBands.map(\.rawValue).joined(separator: ","), s.id]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        print(line(header))
        rows.forEach { print(line($0)) }
        let sensors = Dictionary(grouping: catalog.scenes, by: \.sensor).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
        print("\n\(catalog.scenes.count) scenes (\(sensors.joined(separator: ", ")))" + (catalog.skipped.isEmpty ? "" : ", \(catalog.skipped.count) skipped:"))
        for s in catalog.skipped { print("  skipped \(s.path): \(s.reason)") }
    }
}
