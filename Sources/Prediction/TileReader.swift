import Cube
import GeoIO
import Models

/// How a patch crossing the cube border is filled, as in `sitscube patches --pad`.
enum BorderPolicy: String {
    /// Pixels whose patch crosses the border are not predicted (nodata).
    case skip
    /// Mirror without repeating the edge pixel (NumPy 'reflect').
    case reflect
    /// NaN outside, which becomes 0 after normalising.
    case nan

    /// The cube index that window index `i` reads: itself inside, its mirror image, or nil (NaN).
    static func source(_ i: Int, count n: Int, policy: BorderPolicy) -> Int? {
        if i >= 0 && i < n { return i }
        return policy == .reflect ? reflectIndex(i, count: n) : nil
    }
}

/// Reads one tile of the cube with a halo of `radius` pixels on every side, fills the halo
/// outside the cube by the border policy and normalises every value with the model card:
/// (x − mean) / std. The buffers are kept between tiles.
///
/// Layout of ``values``: [t][c][row][col] over the haloed window, Float32.
final class TileReader {
    let files: [Raster]
    let grid: Grid
    let times: Int, bands: Int
    let radius: Int
    let policy: BorderPolicy
    private let mean: [Float], deviation: [Float]
    private(set) var values: [Float] = []
    private var scratch: [Float] = []
    private(set) var haloWidth = 0, haloHeight = 0

    init(cubeFolder: String, manifest: CubeManifest, card: ModelCard, radius: Int, policy: BorderPolicy) throws {
        files = try manifest.times.map { try Raster.open(cubeFolder + "/" + $0.file) }
        grid = manifest.gridValue
        times = manifest.times.count
        bands = manifest.bands.count
        for (i, f) in files.enumerated() {
            guard f.width == grid.width, f.height == grid.height, f.bandCount == bands else {
                throw PredictionError.mismatch("\(f.path): \(f.width)×\(f.height) with \(f.bandCount) bands, but cube.json says \(grid.width)×\(grid.height) with \(bands) bands (time \(manifest.times[i].label))")
            }
        }
        self.radius = radius
        self.policy = policy
        var m: [Float] = [], s: [Float] = []
        for t in 0..<times {
            for c in 0..<bands {
                let st = card.normalization.statistics(time: t, band: c)
                m.append(Float(st.mean)); s.append(Float(st.std))
            }
        }
        mean = m; deviation = s
    }

    /// Bytes of the buffers for a tile of side `tile`.
    static func bytes(tile: Int, radius: Int, times: Int, bands: Int) -> Int {
        let side = tile + 2 * radius
        return side * side * times * bands * 4 + side * side * 4
    }

    /// Reads `tile` (in cube pixels) with its halo into ``values``, normalised, NaN kept.
    func read(_ tile: Window) throws {
        let r = radius
        haloWidth = tile.width + 2 * r
        haloHeight = tile.height + 2 * r
        let plane = haloWidth * haloHeight
        if values.count < plane * times * bands { values = [Float](repeating: .nan, count: plane * times * bands) }
        // The part of the haloed window inside the cube: one GDAL read per band and date.
        let halo = Window(col: tile.col - r, row: tile.row - r, width: haloWidth, height: haloHeight)
        let cubeWindow = grid.window
        // Rows and columns of the haloed window mapped to cube indices (border policy).
        let rowSource = (0..<haloHeight).map { BorderPolicy.source(halo.row + $0, count: grid.height, policy: policy) }
        let colSource = (0..<haloWidth).map { BorderPolicy.source(halo.col + $0, count: grid.width, policy: policy) }
        // Every source index lies in the rows/columns spanned by the mapped indices.
        let rows = rowSource.compactMap { $0 }, cols = colSource.compactMap { $0 }
        guard let r0 = rows.min(), let r1 = rows.max(), let c0 = cols.min(), let c1 = cols.max() else {
            values.withUnsafeMutableBufferPointer { $0.update(repeating: .nan) }
            return
        }
        let read = Window(col: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1)
        guard cubeWindow.contains(read) else { throw PredictionError.invalidOption("internal: \(read) outside the cube") }
        for t in 0..<times {
            for c in 0..<bands {
                try files[t].read(band: c + 1, window: read, into: &scratch)
                let m = mean[t * bands + c], s = deviation[t * bands + c]
                let base = (t * bands + c) * plane
                values.withUnsafeMutableBufferPointer { out in
                    scratch.withUnsafeBufferPointer { src in
                        for y in 0..<haloHeight {
                            let row = y * haloWidth + base
                            guard let sy = rowSource[y] else {
                                for x in 0..<haloWidth { out[row + x] = .nan }
                                continue
                            }
                            let srcRow = (sy - r0) * read.width - c0
                            for x in 0..<haloWidth {
                                if let sx = colSource[x] {
                                    out[row + x] = (src[srcRow + sx] - m) / s
                                } else {
                                    out[row + x] = .nan
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether the centre pixel (tile coordinates) has a full series (no NaN at any date or band).
    func hasFullSeries(row y: Int, col x: Int) -> Bool {
        let plane = haloWidth * haloHeight
        let at = (y + radius) * haloWidth + x + radius
        for k in 0..<(times * bands) where values[k * plane + at].isNaN { return false }
        return true
    }

    /// NaN → 0 after the centre check, as the trainer does with NaN neighbours in a patch.
    func zeroNaN() {
        let n = haloWidth * haloHeight * times * bands
        values.withUnsafeMutableBufferPointer { v in
            for i in 0..<n where v[i].isNaN { v[i] = 0 }
        }
    }
}
