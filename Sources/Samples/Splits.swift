/// The three splits of a dataset, as `samples.csv` writes them.
public enum SplitName: String, CaseIterable, Codable, Sendable {
    case train, val, test
}

/// Split settings: the FLU study's 75/10/15 split and 3 folds (seed 000 §2.4) by default.
public struct SplitSettings: Sendable, Equatable {
    /// Percentages (or any weights) of train, validation and test.
    public var fractions: [Double]
    /// Folds for cross-validation; 0 or 1 writes no folds (fold −1).
    public var folds: Int
    public var seed: UInt64
    /// Repeat train samples of the smaller classes until every class has as many as the largest.
    public var oversample: Bool

    public init(fractions: [Double] = [75, 10, 15], folds: Int = 3, seed: UInt64 = 42, oversample: Bool = false) {
        self.fractions = fractions
        self.folds = folds
        self.seed = seed
        self.oversample = oversample
    }

    /// Parses `--split 75,10,15` (three non-negative numbers, any scale).
    /// - Throws: `SamplesError.invalidOption` saying what is expected.
    public static func parseFractions(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let values = parts as? [Double], values.allSatisfy({ $0 >= 0 && $0.isFinite }), values.reduce(0, +) > 0 else {
            throw SamplesError.invalidOption("--split \(text): expected three non-negative numbers for train, validation and test, such as 75,10,15")
        }
        return values
    }

    public func validate() throws {
        guard fractions.count == 3, fractions.allSatisfy({ $0 >= 0 && $0.isFinite }), fractions.reduce(0, +) > 0 else {
            throw SamplesError.invalidOption("--split needs three non-negative numbers for train, validation and test")
        }
        guard folds >= 0, folds <= 100 else { throw SamplesError.invalidOption("--folds \(folds): expected 0…100") }
    }
}

/// Stratified, group-aware assignment of samples to splits and folds (seeded).
///
/// Samples sharing a group (the pixels of one polygon: autocorrelated, so the CLS benchmark of
/// seed 001 splits by polygon) always land together. Each group joins the stratum of its most
/// common class; inside a stratum, groups are shuffled with the seed, largest first, and each
/// goes to the split furthest below its quota (quotas rounded by largest remainder). With
/// one-sample groups every class then meets its quota exactly, so each split holds its share
/// of each class within ±1 sample.
public enum Splitter {
    /// - Parameters:
    ///   - classes: the class index of each sample.
    ///   - groups: the group of each sample.
    /// - Returns: a split and a fold (−1 without folds) per sample.
    public static func assign(classes: [Int], groups: [String], settings: SplitSettings) -> (splits: [SplitName], folds: [Int]) {
        let splitIndex = partition(classes: classes, groups: groups, weights: settings.fractions,
                                   rng: SeededRandom(seed: settings.seed, purpose: "split"))
        let splits = splitIndex.map { SplitName.allCases[$0] }
        let folds: [Int]
        if settings.folds >= 2 {
            folds = partition(classes: classes, groups: groups, weights: Array(repeating: 1, count: settings.folds),
                              rng: SeededRandom(seed: settings.seed, purpose: "folds"))
        } else {
            folds = Array(repeating: -1, count: classes.count)
        }
        return (splits, folds)
    }

    /// Assigns each sample one of `weights.count` parts.
    static func partition(classes: [Int], groups: [String], weights: [Double], rng: SeededRandom) -> [Int] {
        var rng = rng
        var members: [String: [Int]] = [:]
        for (i, g) in groups.enumerated() { members[g, default: []].append(i) }
        // Stratum of a group: its most common class (the smallest index on a tie).
        var strata: [Int: [String]] = [:]
        for g in members.keys.sorted() {
            var counts: [Int: Int] = [:]
            for i in members[g] ?? [] { counts[classes[i], default: 0] += 1 }
            let top = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key ?? 0
            strata[top, default: []].append(g)
        }
        let total = weights.reduce(0, +)
        var result = [Int](repeating: 0, count: classes.count)
        for stratum in strata.keys.sorted() {
            var gs = strata[stratum] ?? []
            rng.shuffle(&gs)
            let sizes = gs.map { members[$0]?.count ?? 0 }
            let order = gs.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
            let n = sizes.reduce(0, +)
            var quota = quotas(n, weights.map { $0 / total })
            for k in order {
                // The part furthest below its quota (the first on a tie); zero-weight parts only get
                // samples once every other part is full, which never happens with exact quotas.
                var best = 0
                for p in 1..<quota.count where quota[p] > quota[best] || (weights[best] == 0 && weights[p] > 0 && quota[p] == quota[best]) { best = p }
                for i in members[gs[k]] ?? [] { result[i] = best }
                quota[best] -= sizes[k]
            }
        }
        return result
    }

    /// Integer shares of `n` for the fractions, rounded by largest remainder (they sum to `n`).
    static func quotas(_ n: Int, _ fractions: [Double]) -> [Int] {
        let exact = fractions.map { $0 * Double(n) }
        var q = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(q[$0])) != (exact[$1] - Double(q[$1])) ? (exact[$0] - Double(q[$0])) > (exact[$1] - Double(q[$1])) : $0 < $1 }
        var left = n - q.reduce(0, +)
        for i in order where left > 0 { q[i] += 1; left -= 1 }
        return q
    }

    /// Train samples to repeat so that every class has as many train samples as the largest:
    /// each smaller class cycles through its own train samples in a seeded order.
    /// - Returns: indices of the samples to copy, in the order the copies are appended.
    public static func oversample(classes: [Int], splits: [SplitName], seed: UInt64) -> [Int] {
        var rng = SeededRandom(seed: seed, purpose: "oversample")
        var byClass: [Int: [Int]] = [:]
        for (i, s) in splits.enumerated() where s == .train { byClass[classes[i], default: []].append(i) }
        let largest = byClass.values.map(\.count).max() ?? 0
        var copies: [Int] = []
        for c in byClass.keys.sorted() {
            var pool = byClass[c] ?? []
            guard !pool.isEmpty, pool.count < largest else { continue }
            rng.shuffle(&pool)
            for k in 0..<(largest - pool.count) { copies.append(pool[k % pool.count]) }
        }
        return copies
    }
}
