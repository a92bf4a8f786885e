import Foundation
import GeoIO

/// Settings of the parcel cropper (seed 003: 32×32 crops, zero outside the parcel).
public struct ParcelSettings: Sendable {
    public var size: Int
    public var keepNaN: Bool
    public var threads: Int

    public init(size: Int = 32, keepNaN: Bool = false, threads: Int = 2) {
        self.size = size
        self.keepNaN = keepNaN
        self.threads = threads
    }

    /// - Throws: `SamplesError.invalidOption` for a size outside 1…1024.
    public func validate() throws {
        guard size >= 1, size <= 1024 else { throw SamplesError.invalidOption("--size \(size): parcel crops need a size of 1…1024 (32 in seed 003)") }
    }
}

/// Where a parcel's rows go: `x.npy` (T, C, S, S), `mask.npy` (S, S), `features.npy` (T, 2C).
public struct ParcelWriters {
    public var x: NpyWriter
    public var mask: NpyWriter
    public var features: NpyWriter

    public init(x: NpyWriter, mask: NpyWriter, features: NpyWriter) {
        self.x = x
        self.mask = mask
        self.features = features
    }
}

/// Crops each parcel's bounding box on the cube grid across all times and bands, sets the pixels
/// outside the polygon to 0 and resizes the crop to size×size with `MaskedResize` (seed 003 §3).
/// Also computes the GRU baseline's input: per date, the mean and standard deviation of each
/// band over the parcel's pixels before resizing.
///
/// The bounding box is that of the pixels whose centre lies inside (GDAL's rasterizer rule, as
/// `gdal_rasterize`). Parcels are read one window at a time in cube-block order, so memory holds
/// one parcel, whatever the cube's size.
public enum ParcelCropper {
    /// Parcels wider or taller than this are skipped: one would need its whole box in memory.
    public static let maximumSide = 4096

    /// - Parameters:
    ///   - progress: called now and then with (parcels done, parcels).
    /// - Returns: one record per parcel written (x, y: the crop's centre; row, col: its pixel).
    /// - Throws: `SamplesError.invalidOption` for a bad size; GeoIO errors when the cube cannot be read.
    public static func run(cube: CubeSource, labels: [PolygonLabel], settings: ParcelSettings, writers: ParcelWriters,
                           progress: ((Int, Int) -> Void)? = nil) throws -> (records: [SampleRecord], skipped: SkipCounts) {
        try settings.validate()
        let grid = cube.grid, T = cube.timeCount, C = cube.bandCount, S = settings.size
        var skipped = SkipCounts()

        // Pixel windows first (cheap), then sort by the block of the window's corner so that
        // neighbouring parcels share GDAL's cached tiles.
        var jobs: [(label: PolygonLabel, window: Window, key: (Int, Int, Int, Int))] = []
        for l in labels {
            guard let env = VectorLabels.envelopeWindow(l.geometry, grid: grid) else { skipped.add(.outside); continue }
            guard env.width <= maximumSide + 2, env.height <= maximumSide + 2 else { skipped.add(.tooLarge); continue }
            let t = cube.tileSize
            let blocksAcross = (grid.width + t.width - 1) / t.width
            jobs.append((l, env, ((env.row / t.height) * blocksAcross + env.col / t.width, env.row, env.col, l.feature)))
        }
        jobs.sort { $0.key < $1.key }

        var values: [Float] = [], masked: [Float] = [], scratch: [Float] = []
        var outX = [Float](repeating: 0, count: T * C * S * S)
        var features = [Float](repeating: 0, count: T * 2 * C)
        var records: [SampleRecord] = []
        for (done, job) in jobs.enumerated() {
            if done % 256 == 0 { progress?(done, jobs.count) }
            let l = job.label
            // Rasterize on the envelope window, then tighten it to the pixels inside.
            let full: [UInt8] = try Rasterizer.rasterize([l.geometry], values: [1], onto: grid.subgrid(job.window), as: UInt8.self)
            var r0 = Int.max, r1 = -1, c0 = Int.max, c1 = -1
            for r in 0..<job.window.height {
                for c in 0..<job.window.width where full[r * job.window.width + c] != 0 {
                    r0 = min(r0, r); r1 = max(r1, r); c0 = min(c0, c); c1 = max(c1, c)
                }
            }
            guard r1 >= 0 else { skipped.add(.noPixel); continue }
            let window = Window(col: job.window.col + c0, row: job.window.row + r0, width: c1 - c0 + 1, height: r1 - r0 + 1)
            // A parcel running off the cube would be cut; its bounding box must lie inside.
            if let env = l.geometry.envelope, !(gridContains(grid, env)) { skipped.add(.partlyOutside); continue }
            var mask = [UInt8](repeating: 0, count: window.pixelCount)
            for r in 0..<window.height {
                for c in 0..<window.width { mask[r * window.width + c] = full[(r + r0) * job.window.width + c + c0] }
            }

            try cube.read(window: window, into: &values, threads: settings.threads)
            let n = window.pixelCount
            var hasNaN = false
            for plane in 0..<(T * C) where !hasNaN {
                for i in 0..<n where mask[i] != 0 && values[plane * n + i].isNaN { hasNaN = true; break }
            }
            if hasNaN && !settings.keepNaN { skipped.add(.nan); continue }

            // Features on the parcel's own pixels (NaN left out), before any resizing.
            for t in 0..<T {
                for c in 0..<C {
                    let base = (t * C + c) * n
                    var count = 0, sum = 0.0
                    for i in 0..<n where mask[i] != 0 && !values[base + i].isNaN { count += 1; sum += Double(values[base + i]) }
                    let mean = count > 0 ? sum / Double(count) : .nan
                    var squares = 0.0
                    for i in 0..<n where mask[i] != 0 && !values[base + i].isNaN { let d = Double(values[base + i]) - mean; squares += d * d }
                    features[t * 2 * C + c] = Float(mean)
                    features[t * 2 * C + C + c] = count > 0 ? Float((squares / Double(count)).squareRoot()) : .nan
                }
            }

            let resize = MaskedResize(width: window.width, height: window.height, size: S)
            let (outMask, weight) = resize.mask(mask)
            if masked.count < n { masked = [Float](repeating: 0, count: n) }
            for plane in 0..<(T * C) {
                for i in 0..<n { masked[i] = mask[i] != 0 ? values[plane * n + i] : 0 }
                masked.withUnsafeBufferPointer { src in
                    outX.withUnsafeMutableBufferPointer { dst in
                        guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                        resize.values(s, weight: weight, outMask: outMask, into: d + plane * S * S, scratch: &scratch)
                    }
                }
            }
            try writers.x.append(outX)
            try writers.mask.append(outMask)
            try writers.features.append(features)
            let centre = grid.transform.world(col: Double(window.col) + Double(window.width) / 2, row: Double(window.row) + Double(window.height) / 2)
            records.append(SampleRecord(code: l.code, x: centre.x, y: centre.y,
                                        row: window.row + window.height / 2, col: window.col + window.width / 2, group: l.group))
        }
        progress?(jobs.count, jobs.count)
        return (records, skipped)
    }

    private static func gridContains(_ grid: Grid, _ e: Envelope) -> Bool {
        let b = grid.bounds
        return e.minX >= b.minX && e.maxX <= b.maxX && e.minY >= b.minY && e.maxY <= b.maxY
    }
}
