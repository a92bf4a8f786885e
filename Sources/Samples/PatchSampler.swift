import Foundation
import GeoIO

/// What to do with a patch window that crosses the cube border.
public enum PadMode: String, CaseIterable, Sendable, Codable {
    /// Skip the sample (the default).
    case skip
    /// Mirror the cube at its border without repeating the edge pixel (NumPy's `reflect`).
    case reflect
    /// Fill the outside with NaN.
    case nan
}

/// Settings of the patch sampler (seed 000: 9×9 windows of all time steps and bands).
public struct PatchSettings: Sendable {
    /// Odd window size in pixels.
    public var size: Int
    public var pad: PadMode
    /// Keep samples whose window holds NaN from the cube (they are skipped by default).
    public var keepNaN: Bool
    public var threads: Int
    /// The memory the block buffer may use; blocks shrink below the cube's tile size to fit.
    public var memoryBytes: Int
    /// A fixed block edge (tests use small ones to cross block borders); nil follows the tiles.
    public var blockSize: Int?

    public init(size: Int = 9, pad: PadMode = .skip, keepNaN: Bool = false, threads: Int = 2,
                memoryBytes: Int = 512 << 20, blockSize: Int? = nil) {
        self.size = size
        self.pad = pad
        self.keepNaN = keepNaN
        self.threads = threads
        self.memoryBytes = memoryBytes
        self.blockSize = blockSize
    }

    /// - Throws: `SamplesError.invalidOption` for an even or non-positive size.
    public func validate() throws {
        guard size >= 1, size % 2 == 1 else {
            throw SamplesError.invalidOption("--size \(size): patches need an odd size (9 in the FLU study), so that one pixel is the centre")
        }
        guard size <= 1001 else { throw SamplesError.invalidOption("--size \(size) is too large (at most 1001)") }
    }
}

/// One sample as `samples.csv` lists it (before splits are assigned).
public struct SampleRecord: Equatable, Sendable {
    public var code: Int
    public var x: Double
    public var y: Double
    public var row: Int
    public var col: Int
    public var group: String
}

