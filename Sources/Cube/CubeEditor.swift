import Foundation
import GeoIO
import Scenes

/// Edits an existing cube in place, block by block: appends indices or fills gaps in time.
/// New files are written into `CUBE/.next/` with the new manifest and a `COMPLETE` marker, then
/// moved over the old ones; a run interrupted while moving is finished by the next run.
public enum CubeEditor {
    public enum Edit: Sendable {
        case addIndices([SpectralIndex])
        case fill(GapFill, fillEnds: Bool)
    }

    static let nextFolder = ".next"
    static let completeMarker = "COMPLETE"

    /// - Throws: `CubeError` when the cube is unreadable, an index is already there or needs a
    ///   band the cube lacks.
    @discardableResult
    public static func apply(_ edit: Edit, to folder: String, run: CubeRunOptions = CubeRunOptions()) throws -> CubeManifest {
        try finishInterruptedSwap(in: folder)
        let old = try CubeManifest.read(from: folder)
        var new = old
        var indexPlan: [(SpectralIndex, Int, Int)] = []
        switch edit {
        case let .addIndices(indices):
            for index in indices {
                guard !old.bands.contains(index.description) else {
                    throw CubeError.invalidOption("\(folder) already has the band \(index); nothing to add")
                }
                let inputs = try index.inputs.map { band -> Int in
                    guard let i = old.bands.firstIndex(of: band.rawValue) else {
                        throw CubeError.invalidOption("index \(index) needs band \(band.rawValue); the cube has \(old.bands.joined(separator: ","))")
                    }
                    return i
                }
                indexPlan.append((index, inputs[0], inputs[1]))
                new.bands.append(index.description)
            }
        case let .fill(method, ends):
            new.provenance.fill = method == .linear ? (ends ? "linear" : "linear (ends NaN)") : "none"
        }

        let grid = old.gridValue
        let next = folder + "/" + nextFolder
        try? FileManager.default.removeItem(atPath: next)
        try AtomicOutput.prepareFolder(of: next + "/x")
        let steps = old.times.count, inChannels = old.bands.count, outChannels = new.bands.count
        var writers: [GeoTIFFWriter] = []
        for t in new.times {
            let w = try GeoTIFFWriter(path: next + "/" + t.file, grid: grid, bandCount: outChannels, type: .float32, profile: .parallelBlocks)
            try w.setBandNames(new.bands)
            try w.setNoData(.nan)
            w.setMetadata("TIME_LABEL", t.label)
            w.setMetadata("TIME_START", t.start)
            w.setMetadata("TIME_END", t.end)
            writers.append(w)
        }
        let side = run.blockSize ?? max(64, min(2048, Int(Double(run.memoryBytes / 2 / max(1, run.threads) / (steps * outChannels * 4 + 8)).squareRoot())))
        let blocks = grid.window.subdivided(tileWidth: side, tileHeight: side)
        let positions = old.windows.map(\.midpoint)
        let workers = (0..<max(1, min(run.threads, blocks.count))).map { _ in EditWorker() }
        let lock = NSLock()
        try ParallelWork.run(count: blocks.count, threads: workers.count) { worker, job in
            let state = workers[worker]
            let block = blocks[job], n = block.pixelCount
            if state.sources.isEmpty { state.sources = try old.times.map { try Raster.open(folder + "/" + $0.file) } }
            if state.values.count < steps * outChannels * n { state.values = [Float](repeating: .nan, count: steps * outChannels * n) }
            for t in 0..<steps {
                for c in 0..<inChannels {
                    try state.sources[t].read(band: c + 1, window: block, into: &state.plane)
                    let base = (t * outChannels + c) * n
                    for i in 0..<n { state.values[base + i] = state.plane[i] }
                }
            }
            state.values.withUnsafeMutableBufferPointer { v in
                guard let p = v.baseAddress else { return }
                for t in 0..<steps {
                    for (x, (index, a, b)) in indexPlan.enumerated() {
                        let row = p + t * outChannels * n
                        index.compute(row + a * n, row + b * n, count: n, into: row + (inChannels + x) * n)
                    }
                }
                if case let .fill(method, ends) = edit, method == .linear {
                    for c in 0..<outChannels {
                        GapFill.linearFill(p + c * n, pixelCount: n, stride: outChannels * n, positions: positions, fillEnds: ends)
                    }
                }
            }
            lock.lock()
            defer { lock.unlock() }
            for t in 0..<steps {
                for c in 0..<outChannels {
                    let base = (t * outChannels + c) * n
                    try writers[t].write(band: c + 1, window: block, state.values[base..<(base + n)])
                }
            }
        }
        try ParallelWork.run(count: writers.count, threads: run.threads) { _, i in try writers[i].finish() }
        try new.write(to: next)
        try AtomicOutput.write(Data(), to: next + "/" + completeMarker)
        try finishInterruptedSwap(in: folder)
        try writeVRT(new, in: folder)
        return new
    }

    /// Moves a complete `.next/` over the cube (the manifest last); removes an incomplete one.
    static func finishInterruptedSwap(in folder: String) throws {
        let next = folder + "/" + nextFolder
        let fm = FileManager.default
        guard fm.fileExists(atPath: next) else { return }
        guard fm.fileExists(atPath: next + "/" + completeMarker) else {
            try? fm.removeItem(atPath: next)
            return
        }
        let manifest = try CubeManifest.read(from: next)
        for t in manifest.times where fm.fileExists(atPath: next + "/" + t.file) {
            try AtomicOutput.commit(next + "/" + t.file, to: folder + "/" + t.file)
        }
        try AtomicOutput.commit(next + "/" + CubeManifest.fileName, to: folder + "/" + CubeManifest.fileName)
        try fm.removeItem(atPath: next)
    }

    /// `cube.vrt`: every time step's bands stacked, for GIS viewers.
    public static func writeVRT(_ manifest: CubeManifest, in folder: String) throws {
        var sources: [VRTStack.Source] = []
        for t in manifest.times {
            for (c, name) in manifest.bands.enumerated() {
                sources.append(.init(file: t.file, band: c + 1, description: "\(t.label) \(name)"))
            }
        }
        try VRTStack.write(to: folder + "/cube.vrt", grid: manifest.gridValue, type: .float32, noData: .nan, sources: sources)
    }
}

private final class EditWorker {
    var sources: [Raster] = []
    var plane: [Float] = []
    var values: [Float] = []
}
