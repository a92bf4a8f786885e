import Cube
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
    /// The memory the band buffer may use (strips narrow, by whole tiles, to fit); GDAL's block
    /// cache (256 MB) and a 32 MB output batch come on top.
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
/// Memory is bounded and every cube tile is decompressed about once, however the labels lie:
/// the cube is walked in column strips (as wide as the memory budget allows, whole tiles) and,
/// down each strip, in bands one tile row high, shifted up by size/2 so that a band's windows
/// reach only into the band above. Each band reads its own tile row and takes the rows above
/// from the previous band (the carry), so no tile is decoded twice for a halo. Bands and strips
/// without labels are never read. Samples therefore come out ordered by strip, band, row and
/// column.
public enum PatchSampler {
    /// - Parameters:
    ///   - progress: called after each band with (bands done, bands with labels).
    /// - Returns: the samples written, in the order of the rows of `writer`, and what was skipped.
    /// - Throws: `SamplesError.invalidOption` for a bad size; GeoIO errors when the cube cannot be read.
    public static func run(cube: CubeSource, labels: [PixelLabel], settings: PatchSettings, writer: NpyWriter,
                           progress: ((Int, Int) -> Void)? = nil) throws -> (records: [SampleRecord], skipped: SkipCounts) {
        try settings.validate()
        let grid = cube.grid, h = settings.size / 2, s = settings.size
        let planes = cube.timeCount * cube.bandCount
        var skipped = SkipCounts()

        // Border samples never need reading when they are skipped.
        var usable: [(label: PixelLabel, order: Int)] = []
        for (i, l) in labels.enumerated() {
            let inside = l.col - h >= 0 && l.row - h >= 0 && l.col + h < grid.width && l.row + h < grid.height
            if !inside && settings.pad == .skip { skipped.add(.border) } else { usable.append((l, i)) }
        }

        let (bandHeight, stripWidth) = layout(cube: cube, settings: settings)
        func key(_ l: PixelLabel) -> (strip: Int, band: Int) { ((l.col + h) / stripWidth, (l.row + h) / bandHeight) }
        usable.sort { a, b in
            let ka = key(a.label), kb = key(b.label)
            return (ka.strip, ka.band, a.label.row, a.label.col, a.order) < (kb.strip, kb.band, b.label.row, b.label.col, b.order)
        }

        let patchValues = planes * s * s
        let batchCapacity = max(1, (32 << 20) / max(patchValues * 4, 1))
        var batch = [Float](repeating: 0, count: batchCapacity * patchValues)
        var inBatch = 0
        var current: [Float] = [], carry: [Float] = [], single: [Float] = []
        var currentWindow: Window? = nil, currentKey: (strip: Int, band: Int)? = nil
        var records: [SampleRecord] = []
        records.reserveCapacity(usable.count)
        var rows = [Int](repeating: 0, count: s), cols = [Int](repeating: 0, count: s)

        let groupCount = Set(usable.map { "\(key($0.label))" }).count
        var groupsDone = 0
        var start = 0
        while start < usable.count {
            let k = key(usable[start].label)
            var end = start
            while end < usable.count, key(usable[end].label) == k { end += 1 }

            // The band's rows: the windows of samples in rows [bE − h, (b+1)E − h) reach rows
            // [bE − 2h, (b+1)E); columns likewise within the strip.
            let c0 = max(0, k.strip * stripWidth - 2 * h), c1 = min(grid.width, (k.strip + 1) * stripWidth)
            let r0 = max(0, k.band * bandHeight - 2 * h), r1 = min(grid.height, (k.band + 1) * bandHeight)
            let window = Window(col: c0, row: r0, width: c1 - c0, height: r1 - r0)
            let fresh = min(max(r0, k.band * bandHeight), r1)
            if let prev = currentWindow, let pk = currentKey, pk.strip == k.strip, pk.band == k.band - 1,
               prev.col == c0, prev.width == window.width, prev.row <= r0, prev.rowEnd == fresh {
                // Carry the rows above the fresh ones over from the previous band.
                let carryRows = fresh - r0, w = window.width
                let carryValues = carryRows * w
                if carry.count < planes * carryValues { carry = [Float](repeating: 0, count: planes * carryValues) }
                let plane = window.pixelCount, prevPlane = prev.pixelCount
                current.withUnsafeBufferPointer { cur in
                    carry.withUnsafeMutableBufferPointer { car in
                        guard let cp = cur.baseAddress, let kp = car.baseAddress, carryValues > 0 else { return }
                        for p in 0..<planes { (kp + p * carryValues).update(from: cp + p * prevPlane + (r0 - prev.row) * w, count: carryValues) }
                    }
                }
                if current.count < planes * plane {
                    current = []  // the carry is saved: free the old buffer before allocating the larger one
                    current = [Float](repeating: .nan, count: planes * plane)
                }
                current.withUnsafeMutableBufferPointer { cur in
                    carry.withUnsafeBufferPointer { car in
                        guard let cp = cur.baseAddress, let kp = car.baseAddress, carryValues > 0 else { return }
                        for p in 0..<planes { (cp + p * plane).update(from: kp + p * carryValues, count: carryValues) }
                    }
                }
                if r1 > fresh {
                    try cube.read(window: Window(col: c0, row: fresh, width: w, height: r1 - fresh), into: &current,
                                  planeStride: plane, offset: carryValues, threads: settings.threads)
                }
            } else {
                try cube.read(window: window, into: &current, threads: settings.threads)
            }
            currentWindow = window
            currentKey = k

            for j in start..<end {
                let l = usable[j].label
                for d in 0..<s {
                    rows[d] = source(l.row - h + d, count: grid.height, pad: settings.pad) ?? -1
                    cols[d] = source(l.col - h + d, count: grid.width, pad: settings.pad) ?? -1
                }
                // Windows reach outside the band only through repeated reflection on a cube smaller
                // than the window; read those few on their own.
                var from = window
                let used = (rows.filter { $0 >= 0 }, cols.filter { $0 >= 0 })
                if let rMin = used.0.min(), let rMax = used.0.max(), let cMin = used.1.min(), let cMax = used.1.max(),
                   !window.contains(Window(col: cMin, row: rMin, width: cMax - cMin + 1, height: rMax - rMin + 1)) {
                    from = Window(col: cMin, row: rMin, width: cMax - cMin + 1, height: rMax - rMin + 1)
                    try cube.read(window: from, into: &single, threads: settings.threads)
                }
                let hasNaN = (from == window ? current : single).withUnsafeBufferPointer { src in
                    batch.withUnsafeMutableBufferPointer { dst in
                        extract(from: src, window: from, rows: rows, cols: cols, planes: planes, into: dst, at: inBatch * patchValues)
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
            groupsDone += 1
            progress?(groupsDone, groupCount)
            start = end
        }
        if inBatch > 0 {
            try batch.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<inBatch * patchValues])) }
        }
        return (records, skipped)
    }

    /// Copies one window (cube rows and columns given, −1 for NaN padding) out of a buffer of
    /// packed planes covering `window`. - Returns: whether a cube value in it is NaN.
    static func extract(from src: UnsafeBufferPointer<Float>, window: Window, rows: [Int], cols: [Int], planes: Int,
                        into dst: UnsafeMutableBufferPointer<Float>, at start: Int) -> Bool {
        guard let sp = src.baseAddress, let dp = dst.baseAddress else { return false }
        let s = rows.count, planeSize = window.pixelCount
        let contiguous = cols[0] >= 0 && cols[s - 1] == cols[0] + s - 1
        var hasNaN = false
        var o = start
        for plane in 0..<planes {
            let p = sp + plane * planeSize
            for dy in 0..<s {
                guard rows[dy] >= 0 else {
                    (dp + o).update(repeating: .nan, count: s)
                    o += s
                    continue
                }
                let line = p + (rows[dy] - window.row) * window.width - window.col
                if contiguous {
                    (dp + o).update(from: line + cols[0], count: s)
                    for dx in 0..<s where dp[o + dx].isNaN { hasNaN = true }
                    o += s
                } else {
                    for dx in 0..<s {
                        if cols[dx] < 0 { dp[o] = .nan } else {
                            let v = line[cols[dx]]
                            if v.isNaN { hasNaN = true }
                            dp[o] = v
                        }
                        o += 1
                    }
                }
            }
        }
        return hasNaN
    }

    /// The cube index a window index reads from: itself inside, its mirror image (`reflect`) or
    /// nil (`nan`) outside. `skip` never asks for outside indices.
    static func source(_ i: Int, count n: Int, pad: PadMode) -> Int? {
        if i >= 0 && i < n { return i }
        switch pad {
        case .nan, .skip: return nil
        case .reflect: return reflectIndex(i, count: n)
        }
    }

    /// Band height (the cube's tile height) and strip width (whole tiles, as many as the memory
    /// budget holds for a band with its halo and carry; the whole width when it fits).
    static func layout(cube: CubeSource, settings: PatchSettings) -> (bandHeight: Int, stripWidth: Int) {
        if let b = settings.blockSize { return (max(b, 1), max(b, 1)) }
        let h = settings.size / 2, tile = cube.tileSize
        // Per column of a strip: the band with its halo and carry, and one row of tile per time step being read.
        let perColumn = (tile.height + 4 * h) * cube.timeCount * cube.bandCount * 4 + tile.height * cube.timeCount * 4
        let columns = max(settings.memoryBytes / max(perColumn, 1) - 2 * h, 1)
        let whole = (cube.grid.width + tile.width - 1) / tile.width * tile.width
        return (tile.height, min(max(columns / tile.width, 1) * tile.width, whole))
    }
}
