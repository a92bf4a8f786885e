import GeoIO

/// Reads a scene's bands onto a target grid in physical units (reflectance, kelvin), NaN
/// wherever the quality layer, the buffer or the band's own valid range says so.
/// One reader per thread: it owns open GDAL datasets and reusable block buffers.
public final class SceneReader {
    public let scene: Scene
    public let grid: Grid
    public let bands: [CommonBand]
    public let mask: MaskOptions

    private let sources: [BandSource]
    private let files: [BandFile]
    private let quality: BandSource
    private let saturation: BandSource?
    private let work: ReadScratch

    /// - Parameters:
    ///   - resampling: for reflectance and temperature when the scene must be warped (bilinear by
    ///     default); QA_PIXEL and SCL always use nearest neighbour.
    /// - Throws: `SceneError.missingBand` for a band the sensor lacks, or GeoIO errors opening files.
    ///   - scratch: block buffers; readers used one after another on one thread can share one.
    public init(scene: Scene, grid: Grid, bands: [CommonBand]? = nil, mask: MaskOptions = MaskOptions(),
                resampling: Resampling = .bilinear, scratch: ReadScratch = ReadScratch()) throws {
        self.scene = scene
        work = scratch
        self.grid = grid
        self.mask = mask
        let wanted = bands ?? scene.defaultBands
        self.bands = wanted
        var files: [BandFile] = []
        for band in wanted {
            guard let file = scene.bands[band] else {
                throw SceneError.missingBand(path: scene.path, band: "\(band.rawValue) (the \(scene.platform.rawValue) product has \(scene.availableBands.map(\.rawValue).joined(separator: ", ")))")
            }
            files.append(file)
        }
        self.files = files
        sources = try files.map { try BandSource(path: $0.path, grid: grid, resampling: resampling, sourceNoData: $0.fillDN, outside: .nan) }
        // Outside the quality layer counts as fill: 1 is QA_PIXEL's fill bit, 0 is SCL's no-data.
        let fillCode: Float = scene.quality.kind == .landsatQAPixel ? 1 : 0
        quality = try BandSource(path: scene.quality.path, grid: grid, resampling: .nearest, sourceNoData: nil, outside: fillCode)
        saturation = try (mask.maskSaturated ? scene.saturationPath : nil).map {
            try BandSource(path: $0, grid: grid, resampling: .nearest, sourceNoData: nil, outside: 0)
        }
    }

    /// Reads `window` of the target grid: band-sequential, `bands.count × window.pixelCount`
    /// values into `values` (resized only when too small).
    /// - Returns: the number of pixels masked in the window (by QA, buffer or invalid DNs in any band).
    @discardableResult
    public func read(window: Window, into values: inout [Float]) throws -> Int {
        let n = window.pixelCount
        if values.count < bands.count * n { values = [Float](repeating: .nan, count: bands.count * n) }
        try readMask(window)
        if let saturation {
            try saturation.read(window, into: &work.sat, scratch: &work.scratch)
            for i in 0..<n where work.sat[i] != 0 { work.masked[i] = true }
        }
        for (b, source) in sources.enumerated() {
            try source.read(window, into: &work.dn, scratch: &work.scratch)
            let file = files[b]
            let scale = Float(file.scale), offset = Float(file.offset)
            let lo = Float(file.validDN?.lowerBound ?? -.infinity), hi = Float(file.validDN?.upperBound ?? .infinity)
            let fill = file.fillDN.map(Float.init) ?? .nan
            // Buffer pointers: indexing the scratch arrays (class properties) per pixel costs a
            // dynamic exclusivity check each time.
            work.dn.withUnsafeBufferPointer { dn in
                work.masked.withUnsafeMutableBufferPointer { masked in
                    values.withUnsafeMutableBufferPointer { out in
                        let band = out.baseAddress! + b * n
                        for i in 0..<n {
                            let v = dn[i]
                            // NaN fails both comparisons, so warped gaps stay invalid too.
                            if v >= lo, v <= hi, v != fill {
                                band[i] = v * scale + offset
                            } else {
                                masked[i] = true
                            }
                        }
                    }
                }
            }
        }
        let bandCount = bands.count
        return work.masked.withUnsafeBufferPointer { masked in
            values.withUnsafeMutableBufferPointer { out in
                var count = 0
                for i in 0..<n where masked[i] {
                    count += 1
                    for b in 0..<bandCount { out[b * n + i] = .nan }
                }
                return count
            }
        }
    }

    /// Decodes the quality layer into `masked`, growing clouds and shadows by the buffer.
    private func readMask(_ window: Window) throws {
        let n = window.pixelCount
        if work.masked.count < n { work.masked = [Bool](repeating: false, count: n) }
        let kind = scene.quality.kind
        let radius = mask.bufferPixels
        guard radius > 0 else {
            try quality.read(window, into: &work.qa, scratch: &work.scratch)
            let mask = mask
            work.qa.withUnsafeBufferPointer { qa in
                work.masked.withUnsafeMutableBufferPointer { masked in
                    for i in 0..<n { masked[i] = kind.isMasked(qaCode(qa[i]), mask) }
                }
            }
            return
        }
        // Clouds just outside the window still buffer into it: read a halo of `radius` pixels.
        // The halo is clipped to the grid; beyond the grid nothing is cloud.
        let halo = window.padded(by: radius)
        guard let inside = halo.intersection(grid.window) else { return }
        try quality.read(inside, into: &work.qa, scratch: &work.scratch)
        if work.cloud.count < halo.pixelCount { work.cloud = [Bool](repeating: false, count: halo.pixelCount) }
        for i in 0..<halo.pixelCount { work.cloud[i] = false }
        for r in 0..<inside.height {
            for c in 0..<inside.width {
                let h = (r + inside.row - halo.row) * halo.width + c + inside.col - halo.col
                work.cloud[h] = kind.isCloudOrShadow(qaCode(work.qa[r * inside.width + c]), mask)
            }
        }
        for r in 0..<window.height {
            for c in 0..<window.width {
                let centre = (r + window.row - inside.row) * inside.width + c + window.col - inside.col
                work.masked[r * window.width + c] = kind.isMasked(qaCode(work.qa[centre]), mask)
                    || Dilation.touches(work.cloud, width: halo.width, col: c + radius, row: r + radius, radius: radius)
            }
        }
    }
}

/// A quality value as its integer code. Values no QA layer holds (NaN, negative, fractions,
/// above 65535: a damaged or foreign file) become 1, Landsat's fill bit and Sentinel-2's
/// "saturated or defective", so the pixel is masked instead of the program trapping.
@inline(__always)
func qaCode(_ v: Float) -> UInt16 {
    UInt16(exactly: v) ?? 1
}

/// Disk-shaped dilation of a boolean mask, evaluated per pixel.
enum Dilation {
    /// Whether any `true` pixel lies within `radius` (Euclidean) of (col, row).
    static func touches(_ mask: [Bool], width: Int, col: Int, row: Int, radius: Int) -> Bool {
        let height = mask.count / width
        for dr in -radius...radius {
            let r = row + dr
            guard r >= 0, r < height else { continue }
            let span = Int(Double(radius * radius - dr * dr).squareRoot())
            for dc in -span...span {
                let c = col + dc
                if c >= 0, c < width, mask[r * width + c] { return true }
            }
        }
        return false
    }
}

/// Block buffers of `SceneReader`, reused across blocks and across the readers of one thread.
public final class ReadScratch {
    var dn: [Float] = []
    var qa: [Float] = []
    var sat: [Float] = []
    var scratch: [Float] = []
    var cloud: [Bool] = []
    var masked: [Bool] = []

    public init() {}
}
