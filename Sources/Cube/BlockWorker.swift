import GeoIO
import Scenes

/// One worker of the engine: its open scene readers and its block buffers, reused block after
/// block (fresh memory costs page faults on every block otherwise).
final class BlockWorker {
    private unowned let builder: CubeBuilder
    private var readers: [SceneReader?]
    private let scratch = ReadScratch()
    private let workspace = ReducerWorkspace()
    private var sceneValues: [Float] = []
    private var observations: [Float] = []
    private var countScratch: [UInt16] = []
    /// (time, channel, pixel): the block's cube values after `compute`.
    private(set) var composite: [Float] = []
    /// (time, pixel): valid observations behind each composite pixel.
    private(set) var counts: [UInt16] = []

    init(builder: CubeBuilder) {
        self.builder = builder
        readers = Array(repeating: nil, count: builder.scenes.count)
    }

    private func reader(_ s: Int) throws -> SceneReader {
        if let r = readers[s] { return r }
        let b = builder
        let r = try SceneReader(scene: b.scenes[s], grid: b.grid, bands: b.bands, mask: b.settings.mask,
                                resampling: b.settings.resampling, scratch: scratch)
        readers[s] = r
        return r
    }

    /// Computes the cube values of one block.
    /// - Returns: the number of pixels with no valid observation at all.
    /// - Throws: `CubeError.badCube`-style errors naming the scene whose read failed.
    func compute(_ block: Window) throws -> Int {
        let b = builder
        let n = block.pixelCount
        let bandCount = b.bands.count
        let indices = b.settings.indices
        let channels = bandCount + indices.count
        let steps = b.windows.count
        let observed = b.settings.indicesBeforeComposite ? channels : bandCount
        let maxK = b.scenesPerWindow.map(\.count).max() ?? 0
        grow(&observations, to: observed * maxK * n)
        grow(&composite, to: steps * channels * n)
        grow(&countScratch, to: n)
        grow(&counts, to: steps * n)

        for t in 0..<steps {
            let members = b.scenesPerWindow[t]
            let k = members.count
            for (j, s) in members.enumerated() {
                do { try reader(s).read(window: block, into: &sceneValues) } catch {
                    throw CubeError.badCube(path: b.scenes[s].path, "reading \(block) failed: \(error)")
                }
                observations.withUnsafeMutableBufferPointer { obs in
                    sceneValues.withUnsafeBufferPointer { v in
                        for band in 0..<bandCount {
                            let dst = obs.baseAddress! + (band * k + j) * n
                            dst.update(from: v.baseAddress! + band * n, count: n)
                        }
                        guard b.settings.indicesBeforeComposite else { return }
                        for (x, index) in indices.enumerated() {
                            let inputs = index.inputs.map { b.bands.firstIndex(of: $0) ?? 0 }
                            index.compute(v.baseAddress! + inputs[0] * n, v.baseAddress! + inputs[1] * n, count: n,
                                          into: obs.baseAddress! + ((bandCount + x) * k + j) * n)
                        }
                    }
                }
            }
            observations.withUnsafeBufferPointer { obs in
                composite.withUnsafeMutableBufferPointer { comp in
                    countScratch.withUnsafeMutableBufferPointer { cnt in
                        for ch in 0..<observed {
                            b.settings.reducer.reduce(obs.baseAddress! + ch * k * n, observationCount: k, pixelCount: n,
                                                      into: comp.baseAddress! + (t * channels + ch) * n, counts: cnt.baseAddress!,
                                                      workspace: workspace)
                            if ch == 0 { for i in 0..<n { counts[t * n + i] = cnt[i] } }
                        }
                        guard !b.settings.indicesBeforeComposite else { return }
                        for (x, index) in indices.enumerated() {
                            let inputs = index.inputs.map { b.bands.firstIndex(of: $0) ?? 0 }
                            let base = comp.baseAddress! + t * channels * n
                            index.compute(base + inputs[0] * n, base + inputs[1] * n, count: n,
                                          into: comp.baseAddress! + (t * channels + bandCount + x) * n)
                        }
                    }
                }
            }
        }

        let positions = b.windows.map(\.midpoint)
        return composite.withUnsafeMutableBufferPointer { comp in
            var empty = 0
            for c in 0..<channels {
                let base = comp.baseAddress! + c * n
                if b.settings.fill == .linear {
                    let e = GapFill.linearFill(base, pixelCount: n, stride: channels * n, positions: positions, fillEnds: b.settings.fillEnds)
                    if c == 0 { empty = e }
                } else if c == 0 {
                    for i in 0..<n where (0..<steps).allSatisfy({ base[$0 * channels * n + i].isNaN }) { empty += 1 }
                }
            }
            return empty
        }
    }

    /// Takes a block's values from a shard's staging area instead of computing them.
    /// - Returns: the block's empty-pixel count, or nil when the block is not staged.
    func loadStaged(_ block: Window, from staging: BlockStaging) -> Int? {
        let n = block.pixelCount, steps = builder.windows.count
        return staging.load(block, composite: &composite, compositeCount: steps * builder.bandNames.count * n,
                            counts: &counts, countCount: steps * n)
    }

    /// Saves the block just computed to a shard's staging area.
    func saveStaged(_ block: Window, to staging: BlockStaging, empty: Int) throws {
        let n = block.pixelCount, steps = builder.windows.count
        try staging.save(block, composite: composite[0..<(steps * builder.bandNames.count * n)],
                         counts: counts[0..<(steps * n)], empty: empty)
    }

    private func grow<T: Numeric>(_ buffer: inout [T], to count: Int) {
        if buffer.count < count { buffer = [T](repeating: 0, count: count) }
    }
}