/// Cuts a size×size window centred on each labeled pixel across all times and bands, in
/// (T, C, H, W) order, and streams it to `x.npy`.
///
/// Memory is bounded by one block: labels are sorted by the cube block holding them, each block
/// (with a halo of size/2) is read once for all its labels, and blocks without labels are never
/// read. Samples therefore come out ordered by block, then row and column.
public enum PatchSampler {
    /// - Parameters:
    ///   - progress: called after each block with (blocks done, blocks with labels).
    /// - Returns: the samples written, in the order of the rows of `writer`, and what was skipped.
    /// - Throws: `SamplesError.invalidOption` for a bad size; GeoIO errors when the cube cannot be read.
    public static func run(cube: CubeSource, labels: [PixelLabel], settings: PatchSettings, writer: NpyWriter,
                           progress: ((Int, Int) -> Void)? = nil) throws -> (records: [SampleRecord], skipped: SkipCounts) {
        try settings.validate()
        let grid = cube.grid, half = settings.size / 2, s = settings.size
        let T = cube.timeCount, C = cube.bandCount
        var skipped = SkipCounts()

        // Border samples never need reading when they are skipped.
        var usable: [(label: PixelLabel, order: Int)] = []
        for (i, l) in labels.enumerated() {
            let inside = l.col - half >= 0 && l.row - half >= 0 && l.col + half < grid.width && l.row + half < grid.height
            if !inside && settings.pad == .skip { skipped.add(.border) } else { usable.append((l, i)) }
        }

        let edge = blockEdge(cube: cube, settings: settings)
        let blocksAcross = (grid.width + edge - 1) / edge
        func blockOf(_ l: PixelLabel) -> Int { (l.row / edge) * blocksAcross + l.col / edge }
        usable.sort { a, b in
            let ka = (blockOf(a.label), a.label.row, a.label.col, a.order), kb = (blockOf(b.label), b.label.row, b.label.col, b.order)
            return ka < kb
        }

        let patchValues = T * C * s * s
        let batchCapacity = max(1, (32 << 20) / max(patchValues * 4, 1))
        var batch = [Float](repeating: 0, count: batchCapacity * patchValues)
        var inBatch = 0
        var block: [Float] = []
        var records: [SampleRecord] = []
        records.reserveCapacity(usable.count)
        var rowOffsets = [Int](repeating: 0, count: s), colOffsets = [Int](repeating: 0, count: s)

        var start = 0
        let blockCount = Set(usable.map { blockOf($0.label) }).count
        var blocksDone = 0
        while start < usable.count {
            let b = blockOf(usable[start].label)
            var end = start
            while end < usable.count, blockOf(usable[end].label) == b { end += 1 }
            let blockWindow = Window(col: (b % blocksAcross) * edge, row: (b / blocksAcross) * edge, width: edge, height: edge)
            guard let halo = blockWindow.padded(by: half).intersection(grid.window) else { start = end; continue }
            try cube.read(window: halo, into: &block, threads: settings.threads)
            let planeSize = halo.pixelCount

            for k in start..<end {
                let l = usable[k].label
                // Offsets of the window's rows and columns inside the halo buffer; -1 = NaN padding.
                for d in 0..<s {
                    rowOffsets[d] = source(l.row - half + d, count: grid.height, pad: settings.pad).map { ($0 - halo.row) * halo.width } ?? -1
                    colOffsets[d] = source(l.col - half + d, count: grid.width, pad: settings.pad).map { $0 - halo.col } ?? -1
                }
                let contiguous = colOffsets[0] >= 0 && colOffsets[s - 1] == colOffsets[0] + s - 1
                var hasNaN = false
                block.withUnsafeBufferPointer { src in
                    batch.withUnsafeMutableBufferPointer { dst in
                        guard let sp = src.baseAddress, let dp = dst.baseAddress else { return }
                        var o = inBatch * patchValues
                        for plane in 0..<(T * C) {
                            let p = sp + plane * planeSize
                            for dy in 0..<s {
                                let ro = rowOffsets[dy]
                                if ro < 0 {
                                    (dp + o).update(repeating: .nan, count: s)
                                    o += s
                                    continue
                                }
                                if contiguous {
                                    (dp + o).update(from: p + ro + colOffsets[0], count: s)
                                    for dx in 0..<s where dp[o + dx].isNaN { hasNaN = true }
                                    o += s
                                } else {
                                    for dx in 0..<s {
                                        let co = colOffsets[dx]
                                        if co < 0 { dp[o] = .nan } else {
                                            let v = p[ro + co]
                                            if v.isNaN { hasNaN = true }
                                            dp[o] = v
                                        }
                                        o += 1
                                    }
                                }
                            }
                        }
                    }
                }
                if hasNaN && !settings.keepNaN { skipped.add(.nan); continue }
                records.append(SampleRecord(code: l.code, x: l.x, y: l.y, row: l.row, col: l.col, group: l.group))
                inBatch += 1
                if inBatch == batchCapacity {
                    try batch.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<inBatch * patchValues])) }
                    inBatch = 0
                }
            }
            blocksDone += 1
            progress?(blocksDone, blockCount)
            start = end
        }
        if inBatch > 0 {
            try batch.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<inBatch * patchValues])) }
        }
        return (records, skipped)
    }

    /// The cube index a window index reads from: itself inside, its mirror image (`reflect`) or
    /// nil (`nan`) outside. `skip` never asks for outside indices.
    static func source(_ i: Int, count n: Int, pad: PadMode) -> Int? {
        if i >= 0 && i < n { return i }
        switch pad {
        case .nan, .skip: return nil
        case .reflect:
            guard n > 1 else { return 0 }
            let period = 2 * (n - 1)
            let m = ((i % period) + period) % period
            return m < n ? m : period - m
        }
    }

    /// The block edge: the cube's tile, halved until the block and its halo fit the memory budget.
    static func blockEdge(cube: CubeSource, settings: PatchSettings) -> Int {
        if let b = settings.blockSize { return max(b, 1) }
        var edge = max(cube.tileSize.width, cube.tileSize.height)
        let half = settings.size / 2
        while edge > 16, cube.timeCount * cube.bandCount * (edge + 2 * half) * (edge + 2 * half) * 4 > settings.memoryBytes { edge /= 2 }
        return edge
    }
}
