import Foundation
import GeoIO
import Scenes

/// The streaming engine: for each block of the grid, read every scene's block (warped to the
/// grid when needed) and mask it, reduce per time window, add indices, fill gaps in time, and
/// write. Blocks run on all workers; memory is bounded by the block size, never by the scenes.
public final class CubeBuilder {
    public struct Report: Sendable {
        public let manifest: CubeManifest
        public let blockSize: Int
        public let blockCount: Int
        /// Pixels with no valid observation in any window (left NaN after filling).
        public let emptyPixels: Int
        public let upToDate: Bool
        /// A shard's run: its blocks are staged, no cube file was written.
        public var shardOnly = false
        /// Blocks taken from shards' staging instead of computed.
        public var stagedBlocks = 0
    }

    public let scenes: [Scene]
    public let grid: Grid
    public let settings: CubeSettings
    public let windows: [TimeWindow]
    public let bands: [CommonBand]
    /// For each window, the indices into `scenes` of the scenes it composites.
    public let scenesPerWindow: [[Int]]
    /// Names of the cube's bands: reflectance then indices.
    public var bandNames: [String] { bands.map(\.rawValue) + settings.indices.map(\.description) }

    /// Plans a cube: windows, band list, and which scene goes where.
    /// - Throws: `CubeError` when there are no scenes, no window, or an index needs a missing band.
    public init(scenes: [Scene], grid: Grid, settings: CubeSettings) throws {
        guard !scenes.isEmpty else { throw CubeError.noScenes("no scenes to build a cube from") }
        self.grid = grid
        self.settings = settings
        let dates = scenes.map(\.date)
        let from = settings.from ?? dates.min() ?? scenes[0].date
        let to = settings.to ?? dates.max() ?? scenes[0].date
        windows = settings.windows.windows(from: from, to: to, dates: dates)
        guard !windows.isEmpty else { throw CubeError.noScenes("no time window between \(from) and \(to)") }
        // Scenes outside every window take no part.
        var perWindow = [[Int]](repeating: [], count: windows.count)
        var used: [Scene] = []
        for scene in scenes {
            guard let w = windowIndex(of: scene.date, in: windows) else { continue }
            perWindow[w].append(used.count)
            used.append(scene)
        }
        guard !used.isEmpty else { throw CubeError.noScenes("no scene falls in the windows between \(from) and \(to)") }
        self.scenes = used
        scenesPerWindow = perWindow

        let shared = used.dropFirst().reduce(Set(used[0].defaultBands)) { $0.intersection($1.defaultBands) }
        if let asked = settings.bands {
            for band in asked {
                if let lacking = used.first(where: { $0.bands[band] == nil }) {
                    throw CubeError.invalidOption("band \(band.rawValue) is missing from \(lacking.id) (\(lacking.platform.rawValue)); bands all scenes share: \(shared.sorted().map(\.rawValue).joined(separator: ","))")
                }
            }
            bands = asked
        } else {
            bands = shared.sorted()
        }
        guard !bands.isEmpty else { throw CubeError.invalidOption("the scenes share no band; choose scenes of one sensor or pass --bands") }
        for index in settings.indices {
            for input in index.inputs where !bands.contains(input) {
                throw CubeError.invalidOption("index \(index) needs band \(input.rawValue), which the cube's bands (\(bands.map(\.rawValue).joined(separator: ","))) do not include")
            }
        }
    }

    public var emptyWindows: [String] { zip(windows, scenesPerWindow).filter { $0.1.isEmpty }.map { $0.0.label } }

    /// Bytes of block buffers one pixel costs: the largest window's observations, the
    /// composites of every time step, and the counts.
    var bytesPerPixel: Int {
        let channels = bands.count + (settings.indicesBeforeComposite ? settings.indices.count : 0)
        let maxK = scenesPerWindow.map(\.count).max() ?? 1
        return (maxK * channels + windows.count * bandNames.count + bands.count + 8) * 4 + windows.count * 2
    }

    /// The block side for a memory budget shared by `threads` workers, between 64 and 4096.
    /// From 512 up it is a multiple of 512, so blocks start on tile edges: each 256- or 512-pixel
    /// tile of a Landsat COG is inflated once per build rather than once per block it straddles
    /// (~1.5× the inflating at 832), and each 512-pixel tile of the staged outputs is written whole.
    public func blockSize(for run: CubeRunOptions) -> Int {
        if let fixed = run.blockSize { return max(1, fixed) }
        let perWorker = run.memoryBytes / 2 / max(1, run.threads)  // the other half: GDAL's cache and readers
        let side = Int(Double(perWorker / bytesPerPixel).squareRoot())
        return min(4096, max(64, side >= 512 ? side / 512 * 512 : side / 16 * 16))
    }

    var digest: String {
        var text = settings.fingerprint + "|" + "\(grid)"
        for s in scenes { text += "|" + s.id + "@" + s.path }
        return StableHash.hex(text)
    }

