import XCTest
@testable import Cube

/// The SIMD reducers against plain sorts, on random data with NaNs.
final class ReducerTests: XCTestCase {
    /// A small deterministic generator so the data is the same on every run.
    private struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// Observation-major data: k observations of n pixels, with all-NaN pixels, one-observation
    /// pixels and random NaNs.
    private func data(k: Int, n: Int, seed: UInt64) -> [Float] {
        var rng = LCG(state: seed)
        var obs = [Float](repeating: 0, count: k * n)
        for i in 0..<n {
            let kind = i % 5
            for j in 0..<k {
                var v = Float(rng.next() * 2 - 0.5)
                if kind == 0 { v = .nan }                               // all NaN
                if kind == 1 && j != k / 2 { v = .nan }                 // one observation
                if kind >= 2 && rng.next() < 0.3 { v = .nan }           // random gaps
                if kind == 4, j % 2 == 1, !v.isNaN { v = (v * 4).rounded(.down) / 4 } // ties
                obs[j * n + i] = v
            }
        }
        return obs
    }

    private func naive(_ obs: [Float], k: Int, n: Int, i: Int) -> [Float] {
        (0..<k).map { obs[$0 * n + i] }.filter { !$0.isNaN }.sorted()
    }

    private func run(_ reducer: Reducer, _ obs: [Float], k: Int, n: Int) -> ([Float], [UInt16]) {
        var out = [Float](repeating: 0, count: n)
        var counts = [UInt16](repeating: 0, count: n)
        obs.withUnsafeBufferPointer { o in
            out.withUnsafeMutableBufferPointer { r in
                counts.withUnsafeMutableBufferPointer { c in
                    reducer.reduce(o.baseAddress!, observationCount: k, pixelCount: n, into: r.baseAddress!, counts: c.baseAddress!,
                                   workspace: ReducerWorkspace())
                }
            }
        }
        return (out, counts)
    }

    func testMedianEqualsSortedMiddleBitForBit() {
        for k in [1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 24, 31, 40] {
            let n = 83  // not a multiple of 8: the tail path runs too
            let obs = data(k: k, n: n, seed: UInt64(k))
            let (out, counts) = run(.median, obs, k: k, n: n)
            for i in 0..<n {
                let s = naive(obs, k: k, n: n, i: i)
                XCTAssertEqual(Int(counts[i]), s.count, "k \(k) pixel \(i) count")
                if s.isEmpty {
                    XCTAssertTrue(out[i].isNaN, "k \(k) pixel \(i): all-NaN gives NaN")
                } else {
                    // numpy's nanmedian: the mean of the two middle values for an even count.
                    let m = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
                    XCTAssertEqual(out[i].bitPattern, m.bitPattern, "k \(k) pixel \(i): \(out[i]) vs \(m)")
                }
            }
        }
    }

    func testPercentilesAreNumpyLinear() {
        for p in [0.0, 10, 25, 50, 90, 100] {
            let k = 13, n = 40
            let obs = data(k: k, n: n, seed: 99)
            let (out, _) = run(.percentile(p), obs, k: k, n: n)
            for i in 0..<n {
                let s = naive(obs, k: k, n: n, i: i).map(Double.init)
                guard !s.isEmpty else { XCTAssertTrue(out[i].isNaN); continue }
                // numpy: rank = p/100·(n−1), linear between the neighbours.
                let rank = p / 100 * Double(s.count - 1)
                let lo = Int(rank), hi = min(lo + 1, s.count - 1)
                let expected = s[lo] + (s[hi] - s[lo]) * (rank - Double(lo))
                XCTAssertEqual(Double(out[i]), expected, accuracy: 1e-6, "p\(p) pixel \(i)")
            }
        }
        let obs: [Float] = [1, 2, 3, 4].flatMap { [Float]($0 == 0 ? [] : [$0]) }
        XCTAssertEqual(run(.percentile(25), obs, k: 4, n: 1).0[0], 1.75, "numpy.percentile([1,2,3,4], 25) = 1.75")
    }

    func testMeanMinMax() {
        let k = 9, n = 50
        let obs = data(k: k, n: n, seed: 7)
        let (mean, _) = run(.mean, obs, k: k, n: n)
        let (lo, _) = run(.min, obs, k: k, n: n)
        let (hi, _) = run(.max, obs, k: k, n: n)
        for i in 0..<n {
            let s = naive(obs, k: k, n: n, i: i)
            guard !s.isEmpty else {
                XCTAssertTrue(mean[i].isNaN && lo[i].isNaN && hi[i].isNaN)
                continue
            }
            XCTAssertEqual(Double(mean[i]), s.map(Double.init).reduce(0, +) / Double(s.count), accuracy: 1e-6)
            XCTAssertEqual(lo[i], s.first)
            XCTAssertEqual(hi[i], s.last)
        }
    }

    func testNoObservationGivesNaN() {
        let (out, counts) = run(.median, [], k: 0, n: 5)
        XCTAssertTrue(out.allSatisfy(\.isNaN))
        XCTAssertEqual(counts, [0, 0, 0, 0, 0])
    }

    func testBatcherNetworkSortsEveryBinaryInput() {
        // The 0–1 principle: a comparator network that sorts every 0/1 sequence sorts everything.
        for k in [3, 5, 6, 7, 11, 12] {
            let pairs = SortingNetwork.batcherPairs(count: k)
            for bits in 0..<(1 << k) {
                var v = (0..<k).map { (bits >> $0) & 1 }
                for (a, b) in pairs where v[Int(a)] > v[Int(b)] { v.swapAt(Int(a), Int(b)) }
                XCTAssertEqual(v, v.sorted(), "k \(k) input \(bits)")
            }
        }
    }
}
