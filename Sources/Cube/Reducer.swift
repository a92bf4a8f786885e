/// How the valid (non-NaN) observations of a pixel in a time window become one value.
/// The median is the FLU study's reducer (seed 000 §2.2) and the default.
public enum Reducer: Hashable, Sendable {
    /// numpy's `nanmedian`: the mean of the two middle values for an even count.
    case median
    case mean, min, max
    /// numpy's default (linear) percentile, 0…100.
    case percentile(Double)

    /// Parses `median`, `mean`, `min`, `max` or `pNN` (`p10`, `p90`, `p12.5`).
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "median": self = .median
        case "mean": self = .mean
        case "min": self = .min
        case "max": self = .max
        default:
            guard text.lowercased().hasPrefix("p"), let p = Double(text.dropFirst()), p >= 0, p <= 100 else {
                throw CubeError.invalidOption("--reducer '\(text)': expected median, mean, min, max or pNN with 0 ≤ NN ≤ 100")
            }
            self = .percentile(p)
        }
    }

    public var name: String {
        switch self {
        case .median: return "median"
        case .mean: return "mean"
        case .min: return "min"
        case .max: return "max"
        case let .percentile(p): return "p" + (Int(exactly: p).map(String.init) ?? String(p))
        }
    }

    /// Reduces `observations` (k × n, observation-major: `obs[j * n + i]`) over j for each of
    /// the n pixels into `output`, and counts the valid observations into `counts`.
    /// Eight pixels go through a SIMD sorting network at a time (NaN sorted last as +∞).
    public func reduce(_ observations: UnsafePointer<Float>, observationCount k: Int, pixelCount n: Int,
                       into output: UnsafeMutablePointer<Float>, counts: UnsafeMutablePointer<UInt16>,
                       workspace: ReducerWorkspace) {
        guard k > 0 else {
            for i in 0..<n { output[i] = .nan; counts[i] = 0 }
            return
        }
        workspace.prepare(observationCount: k)
        var i = 0
        while i + 8 <= n {
            reduce8(observations + i, stride: n, k: k, output: output + i, counts: counts + i, workspace: workspace)
            i += 8
        }
        if i < n {
            // The tail: copy into a NaN-padded block of 8 and take the lanes that exist.
            let tail = n - i
            var padded = [Float](repeating: .nan, count: 8 * k)
            for j in 0..<k { for l in 0..<tail { padded[j * 8 + l] = observations[j * n + i + l] } }
            var out = [Float](repeating: .nan, count: 8)
            var cnt = [UInt16](repeating: 0, count: 8)
            padded.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    cnt.withUnsafeMutableBufferPointer { c in
                        reduce8(p.baseAddress!, stride: 8, k: k, output: o.baseAddress!, counts: c.baseAddress!, workspace: workspace)
                    }
                }
            }
            for l in 0..<tail { output[i + l] = out[l]; counts[i + l] = cnt[l] }
        }
    }

    private func reduce8(_ obs: UnsafePointer<Float>, stride n: Int, k: Int, output: UnsafeMutablePointer<Float>,
                         counts: UnsafeMutablePointer<UInt16>, workspace: ReducerWorkspace) {
        let inf = SIMD8<Float>(repeating: .infinity)
        var valid = SIMD8<Int32>(repeating: 0)
        let raw = UnsafeRawPointer(obs)
        workspace.lanes.withUnsafeMutableBufferPointer { x in
            for j in 0..<k {
                let v = raw.loadUnaligned(fromByteOffset: j * n * 4, as: SIMD8<Float>.self)
                let isNumber = v .== v
                valid &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: isNumber)
                x[j] = v.replacing(with: inf, where: .!isNumber)
            }
            switch self {
            case .mean:
                var sum = SIMD8<Float>(repeating: 0)
                for j in 0..<k { sum += x[j].replacing(with: 0, where: x[j] .== inf) }
                let c = SIMD8<Float>(valid)
                let mean = sum / c
                for l in 0..<8 { output[l] = valid[l] > 0 ? mean[l] : .nan }
            case .min:
                var m = inf
                for j in 0..<k { m = m.replacing(with: x[j], where: x[j] .< m) }
                for l in 0..<8 { output[l] = valid[l] > 0 ? m[l] : .nan }
            case .max:
                var m = SIMD8<Float>(repeating: -.infinity)
                for j in 0..<k { m = m.replacing(with: x[j], where: (x[j] .> m) .& (x[j] .!= inf)) }
                for l in 0..<8 { output[l] = valid[l] > 0 ? m[l] : .nan }
            case .median, .percentile:
                // Compare-exchange with selects: pointwiseMin/Max were ~25× slower here.
                workspace.pairs.withUnsafeBufferPointer { pairs in
                    for pair in pairs {
                        let a = x[Int(pair.0)], b = x[Int(pair.1)]
                        let swap = a .> b
                        x[Int(pair.0)] = a.replacing(with: b, where: swap)
                        x[Int(pair.1)] = b.replacing(with: a, where: swap)
                    }
                }
                for l in 0..<8 {
                    let c = Int(valid[l])
                    output[l] = c == 0 ? .nan : Self.orderStatistic(self, sortedLane: { x[$0][l] }, count: c)
                }
            }
        }
        for l in 0..<8 { counts[l] = UInt16(clamping: valid[l]) }
    }

    /// The median or percentile of the first `count` sorted values.
    static func orderStatistic(_ reducer: Reducer, sortedLane value: (Int) -> Float, count c: Int) -> Float {
        switch reducer {
        case let .percentile(p):
            return linearPercentile(p, count: c, value)
        default:
            let lo = (c - 1) / 2, hi = c / 2
            return (value(lo) + value(hi)) * 0.5
        }
    }

    /// numpy's linear percentile on sorted values: rank p/100·(c−1), interpolated between neighbours.
    static func linearPercentile(_ p: Double, count c: Int, _ value: (Int) -> Float) -> Float {
        let rank = p / 100 * Double(c - 1)
        let lo = Int(rank.rounded(.down)), hi = Swift.min(lo + 1, c - 1)
        let t = rank - Double(lo)
        let a = Double(value(lo)), b = Double(value(hi))
        return Float(a + (b - a) * t)
    }
}

/// Per-thread scratch of the reducer: the SIMD lanes and the sorting network for the current
/// observation count (rebuilt only when the count changes).
public final class ReducerWorkspace {
    var lanes: [SIMD8<Float>] = []
    var pairs: [(Int32, Int32)] = []
    private var networkSize = -1

    public init() {}

    func prepare(observationCount k: Int) {
        if lanes.count < k { lanes = [SIMD8<Float>](repeating: .zero, count: k) }
        if networkSize != k {
            pairs = SortingNetwork.batcherPairs(count: k)
            networkSize = k
        }
    }
}

/// Batcher's odd–even merge sort network. For a count that is not a power of two the network of
/// the next power is used with comparators into the padding dropped: padding would hold +∞,
/// which those comparators never move.
enum SortingNetwork {
    static func batcherPairs(count: Int) -> [(Int32, Int32)] {
        var size = 1
        while size < count { size <<= 1 }
        var pairs: [(Int32, Int32)] = []
        var p = 1
        while p < size {
            var k = p
            while k >= 1 {
                var j = k % p
                while j + k < size {
                    for i in 0..<Swift.min(k, size - j - k) where (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        let a = i + j, b = i + j + k
                        if b < count { pairs.append((Int32(a), Int32(b))) }
                    }
                    j += 2 * k
                }
                k >>= 1
            }
            p <<= 1
        }
        return pairs
    }
}
