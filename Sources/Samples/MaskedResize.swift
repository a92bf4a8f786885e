/// Resizes a crop to size×size so that pixels outside the parcel do not bleed into it: the
/// values times the mask and the mask itself go through the same linear resampling, and each
/// output value is their ratio (seed 003 resizes each parcel's bounding box to 32×32).
///
/// Each axis shrinks by area averaging (an output pixel averages the input area it covers) and
/// grows by bilinear interpolation (pixel centres aligned, edges clamped); an axis that keeps
/// its size is copied. An output pixel is inside when at least half of its resampled weight
/// comes from inside pixels (any weight, for a parcel too thin to reach half anywhere);
/// outside pixels are 0.
public struct MaskedResize: Sendable {
    public let inWidth, inHeight, size: Int
    let xTaps: [[(Int, Float)]]
    let yTaps: [[(Int, Float)]]

    public init(width: Int, height: Int, size: Int) {
        inWidth = width
        inHeight = height
        self.size = size
        xTaps = Self.taps(from: width, to: size)
        yTaps = Self.taps(from: height, to: size)
    }

    /// For each output index, the input indices and weights (summing to 1).
    static func taps(from n: Int, to s: Int) -> [[(Int, Float)]] {
        guard n > 0, s > 0 else { return [] }
        if s < n {
            // Area: output o covers input [o·n/s, (o+1)·n/s).
            let scale = Double(n) / Double(s)
            return (0..<s).map { o in
                let a = Double(o) * scale, b = Double(o + 1) * scale
                var taps: [(Int, Float)] = []
                var i = Int(a.rounded(.down))
                while Double(i) < b, i < n {
                    let overlap = min(b, Double(i + 1)) - max(a, Double(i))
                    if overlap > 1e-12 { taps.append((i, Float(overlap / scale))) }
                    i += 1
                }
                return taps
            }
        }
        let scale = Double(n) / Double(s)
        return (0..<s).map { o in
            let src = min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(n - 1))
            let i0 = Int(src.rounded(.down)), f = src - Double(i0)
            let i1 = min(i0 + 1, n - 1)
            return f < 1e-12 || i1 == i0 ? [(i0, Float(1))] : [(i0, Float(1 - f)), (i1, Float(f))]
        }
    }

    /// Applies the separable resampling to one plane (inHeight × inWidth) into `out` (size × size).
    func apply(_ plane: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scratch: inout [Float]) {
        if scratch.count < inHeight * size { scratch = [Float](repeating: 0, count: inHeight * size) }
        scratch.withUnsafeMutableBufferPointer { tmp in
            guard let t = tmp.baseAddress else { return }
            for r in 0..<inHeight {
                for (o, taps) in xTaps.enumerated() {
                    var v: Float = 0
                    for (i, w) in taps { v += w * plane[r * inWidth + i] }
                    t[r * size + o] = v
                }
            }
            for (o, taps) in yTaps.enumerated() {
                for c in 0..<size {
                    var v: Float = 0
                    for (i, w) in taps { v += w * t[i * size + c] }
                    out[o * size + c] = v
                }
            }
        }
    }

    /// The resized mask (0/1) and its resampled weight (the denominators of `values`).
    public func mask(_ mask: [UInt8]) -> (mask: [UInt8], weight: [Float]) {
        let m = mask.map { Float($0 != 0 ? 1 : 0) }
        var weight = [Float](repeating: 0, count: size * size)
        var scratch: [Float] = []
        m.withUnsafeBufferPointer { src in
            weight.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                apply(s, into: d, scratch: &scratch)
            }
        }
        var out: [UInt8] = weight.map { $0 >= 0.5 - 1e-6 ? 1 : 0 }
        // A thin parcel shrunk a lot may reach half weight nowhere; keep every pixel it touches then.
        if !out.contains(1) { out = weight.map { $0 > 1e-6 ? 1 : 0 } }
        return (out, weight)
    }

    /// Resizes one plane whose outside pixels are already 0 (values × mask), given the mask's
    /// resampled `weight` and resized `outMask`.
    public func values(_ masked: UnsafePointer<Float>, weight: [Float], outMask: [UInt8],
                       into out: UnsafeMutablePointer<Float>, scratch: inout [Float]) {
        apply(masked, into: out, scratch: &scratch)
        for i in 0..<(size * size) { out[i] = outMask[i] != 0 ? out[i] / weight[i] : 0 }
    }
}
