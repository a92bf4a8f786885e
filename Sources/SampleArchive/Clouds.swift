import Foundation

/// One scene's sky: a field of cumulus blobs, their shadows cast in the sun's direction, thin
/// cirrus and haze. Defined in local metres, so every resolution of a product sees the same
/// clouds, and the shadows of all clouds in a scene are displaced the same way.
struct Sky: Sendable {
    let seed: UInt64
    /// Wanted fraction of cloud pixels (0…1); the real fraction is measured on the QA layer.
    let targetCover: Double
    /// Size of the blobs: metres per lattice unit of the density noise.
    let scale: Float
    /// Offset from a ground point to the cloud that shadows it (metres east, south).
    let shadowSource: (east: Double, south: Double)
    /// Peak cirrus opacity (0 for none).
    let cirrus: Float
    /// Residual aerosol after atmospheric correction, 0…1.
    let haze: Float
    let sunAzimuth: Double
    let sunElevation: Double
    /// Density at which opacity is 0.5: the edge of what QA calls cloud. Set by `calibrated`.
    private(set) var threshold: Float = 2
    static let edge: Float = 0.05

    private var noise: ValueNoise { ValueNoise(seed: seed) }
    private var cirrusNoise: ValueNoise { ValueNoise(seed: Hash.mix(seed, 0x4349_5252)) }

    /// - Parameters:
    ///   - localSolarHour: overpass time (Landsat ≈ 10:00, Sentinel-2 ≈ 10:30), for sun angles.
    init(seed: UInt64, date: SimDate, localSolarHour: Double, targetCover: Double, cirrusChance: Double) {
        self.seed = seed
        self.targetCover = targetCover
        var rng = SplitMix64(seed: seed, stream: 0x534B_59)  // "SKY"
        scale = Float(rng.uniform(900, 2200))
        let sun = Self.sunPosition(date: date, localSolarHour: localSolarHour)
        sunAzimuth = sun.azimuth
        sunElevation = sun.elevation
        // Cumulus bases 800–2000 m above ground: shadows fall 0.5–1.7 km away from the sun.
        let height = rng.uniform(800, 2000)
        let reach = height / tan(sun.elevation * .pi / 180)
        let az = sun.azimuth * .pi / 180
        shadowSource = (reach * sin(az), -reach * cos(az))
        cirrus = rng.chance(cirrusChance) ? Float(rng.uniform(0.06, 0.16)) : 0
        haze = Float(rng.uniform(0, 1))
    }

    /// Solar azimuth (degrees clockwise from north) and elevation at the area's centre.
    static func sunPosition(date: SimDate, localSolarHour: Double) -> (azimuth: Double, elevation: Double) {
        let rad = Double.pi / 180
        let declination = 23.44 * sin(2 * .pi * Double(284 + date.dayOfYear) / 365) * rad
        let latitude = ArchiveGeometry.latitude * rad
        let hourAngle = (localSolarHour - 12) * 15 * rad
        let sinElevation = sin(latitude) * sin(declination) + cos(latitude) * cos(declination) * cos(hourAngle)
        let elevation = asin(sinElevation)
        var azimuth = atan2(sin(hourAngle), cos(hourAngle) * sin(latitude) - tan(declination) * cos(latitude)) / rad + 180
        if azimuth >= 360 { azimuth -= 360 }
        return (azimuth, elevation / rad)
    }

    @inline(__always)
    func density(east: Double, south: Double) -> Float {
        noise.fractal(Float(east) / scale + 13.7, Float(south) / scale - 4.1, octaves: 5, gain: 0.55)
    }

    @inline(__always)
    func opacity(density d: Float) -> Float {
        let t = min(max((d - threshold + Self.edge) / (2 * Self.edge), 0), 1)
        return t * t * (3 - 2 * t)
    }

    /// How deep inside a cloud (0 at the edge, 1 in thick cores): brighter tops, colder.
    @inline(__always)
    func thickness(density d: Float) -> Float { min(max((d - threshold) / 0.15, 0), 1) }

