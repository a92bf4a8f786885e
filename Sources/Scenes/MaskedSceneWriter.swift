import Foundation
import GeoIO

/// Writes one scene, scaled and masked, onto a grid as a Float32 GeoTIFF: NaN where masked,
/// band descriptions set to the common band names. Used by `sitscube mask`.
public enum MaskedSceneWriter {
    public struct Result: Sendable {
        public let path: String
        /// Share of the grid's pixels masked (QA, buffer, invalid DNs, outside the footprint).
        public let maskedFraction: Double
    }

    /// - Parameters:
    ///   - threads: workers over 512×512 blocks, each with its own open files.
    /// - Throws: `SceneError` for a band the product lacks, GeoIO errors for unreadable input or
    ///   an unwritable output; no file appears at `path` then.
    @discardableResult
    public static func write(_ scene: Scene, to path: String, grid: Grid? = nil, bands: [CommonBand]? = nil,
                             mask: MaskOptions = MaskOptions(), resampling: Resampling = .bilinear,
                             threads: Int = ParallelWork.defaultThreads) throws -> Result {
        let target = try grid ?? GridSpec.nativeGrid(of: scene)
        let bandList = bands ?? scene.defaultBands
        let writer = try GeoTIFFWriter(path: path, grid: target, bandCount: bandList.count, type: .float32)
        try writer.setBandNames(bandList.map(\.rawValue))
        try writer.setNoData(.nan)
        writer.setMetadata("SCENE_ID", scene.id)
        writer.setMetadata("ACQUISITION_DATE", scene.date.description)
        writer.setMetadata("PLATFORM", scene.platform.rawValue)

        let blocks = target.window.subdivided(tileWidth: 512, tileHeight: 512)
        let workers = (0..<max(1, min(threads, blocks.count))).map { _ in WorkerState() }
        var maskedPixels = 0
        let writeLock = NSLock()
        try ParallelWork.run(count: blocks.count, threads: workers.count) { worker, job in
            let state = workers[worker]
            if state.reader == nil {
                state.reader = try SceneReader(scene: scene, grid: target, bands: bandList, mask: mask, resampling: resampling)
            }
            guard let reader = state.reader else { return }
            let window = blocks[job]
            let masked = try reader.read(window: window, into: &state.values)
            let n = window.pixelCount
            writeLock.lock()
            defer { writeLock.unlock() }
            maskedPixels += masked
            for b in 0..<bandList.count {
                try writer.write(band: b + 1, window: window, state.values[(b * n)..<((b + 1) * n)])
            }
        }
        let fraction = Double(maskedPixels) / Double(max(1, target.width * target.height))
        writer.setMetadata("MASKED_FRACTION", String(format: "%.6f", fraction))
        try writer.finish()
        return Result(path: path, maskedFraction: fraction)
    }
}

/// What one worker keeps between blocks: its open files and its block buffer.
private final class WorkerState {
    var reader: SceneReader?
    var values: [Float] = []
}
