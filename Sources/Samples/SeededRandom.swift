/// SplitMix64: a small generator whose sequence is fixed by its seed on every platform and Swift
/// version (the standard library's `shuffle` makes no such promise), so splits repeat byte for byte.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for one purpose ("split", "folds" …), so adding a random step in one
    /// place does not change the draws of another.
    public init(seed: UInt64, purpose: String) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for b in purpose.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        self.init(seed: seed ^ h)
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<n (Lemire's method, no modulo bias); 0 when n ≤ 1.
    public mutating func below(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Fisher–Yates shuffle in place.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }

    /// `k` distinct indices of 0..<n, in increasing order (all of them when k ≥ n).
    public mutating func choose(_ k: Int, of n: Int) -> [Int] {
        guard k < n else { return Array(0..<max(n, 0)) }
        var all = Array(0..<n)
        for i in 0..<k { all.swapAt(i, i + below(n - i)) }
        return all.prefix(k).sorted()
    }
}