    /// Thin cirrus: long streaks, stretched west–east.
    @inline(__always)
    func cirrusOpacity(east: Double, south: Double) -> Float {
        guard cirrus > 0 else { return 0 }
        let n = cirrusNoise.fractal(Float(east) / 6000, Float(south) / 900, octaves: 3)
        return cirrus * min(max((n - 0.45) * 5, 0), 1)
    }

    /// The same sky with the threshold chosen so that `targetCover` of the given densities
    /// are cloud (exact on the grid they were sampled on).
    func calibrated(densities: [Float]) -> Sky {
        var sky = self
        guard targetCover > 0.001, !densities.isEmpty else { sky.threshold = 2; return sky }
        let sorted = densities.sorted()
        let k = min(sorted.count - 1, max(0, Int((1 - targetCover) * Double(sorted.count))))
        sky.threshold = sorted[k]
        return sky
    }
}

/// A sky sampled on an output grid: opacity of cloud, cloud shadow and cirrus at each pixel
/// centre.
struct SkyImage {
    var cloud: [Float]
    var thickness: [Float]
    var shadow: [Float]
    var cirrus: [Float]

    /// Densities at the centres of a `width`×`height` grid of `resolution` metres, for calibration.
    static func densities(_ sky: Sky, width: Int, height: Int, resolution: Double) -> [Float] {
        var out = [Float](repeating: 0, count: width * height)
        for r in 0..<height {
            for c in 0..<width {
                out[r * width + c] = sky.density(east: (Double(c) + 0.5) * resolution, south: (Double(r) + 0.5) * resolution)
            }
        }
        return out
    }

    init(_ sky: Sky, width: Int, height: Int, resolution: Double, densities: [Float]? = nil) {
        let n = width * height
        let d = densities ?? Self.densities(sky, width: width, height: height, resolution: resolution)
        cloud = [Float](repeating: 0, count: n)
        thickness = [Float](repeating: 0, count: n)
        shadow = [Float](repeating: 0, count: n)
        cirrus = [Float](repeating: 0, count: n)
        let clear = sky.threshold > 1.5
        for r in 0..<height {
            for c in 0..<width {
                let i = r * width + c
                let east = (Double(c) + 0.5) * resolution, south = (Double(r) + 0.5) * resolution
                cirrus[i] = sky.cirrusOpacity(east: east, south: south)
                if clear { continue }
                cloud[i] = sky.opacity(density: d[i])
                thickness[i] = sky.thickness(density: d[i])
                let caster = sky.density(east: east + sky.shadowSource.east, south: south + sky.shadowSource.south)
                shadow[i] = sky.opacity(density: caster)
            }
        }
    }

    /// Observed reflectance through this sky: the surface, darkened in shadow, behind cloud
    /// and cirrus, plus residual haze.
    @inline(__always)
    func observe(surface: Float, band: Int, at i: Int, haze: Float) -> Float {
        let shaded = surface * (1 - (1 - shadowTransmission[band]) * shadow[i])
        let cloudTop = cloudReflectance[band] * (0.88 + 0.3 * thickness[i])
        return shaded * (1 - cloud[i]) + cloud[i] * cloudTop + cirrus[i] * cirrusReflectance[band]
            + haze * Self.hazeCurve[band]
    }

    /// Residual aerosol: strongest in the blue.
    static let hazeCurve: [Float] = [0.014, 0.01, 0.006, 0.004, 0.003, 0.002, 0.002, 0.002, 0.002, 0.002, 0.001, 0]

    /// Brightness temperature through this sky: cold cloud tops, cooler shadow.
    @inline(__always)
    func observeTemperature(surface: Float, at i: Int) -> Float {
        let top = 284 - 14 * thickness[i]
        return (surface - 3 * shadow[i] - 5 * cirrus[i]) * (1 - cloud[i]) + cloud[i] * top
    }
}
