/// Temporal gap filling: per pixel and band, NaN time steps are interpolated linearly between the
/// nearest valid neighbours in time. The FLU, Reunion and parcel studies all fill before sampling.
public enum GapFill: String, Hashable, Sendable {
    case linear, none

    public init(parsing text: String) throws {
        guard let f = GapFill(rawValue: text.lowercased()) else {
            throw CubeError.invalidOption("--fill '\(text)': expected linear or none")
        }
        self = f
    }

    /// Fills one series per pixel. The series of pixel i is `values[t * n + i]` for t in
    /// 0..<positions.count (time-major planes, as the cube block holds them).
    /// - Parameters:
    ///   - positions: each step's time (window midpoints or dates, in days), increasing.
    ///   - fillEnds: leading and trailing gaps take the nearest valid value; otherwise they stay NaN.
    /// - Returns: the number of pixels with no valid value at all (left NaN).
    @discardableResult
    public static func linearFill(_ values: UnsafeMutablePointer<Float>, pixelCount n: Int, stride: Int? = nil,
                                  positions: [Double], fillEnds: Bool = true) -> Int {
        let steps = positions.count
        let planeStride = stride ?? n
        var empty = 0
        for i in 0..<n {
            var previous = -1
            var t = 0
            while t < steps {
                let v = values[t * planeStride + i]
                if !v.isNaN {
                    if previous >= 0, t - previous > 1 {
                        // Interior gap between two valid steps.
                        let v0 = Double(values[previous * planeStride + i]), v1 = Double(v)
                        let x0 = positions[previous], x1 = positions[t]
                        for g in (previous + 1)..<t {
                            let w = (positions[g] - x0) / (x1 - x0)
                            values[g * planeStride + i] = Float(v0 + (v1 - v0) * w)
                        }
                    } else if previous < 0, t > 0, fillEnds {
                        for g in 0..<t { values[g * planeStride + i] = v }
                    }
                    previous = t
                }
                t += 1
            }
            if previous < 0 {
                empty += 1
            } else if fillEnds, previous < steps - 1 {
                let last = values[previous * planeStride + i]
                for g in (previous + 1)..<steps { values[g * planeStride + i] = last }
            }
        }
        return empty
    }
}
