import Foundation

/// Where a product has no data: outside the scene's slanted footprint, in Landsat 7's SLC-off
/// gaps, beyond the edge of a Sentinel-2 orbit swath. Fill is 0 in every band (and 1 in
/// QA_PIXEL, 0 in SCL).
enum Footprint {
    /// Fill mask on the Landsat 30 m grid (true = fill).
    static func landsatFill(_ a: LandsatAcquisition, size n: Int, seed: UInt64) -> [Bool] {
        var rng = SplitMix64(seed: seed, stream: 0x4649_4C4C)  // "FILL"
        let extent = Double(n) * 30
        var fill = [Bool](repeating: false, count: n * n)
        // WRS-2 scenes are tilted about 12° from north-up; a scene edge crossing the area
        // cuts off one side with a slanted line.
        let tilt = tan(12 * Double.pi / 180)
        let edgeAt = extent * rng.uniform(0.08, 0.3)
        // SLC-off gaps: one every scan (16 lines, 480 m), a few pixels wide, widening across track.
        let gapStart = rng.uniform(60, 110), gapGrowth = rng.uniform(-30, 40), gapPhase = rng.uniform(0, 480)
        for r in 0..<n {
            let south = (Double(r) + 0.5) * 30
            for c in 0..<n {
                let east = (Double(c) + 0.5) * 30
                var isFill = false
                switch a.footprintEdge {
                case 1: isFill = east < edgeAt - tilt * south
                case 2: isFill = east > extent - edgeAt + tilt * (extent - south)
                default: break
                }
                if a.slcOff, !isFill {
                    let width = gapStart + gapGrowth * east / extent
                    var s = (south + 0.14 * east + gapPhase).truncatingRemainder(dividingBy: 480)
                    if s < 0 { s += 480 }
                    isFill = s < width
                }
                fill[r * n + c] = isFill
            }
        }
        return fill
    }

    /// For Sentinel-2 products at a swath edge: the part east of a slanted line is nodata.
    /// Defined in metres so the 10, 20 and 60 m bands agree.
    struct SwathEdge: Sendable {
        let offset: Double

        init(seed: UInt64, extent: Double) {
            var rng = SplitMix64(seed: seed, stream: 0x5357_4154)  // "SWAT"
            offset = extent * rng.uniform(0.6, 0.8)
        }

        /// The swath edge of Sentinel-2 runs about 13° off north.
        @inline(__always)
        func isOutside(east: Double, south: Double) -> Bool { east > offset + 0.23 * south }
    }
}

/// Binary and box operations on small rasters.
enum Morphology {
    /// Chebyshev dilation (a square of side 2·radius+1): USGS dilates clouds by a few pixels.
    static func dilate(_ mask: [Bool], width: Int, height: Int, radius: Int) -> [Bool] {
        var rows = [Bool](repeating: false, count: mask.count)
        for r in 0..<height {
            for c in 0..<width where mask[r * width + c] {
                for cc in max(0, c - radius)...min(width - 1, c + radius) { rows[r * width + cc] = true }
            }
        }
        var out = [Bool](repeating: false, count: mask.count)
        for r in 0..<height {
            for c in 0..<width where rows[r * width + c] {
                for rr in max(0, r - radius)...min(height - 1, r + radius) { out[rr * width + c] = true }
            }
        }
        return out
    }

    /// Mean over a (2·radius+1)² box of the valid pixels; invalid pixels keep their value.
    static func boxMean(_ values: [Float], valid: [Bool], width: Int, height: Int, radius: Int) -> [Float] {
        var out = values
        for r in 0..<height {
            for c in 0..<width where valid[r * width + c] {
                var sum: Float = 0, count: Float = 0
                for rr in max(0, r - radius)...min(height - 1, r + radius) {
                    for cc in max(0, c - radius)...min(width - 1, c + radius) where valid[rr * width + cc] {
                        sum += values[rr * width + cc]
                        count += 1
                    }
                }
                out[r * width + c] = sum / count
            }
        }
        return out
    }
}
