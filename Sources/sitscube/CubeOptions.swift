import Foundation
import ArgumentParser
import Cube
import GeoIO
import Scenes

/// Options shared by `cube` and `composite`: what the cube holds and how the build runs.
struct CubeBuildOptions: ParsableArguments {
    @Option(help: "Time windows: half-year, quarter, month, year, scene, or START:END[,START:END…].")
    var windows: String = "half-year"

    @Option(help: "Reducer over each window's valid observations: median, mean, min, max, pNN.")
    var reducer: String = "median"

    @Option(help: "Reflectance bands, comma-separated (default: every band all scenes share).")
    var bands: String?

    @Option(help: "Target grid: like:FILE.tif or EPSG:n,RES[,xmin,ymin,xmax,ymax] (default: the first scene's grid).")
    var grid: String?

    @OptionGroup var masking: MaskingOptions

    @Option(help: "Memory for block buffers, e.g. 512MiB, 1GiB, 2GB.")
    var memory: String = "1GiB"

    @Option(help: "Fixed block side in pixels (default: derived from --memory).")
    var block: Int?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ParallelWork.defaultThreads

    @Option(help: "Compute only shard I of N (0 ≤ I < N) of the grid's blocks into CUBE/.shards/ (resumable); a later run without --shard assembles the cube from the staged blocks.")
    var shard: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let block, block < 1 { throw ValidationError("--block must be at least 1 pixel") }
        _ = try memoryBytes()
        if let shard { _ = try Shard(parsing: shard) }
    }

    func memoryBytes() throws -> Int {
        guard let bytes = ByteSize.parse(memory), bytes >= 16 << 20 else {
            throw ValidationError("--memory '\(memory)': expected a size of at least 16MiB, such as 512MiB or 2GiB")
        }
        return bytes
    }

    func settings(indices: [SpectralIndex], fill: GapFill) throws -> CubeSettings {
        var s = CubeSettings()
        s.windows = try WindowScheme(parsing: windows)
        s.reducer = try Reducer(parsing: reducer)
        s.bands = try bands.map { try CommonBand.parseList($0) }
        s.indices = indices
        s.fill = fill
        s.mask = masking.maskOptions
        s.resampling = try masking.method()
        return s
    }

    func runOptions() throws -> CubeRunOptions {
        var r = CubeRunOptions()
        r.memoryBytes = try memoryBytes()
        r.blockSize = block
        r.threads = threads
        r.shard = try shard.map { try Shard(parsing: $0) }
        return r
    }
}

/// Sizes such as "1GiB", "512MiB", "2GB", "800M" or plain bytes.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("gib", 1_073_741_824), ("mib", 1_048_576), ("kib", 1024), ("gb", 1e9), ("mb", 1e6), ("kb", 1e3),
                                         ("g", 1_073_741_824), ("m", 1_048_576), ("k", 1024), ("b", 1)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v > 0, v * factor < 1e15 else { return nil }
            return Int(v * factor)
        }
        return Int(t)
    }
}

/// Runs a cube build from an archive with progress, shared by `cube` and `composite`.
enum CubeRun {
    static func build(archive: String, output: String, filter: SceneFilterOptions, options: CubeBuildOptions,
                      settings: CubeSettings) throws {
        var settings = settings
        let sceneFilter = try filter.makeFilter()
        settings.from = sceneFilter.from
        settings.to = sceneFilter.to
        let catalog = try Catalog.scan(archive, filter: sceneFilter)
        for s in catalog.skipped { Log.info("skipped \(s.path): \(s.reason)") }
        guard !catalog.scenes.isEmpty else {
            throw CLIError.invalid("\(archive): no usable scenes after the filters (\(catalog.skipped.count) skipped); run `sitscube scenes \(archive) --max-cloud 100` to see what is there")
        }
        let grid = try GridSpec(parsing: options.grid).resolve(for: catalog.scenes)
        let builder = try CubeBuilder(scenes: catalog.scenes, grid: grid, settings: settings)
        for label in builder.emptyWindows { Log.info("window \(label) has no scene: its composite is NaN before filling") }
        let run = try options.runOptions()
        let side = builder.blockSize(for: run)
        Log.info("cube: \(builder.scenes.count) scenes, \(builder.windows.count) time steps, \(builder.bandNames.count) bands "
                 + "(\(builder.bandNames.joined(separator: ","))), grid \(grid.width)×\(grid.height), blocks of \(side)×\(side) on \(run.threads) threads")
        let blockCount = grid.window.subdivided(tileWidth: side, tileHeight: side).count
        let progress = Progress(total: run.shard.map { $0.range(of: blockCount).count } ?? blockCount, unit: "blocks")
        let start = Date()
        let report = try builder.build(into: output, run: run) { _, _, pixels in
            let rate = Double(pixels) / max(Date().timeIntervalSince(start), 1e-3)
            progress.advance(note: String(format: "%.2f Mpx/s", rate / 1e6))
        }
        progress.finish()
        if report.shardOnly {
            print("\(output): shard \(run.shard.map(String.init(describing:)) ?? "") staged \(report.blockCount) blocks; run without --shard to assemble the cube")
        } else if report.upToDate {
            print("\(output): up to date (same scenes and settings)")
        } else {
            print("\(output): \(report.manifest.times.count) time steps × \(report.manifest.bands.count) bands"
                  + (report.stagedBlocks > 0 ? ", \(report.stagedBlocks) of \(report.blockCount) blocks from shards" : "")
                  + (report.emptyPixels > 0 ? ", \(report.emptyPixels) pixels without any valid observation" : ""))
        }
    }
}