    /// Builds the cube into `folder`: one GeoTIFF per window, `counts/`, `cube.vrt`, and
    /// `cube.json` last. A folder whose manifest has the same settings digest is left as it is.
    /// - Parameter progress: called after each block with (blocks done, blocks in all, pixels done).
    public func build(into folder: String, run: CubeRunOptions = CubeRunOptions(),
                      progress: (@Sendable (Int, Int, Int) -> Void)? = nil) throws -> Report {
        // Shards on machines with other core counts may have chosen another block side: take
        // theirs, so their staged blocks fit (the side never changes the bytes).
        let side = run.blockSize == nil ? (BlockStaging.stagedSide(cube: folder, digest: digest) ?? blockSize(for: run)) : blockSize(for: run)
        let blocks = grid.window.subdivided(tileWidth: side, tileHeight: side)
        let manifest = CubeManifest(
            grid: grid, bands: bandNames, windows: windows,
            provenance: .init(scenes: scenes.map(\.id), mask: settings.maskDescription, reducer: settings.reducer.name,
                              fill: settings.fill == .linear ? (settings.fillEnds ? "linear" : "linear (ends NaN)") : "none",
                              version: CubeVersion.current, windows: settings.windows.name,
                              emptyWindows: emptyWindows, settingsDigest: digest))
        if let existing = try? CubeManifest.read(from: folder), existing == manifest,
           manifest.times.allSatisfy({ FileManager.default.fileExists(atPath: folder + "/" + $0.file) }) {
            return Report(manifest: existing, blockSize: side, blockCount: blocks.count, emptyPixels: 0, upToDate: true)
        }
        let staging = BlockStaging(cube: folder, digest: digest, side: side)
        if let shard = run.shard {
            return try buildShard(shard, blocks: blocks, staging: staging, manifest: manifest, side: side, run: run, progress: progress)
        }
        try AtomicOutput.prepareFolder(of: folder + "/counts/x")
        // An older manifest must not describe half-rewritten files.
        try? FileManager.default.removeItem(atPath: folder + "/" + CubeManifest.fileName)

        let channels = bandNames.count
        var writers: [GeoTIFFWriter] = []
        var countWriters: [GeoTIFFWriter] = []
        for t in manifest.times {
            let w = try GeoTIFFWriter(path: folder + "/" + t.file, grid: grid, bandCount: channels, type: .float32, profile: .parallelBlocks)
            try w.setBandNames(bandNames)
            try w.setNoData(.nan)
            w.setMetadata("TIME_LABEL", t.label)
            w.setMetadata("TIME_START", t.start)
            w.setMetadata("TIME_END", t.end)
            writers.append(w)
            let c = try GeoTIFFWriter(path: folder + "/counts/" + t.file, grid: grid, bandCount: 1, type: .uint16, profile: .parallelBlocks)
            try c.setBandNames(["valid_observations"])
            countWriters.append(c)
        }

        let workers = (0..<max(1, min(run.threads, blocks.count))).map { _ in BlockWorker(builder: self) }
        let lock = NSLock()
        var done = 0, pixels = 0, empty = 0, staged = 0
        try ParallelWork.run(count: blocks.count, threads: workers.count) { worker, job in
            let block = blocks[job]
            let state = workers[worker]
            let stagedEmpty = state.loadStaged(block, from: staging)
            let emptyHere = try stagedEmpty ?? state.compute(block)
            let n = block.pixelCount
            lock.lock()
            defer { lock.unlock() }
            for t in 0..<windows.count {
                for c in 0..<channels {
                    let base = (t * channels + c) * n
                    try writers[t].write(band: c + 1, window: block, state.composite[base..<(base + n)])
                }
                try countWriters[t].write(band: 1, window: block, state.counts[(t * n)..<((t + 1) * n)])
            }
            done += 1
            pixels += n
            empty += emptyHere
            if stagedEmpty != nil { staged += 1 }
            progress?(done, blocks.count, pixels)
        }
        // Finishing compresses each file; files are independent, so they finish in parallel.
        let all = writers + countWriters
        try ParallelWork.run(count: all.count, threads: run.threads) { _, i in try all[i].finish() }

        try CubeEditor.writeVRT(manifest, in: folder)
        try manifest.write(to: folder)
        try? FileManager.default.removeItem(atPath: folder + "/.shards")
        var report = Report(manifest: manifest, blockSize: side, blockCount: blocks.count, emptyPixels: empty, upToDate: false)
        report.stagedBlocks = staged
        return report
    }

    /// Computes one shard's blocks into the staging area, skipping blocks already staged (a
    /// killed shard resumes). The cube's files are written by a later run without a shard.
    private func buildShard(_ shard: Shard, blocks: [Window], staging: BlockStaging, manifest: CubeManifest, side: Int,
                            run: CubeRunOptions, progress: (@Sendable (Int, Int, Int) -> Void)?) throws -> Report {
        try AtomicOutput.prepareFolder(of: staging.folder + "/x")
        let mine = Array(shard.range(of: blocks.count)).filter { !staging.has(blocks[$0]) }
        let workers = (0..<max(1, min(run.threads, mine.count))).map { _ in BlockWorker(builder: self) }
        let lock = NSLock()
        var done = 0, pixels = 0, empty = 0
        try ParallelWork.run(count: mine.count, threads: workers.count) { worker, job in
            let block = blocks[mine[job]]
            let state = workers[worker]
            let emptyHere = try state.compute(block)
            try state.saveStaged(block, to: staging, empty: emptyHere)
            lock.lock()
            defer { lock.unlock() }
            done += 1
            pixels += block.pixelCount
            empty += emptyHere
            progress?(done, mine.count, pixels)
        }
        var report = Report(manifest: manifest, blockSize: side, blockCount: mine.count, emptyPixels: empty, upToDate: false)
        report.shardOnly = true
        return report
    }
}

/// The build's version string in manifests.
public enum CubeVersion {
    public static let current = "sitscube 0.1.0"
}

/// FNV-1a 64-bit: a stable digest (Swift's `Hasher` is seeded per process).
enum StableHash {
    static func hex(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h &*= 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }
}
