/// Noise-free surface reflectance of one date on an output grid: the mean of the 10 m cells
/// each output pixel covers (3×3 for Landsat 30 m, 2×2 for Sentinel-2 20 m, 6×6 for 60 m),
/// so mixed pixels at field edges come out as real sensors see them.
struct SurfaceImage {
    let width: Int
    let height: Int
    /// Reflectance per requested band, row-major.
    var bands: [[Float]]
    /// Surface temperature (K), when asked for.
    var temperature: [Float]
    /// Fraction of open water.
    var water: [Float]

    init(covers: [Cover], fineSize: Int, factor k: Int, width: Int, height: Int,
         bands wanted: [SpectralBand], dryness: Float, thermal: Bool) {
        self.width = width
        self.height = height
        let n = width * height
        var out = [[Float]](repeating: [Float](repeating: 0, count: n), count: wanted.count)
        var temp = [Float](repeating: 0, count: thermal ? n : 0)
        var water = [Float](repeating: 0, count: n)
        let indices = wanted.map(\.rawValue)
        var sums = [Float](repeating: 0, count: wanted.count)
        for r in 0..<height {
            let r0 = r * k, r1 = min(r0 + k, fineSize)
            for c in 0..<width {
                let c0 = c * k, c1 = min(c0 + k, fineSize)
                for b in 0..<sums.count { sums[b] = 0 }
                var t: Float = 0, w: Float = 0, count: Float = 0
                if r0 < r1, c0 < c1 {
                    for fr in r0..<r1 {
                        for fc in c0..<c1 {
                            let cover = covers[fr * fineSize + fc]
                            for b in 0..<indices.count { sums[b] += cover.reflectance(indices[b]) }
                            if thermal { t += cover.temperature(dryness: dryness) }
                            w += cover.water
                            count += 1
                        }
                    }
                }
                let i = r * width + c
                let scale: Float = count > 0 ? 1 / count : 0
                for b in 0..<indices.count { out[b][i] = sums[b] * scale }
                if thermal { temp[i] = t * scale }
                water[i] = w * scale
            }
        }
        self.bands = out
        self.temperature = temp
        self.water = water
    }
}
