import Foundation

/// z-score statistics from the train split, stored in `dataset.json` and applied by the trainer
/// and the predictor as (x − mean) / std; `x.npy` itself stays raw (DESIGN.md §3).
///
/// Patches get one mean and std per band over every pixel of the train windows; parcels get one
/// per date and band over the train parcels' inside pixels (seed 003 normalises "channel-wise
/// for each date individually"). NaN values are left out; std is the population std (ddof 0).
public struct Normalization: Codable, Equatable, Sendable {
    /// "band" (mean and std are [C]) or "date_band" ([T][C]).
    public var scope: String
    /// Always "train".
    public var statisticsFrom: String
    /// Rows of statistics: one row for "band", T rows for "date_band".
    public var mean: [[Double]]
    public var std: [[Double]]
    /// Values behind each statistic, in the layout of `mean`.
    public var count: [[Int]]

    enum CodingKeys: String, CodingKey {
        case scope, mean, std, count
        case statisticsFrom = "statistics_from"
    }

    public init(scope: String, mean: [[Double]], std: [[Double]], count: [[Int]]) {
        self.scope = scope
        statisticsFrom = "train"
        self.mean = mean
        self.std = std
        self.count = count
    }

    // "band" statistics are written flat ([C]), "date_band" nested ([T][C]).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scope, forKey: .scope)
        try c.encode(statisticsFrom, forKey: .statisticsFrom)
        if scope == "band" {
            try c.encode(mean.first ?? [], forKey: .mean)
            try c.encode(std.first ?? [], forKey: .std)
            try c.encode(count.first ?? [], forKey: .count)
        } else {
            try c.encode(mean, forKey: .mean)
            try c.encode(std, forKey: .std)
            try c.encode(count, forKey: .count)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scope = try c.decode(String.self, forKey: .scope)
        statisticsFrom = try c.decodeIfPresent(String.self, forKey: .statisticsFrom) ?? "train"
        if scope == "band" {
            mean = [try c.decode([Double].self, forKey: .mean)]
            std = [try c.decode([Double].self, forKey: .std)]
            count = [try c.decodeIfPresent([Int].self, forKey: .count) ?? []]
        } else {
            mean = try c.decode([[Double]].self, forKey: .mean)
            std = try c.decode([[Double]].self, forKey: .std)
            count = try c.decodeIfPresent([[Int]].self, forKey: .count) ?? []
        }
    }
}

/// Running mean and variance per slot, with sums shifted by each slot's first value so that
/// large offsets (brightness temperatures near 300 K) lose no precision.
struct StatsAccumulator {
    var shift: [Double], s1: [Double], s2: [Double], n: [Int]

    init(slots: Int) {
        shift = Array(repeating: .nan, count: slots)
        s1 = Array(repeating: 0, count: slots)
        s2 = Array(repeating: 0, count: slots)
        n = Array(repeating: 0, count: slots)
    }

    @inline(__always) mutating func add(_ v: Float, slot k: Int) {
        guard !v.isNaN else { return }
        let x = Double(v)
        if n[k] == 0 { shift[k] = x }
        let d = x - shift[k]
        s1[k] += d
        s2[k] += d * d
        n[k] += 1
    }

    /// (mean, std) per slot; 0 and 1 where a slot saw no value, so applying them is harmless.
    func result() -> (mean: [Double], std: [Double]) {
        var mean = [Double](), std = [Double]()
        for k in n.indices {
            guard n[k] > 0 else { mean.append(0); std.append(1); continue }
            let m = s1[k] / Double(n[k])
            mean.append(shift[k] + m)
            std.append(max(s2[k] / Double(n[k]) - m * m, 0).squareRoot())
        }
        return (mean, std)
    }

    /// Statistics of the rows `use` of an x.npy (N, T, C, H, W), per band or per date and band,
    /// counting only pixels where `mask` (N, H, W) is set when given. Reads up to 64 rows and
    /// 64 MB at a time (a 512×512 segment tile of many dates is itself tens of MB).
    static func compute(x: NpyReader, mask: NpyReader?, rows use: [Bool], timeCount T: Int, bandCount C: Int,
                        perDate: Bool) throws -> Normalization {
        let pixels = x.header.rowElements / max(T * C, 1)
        var acc = StatsAccumulator(slots: perDate ? T * C : C)
        let rowsPerRead = max(1, min(64, (64 << 20) / max(x.header.rowElements * 4, 1)))
        var start = 0
        while start < x.rows {
            let count = min(rowsPerRead, x.rows - start)
            guard use[start..<start + count].contains(true) else { start += count; continue }
            let values: [Float] = try x.read(rows: start, count: count)
            let masks: [UInt8]? = try mask?.read(rows: start, count: count)
            for r in 0..<count where use[start + r] {
                for plane in 0..<(T * C) {
                    let slot = perDate ? plane : plane % C
                    let base = (r * T * C + plane) * pixels
                    for i in 0..<pixels {
                        if let masks, masks[r * pixels + i] == 0 { continue }
                        acc.add(values[base + i], slot: slot)
                    }
                }
            }
            start += count
        }
        return acc.normalization(timeCount: T, bandCount: C, perDate: perDate)
    }

    /// Adds the values another accumulator of the same slots saw, as if they had been added
    /// here (its sums moved from its shifts to ours).
    mutating func merge(_ other: StatsAccumulator) {
        for k in n.indices where other.n[k] > 0 {
            guard n[k] > 0 else {
                shift[k] = other.shift[k]; s1[k] = other.s1[k]; s2[k] = other.s2[k]; n[k] = other.n[k]
                continue
            }
            let d = other.shift[k] - shift[k], m = Double(other.n[k])
            s1[k] += other.s1[k] + m * d
            s2[k] += other.s2[k] + 2 * d * other.s1[k] + m * d * d
            n[k] += other.n[k]
        }
    }

    /// The statistics as dataset.json stores them: slots are bands, or (date, band) when `perDate`.
    func normalization(timeCount T: Int, bandCount C: Int, perDate: Bool) -> Normalization {
        let (mean, std) = result()
        let acc = self
        if perDate {
            return Normalization(scope: "date_band", mean: (0..<T).map { Array(mean[$0 * C..<($0 + 1) * C]) },
                                 std: (0..<T).map { Array(std[$0 * C..<($0 + 1) * C]) },
                                 count: (0..<T).map { Array(acc.n[$0 * C..<($0 + 1) * C]) })
        }
        return Normalization(scope: "band", mean: [mean], std: [std], count: [acc.n])
    }
}
