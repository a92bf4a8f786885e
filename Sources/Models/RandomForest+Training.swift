import Foundation

// Split search. Each feature is replaced once, before any tree is grown, by the
// dense rank of its values (0 for the smallest distinct value, …) plus a table of
// the distinct values; the ranks are kept row-major (see `TrainingSet`). A node
// gathers its rows' ranks of a batch of candidate features in one pass, then for
// each feature sorts (rank << 32 | position) keys — a least-significant-digit radix
// sort over only as many bits as the node's rank range needs, insertion sort for
// small nodes — and scans the sorted rows once, moving each from the right child to
// the left and scoring every boundary between two distinct values with Gini's proxy
// Σ l_k²/w_l + Σ r_k²/w_r (scikit-learn's `proxy_impurity_improvement`). The split
// is exact: its threshold is the midpoint of the two neighbouring distinct values,
// as in scikit-learn, and rows go left when `x <= threshold`. Partitions keep each
// child's rows in ascending row order, so gathers sweep the rank table forwards.
//
// Chosen over histogram binning (LightGBM, scikit-learn's HistGradientBoosting) to
// keep scikit-learn's exact thresholds, and over pre-sorted index lists per feature
// (SLIQ) because those cost O(rows × all features) per level where a forest only
// looks at √d features per node.

extension RandomForest {
    /// Grows a forest.
    /// - Parameters:
    ///   - x: rows × columns features, row-major, all finite.
    ///   - rows: number of training rows (n).
    ///   - columns: number of features (d).
    ///   - labels: n class indices in 0..<classCount.
    ///   - classCount: K; `nil` takes the largest label + 1. Pass it so that classes
    ///     missing from the training rows still get a probability column.
    ///   - sampleWeights: n weights ≥ 0 (rows of weight 0 are left out), or `nil` for 1.
    ///   - classWeights: K weights ≥ 0 multiplying each row's weight by its class's
    ///     (see ``balancedClassWeights(labels:classCount:)``), or `nil` for 1.
    ///   - options: hyper-parameters (``Options/seed001``, ``Options/seed002``, …).
    ///   - threads: workers; trees are shared among them and the forest does not depend on it.
    /// - Throws: ``RandomForestError`` when the data are empty, lengths disagree, a label
    ///   is out of range, a value is not finite, or an option or weight is out of range.
    public static func fit(features x: [Float], rows: Int, columns: Int, labels: [Int32], classCount: Int? = nil,
                           sampleWeights: [Float]? = nil, classWeights: [Float]? = nil,
                           options: Options = Options(), threads: Int = RandomForest.defaultThreads) throws -> RandomForest {
        guard rows > 0 else { throw RandomForestError.emptyData("no training rows") }
        guard columns > 0 else { throw RandomForestError.emptyData("no feature columns") }
        guard rows <= Int(Int32.max) else { throw RandomForestError.invalidOption("\(rows) rows exceed the \(Int32.max) a forest can train on") }
        guard x.count == rows * columns else {
            throw RandomForestError.shapeMismatch("features: expected \(rows) rows × \(columns) columns = \(rows * columns) values, got \(x.count)")
        }
        guard labels.count == rows else {
            throw RandomForestError.shapeMismatch("labels: expected one per row (\(rows)), got \(labels.count)")
        }
        guard threads >= 1 else { throw RandomForestError.invalidOption("threads must be at least 1 (got \(threads))") }
        let k = classCount ?? (Int(labels.max() ?? 0) + 1)
        guard k >= 1 else { throw RandomForestError.invalidOption("classCount must be at least 1 (got \(k))") }
        for (i, l) in labels.enumerated() where l < 0 || Int(l) >= k {
            throw RandomForestError.labelOutOfRange(row: i, label: l, classCount: k)
        }
        try options.validate(features: columns)

        var base = [Double](repeating: 1, count: rows)
        if let sampleWeights {
            guard sampleWeights.count == rows else {
                throw RandomForestError.shapeMismatch("sampleWeights: expected one per row (\(rows)), got \(sampleWeights.count)")
            }
            for (i, w) in sampleWeights.enumerated() {
                guard w.isFinite, w >= 0 else { throw RandomForestError.invalidOption("sample weight \(w) at row \(i) must be finite and ≥ 0") }
                base[i] = Double(w)
            }
        }
        if let classWeights {
            guard classWeights.count == k else {
                throw RandomForestError.shapeMismatch("classWeights: expected one per class (\(k)), got \(classWeights.count)")
            }
            for (c, w) in classWeights.enumerated() {
                guard w.isFinite, w >= 0 else { throw RandomForestError.invalidOption("class weight \(w) of class \(c) must be finite and ≥ 0") }
            }
            for i in 0..<rows { base[i] *= Double(classWeights[Int(labels[i])]) }
        }
        guard base.contains(where: { $0 > 0 }) else { throw RandomForestError.invalidOption("every row has weight 0") }
        for (i, v) in x.enumerated() where !v.isFinite {
            throw RandomForestError.nonFinite("feature \(i % columns) of row \(i / columns) is \(v)")
        }

        let data = TrainingSet(x: x, rows: rows, columns: columns, labels: labels, classCount: k, weights: base,
                               options: options, maxFeatures: try options.maxFeatures.resolved(features: columns), threads: threads)
        let trees = options.trees
        let workers = max(1, min(threads, trees))
        let builders = (0..<workers).map { _ in TreeBuilder(data) }
        let grown = UnsafeMutableBufferPointer<GrownTree?>.allocate(capacity: trees)
        grown.initialize(repeating: nil)
        defer { grown.deinitialize(); grown.deallocate() }
        let out = UnsafeSendable(grown)
        forestParallel(count: trees, threads: workers) { worker, t in
            out.value[t] = builders[worker].grow(tree: t)
        }

        var nodes: [Node] = [], leafValues: [Float] = [], starts: [Int32] = [0]
        nodes.reserveCapacity(grown.reduce(0) { $0 + ($1?.nodes.count ?? 0) })
        for t in 0..<trees {
            guard let g = grown[t] else { continue }
            let nodeBase = Int32(nodes.count), leafBase = Int32(leafValues.count / k)
            for var n in g.nodes {
                if n.feature >= 0 { n.left += nodeBase; n.right += nodeBase } else { n.left += leafBase }
                nodes.append(n)
            }
            leafValues += g.leafValues
            starts.append(Int32(nodes.count))
        }
        return RandomForest(options: options, featureCount: columns, classCount: k, nodes: nodes, treeStarts: starts, leafValues: leafValues)
    }

    /// scikit-learn's `class_weight="balanced"`: n / (K · n_k) for each class present, 0 for absent ones.
    public static func balancedClassWeights(labels: [Int32], classCount k: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: k)
        for l in labels where l >= 0 && Int(l) < k { counts[Int(l)] += 1 }
        let present = counts.filter { $0 > 0 }.count
        return counts.map { $0 == 0 ? 0 : Float(Double(labels.count) / (Double(present) * Double($0))) }
    }
}

/// One tree before it joins the forest: node indices and leaf rows local to it.
struct GrownTree {
    var nodes: [RandomForest.Node]
    var leafValues: [Float]
}

/// The training data as every tree reads it: features as dense ranks, row by row
/// (UInt16 when no feature has more than 65,536 distinct values, else UInt32).
/// Row-major because a node gathers its rows' ranks of all its candidate features in
/// one pass: a deep node's rows are scattered over the table, and a row's ranks share
/// a few cache lines, where column-major would cost a line per row per feature.
final class TrainingSet: @unchecked Sendable {
    let rows, columns, classCount: Int
    let options: RandomForest.Options
    let maxFeatures: Int
    let labels: [Int32]
    /// Base weight of each row (sample weight × class weight).
    let weights: [Double]
    /// rank[i * columns + f]: dense rank of x[i, f] among the distinct values of feature f;
    /// one of the two is empty.
    let rank16: [UInt16]
    let rank32: [UInt32]
    /// The distinct values of feature f, ascending, at values[valueStart[f]..<valueStart[f + 1]].
    let values: [Float]
    let valueStart: [Int]

    init(x: [Float], rows n: Int, columns d: Int, labels: [Int32], classCount: Int, weights: [Double],
         options: RandomForest.Options, maxFeatures: Int, threads: Int) {
        rows = n; columns = d; self.classCount = classCount
        self.options = options; self.maxFeatures = maxFeatures
        self.labels = labels; self.weights = weights
        var rank = [UInt32](repeating: 0, count: n * d)
        var distinct = [[Float]](repeating: [], count: d)
        x.withUnsafeBufferPointer { xp in
            rank.withUnsafeMutableBufferPointer { rp in
                distinct.withUnsafeMutableBufferPointer { dp in
                    let shared = UnsafeSendable((xp, rp, dp))
                    // Features in chunks of 16, so that reading the row-major matrix is a
                    // forward sweep rather than one cache line per value.
                    let chunk = 16
                    forestParallel(count: (d + chunk - 1) / chunk, threads: threads) { _, job in
                        let (xp, rp, dp) = shared.value
                        let f0 = job * chunk, f1 = min(d, f0 + chunk)
                        // Per feature: (order-preserving bits of the value, row), and room to sort; -0 is +0
                        // so that equal values share a rank.
                        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * n * (f1 - f0))
                        defer { keys.deallocate() }
                        var lo = [UInt32](repeating: .max, count: f1 - f0), hi = [UInt32](repeating: 0, count: f1 - f0)
                        for i in 0..<n {
                            for f in f0..<f1 {
                                let b = TrainingSet.orderedBits(xp[i * d + f] + 0)
                                lo[f - f0] = min(lo[f - f0], b); hi[f - f0] = max(hi[f - f0], b)
                                keys[2 * n * (f - f0) + i] = UInt64(b) << 32 | UInt64(i)
                            }
                        }
                        for f in f0..<f1 {
                            let k = keys + 2 * n * (f - f0)
                            let sorted = TreeBuilder.sort(k, k + n, count: n, low: lo[f - f0], high: hi[f - f0])
                            var vals: [Float] = []
                            var last: UInt64 = .max
                            for i in 0..<n {
                                let key = sorted[i], row = Int(key & 0xFFFF_FFFF)
                                if key >> 32 != last { vals.append(xp[row * d + f] + 0); last = key >> 32 }
                                rp[f * n + row] = UInt32(vals.count - 1)
                            }
                            dp[f] = vals
                        }
                    }
                }
            }
        }
        // Row-major, in the narrowest type that holds every rank.
        if distinct.allSatisfy({ $0.count <= 1 << 16 }) {
            var r16 = [UInt16](repeating: 0, count: n * d)
            for f in 0..<d { for i in 0..<n { r16[i * d + f] = UInt16(truncatingIfNeeded: rank[f * n + i]) } }
            rank16 = r16; rank32 = []
        } else {
            var r32 = [UInt32](repeating: 0, count: n * d)
            for f in 0..<d { for i in 0..<n { r32[i * d + f] = rank[f * n + i] } }
            rank16 = []; rank32 = r32
        }
        var starts = [0]
        for v in distinct { starts.append(starts.last! + v.count) }
        valueStart = starts
        values = distinct.flatMap { $0 }
    }

    /// Rank of row `row`'s feature `f`.
    @inline(__always) func rank(_ row: Int, _ f: Int) -> UInt32 {
        rank16.isEmpty ? rank32[row * columns + f] : UInt32(rank16[row * columns + f])
    }

    /// out[j * m + p] = rank of rows[p]'s feature features[j], for p < m, j < nf: one
    /// pass over the rows (ascending, so the table is swept forwards).
    func gather(rows: UnsafePointer<Int32>, count m: Int, features: UnsafePointer<Int32>, featureCount nf: Int,
                into out: UnsafeMutablePointer<UInt32>) {
        if rank16.isEmpty {
            rank32.withUnsafeBufferPointer { TrainingSet.gather($0.baseAddress!, columns, rows, m, features, nf, out) }
        } else {
            rank16.withUnsafeBufferPointer { TrainingSet.gather($0.baseAddress!, columns, rows, m, features, nf, out) }
        }
    }

    @inline(__always)
    private static func gather<R: FixedWidthInteger & UnsignedInteger>(
        _ table: UnsafePointer<R>, _ d: Int, _ rows: UnsafePointer<Int32>, _ m: Int,
        _ features: UnsafePointer<Int32>, _ nf: Int, _ out: UnsafeMutablePointer<UInt32>) {
        for p in 0..<m {
            let base = table + Int(rows[p]) * d
            for j in 0..<nf { out[j * m + p] = UInt32(base[Int(features[j])]) }
        }
    }

    /// Bits of a finite Float whose unsigned order is the numeric order.
    @inline(__always) static func orderedBits(_ v: Float) -> UInt32 {
        let b = v.bitPattern
        return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
    }
}

/// Grows trees one after another with scratch buffers reused between them; one per worker.
final class TreeBuilder: @unchecked Sendable {
    let data: TrainingSet
    private var samples: [Int32]
    private var rightRows: [Int32]
    private var weight: [Double]
    private var keys: [UInt64]
    private var spare: [UInt64]
    private var features: [Int32]
    /// Ranks of the node's rows for a batch of candidate features (batch × rows).
    private var batchRanks: [UInt32]
    /// Labels and weights of the node's rows, in the node's order.
    private var nodeLabel: [Int32]
    private var nodeWeight: [Double]
    private var nodeTotal: [Double]
    private var leftW: [Double]
    private var rightW: [Double]

    init(_ data: TrainingSet) {
        self.data = data
        samples = [Int32](repeating: 0, count: data.rows)
        rightRows = samples
        weight = [Double](repeating: 0, count: data.rows)
        keys = [UInt64](repeating: 0, count: data.rows)
        spare = [UInt64](repeating: 0, count: data.rows)
        features = (0..<Int32(data.columns)).map { $0 }
        batchRanks = [UInt32](repeating: 0, count: data.rows * min(TreeBuilder.batch, data.maxFeatures))
        nodeLabel = [Int32](repeating: 0, count: data.rows)
        nodeWeight = [Double](repeating: 0, count: data.rows)
        nodeTotal = [Double](repeating: 0, count: data.classCount)
        leftW = nodeTotal
        rightW = nodeTotal
    }

    /// Most candidate features gathered in one pass over a node's rows.
    static let batch = 16

    /// The best split of a node found so far.
    private struct Split {
        var proxy = -Double.infinity
        var feature = Int.max
        var rankLeft: UInt32 = 0   // rows with rank <= rankLeft go left
        var rankRight: UInt32 = 0  // smallest rank among the rows going right
    }

    /// Grows tree `t`: its bootstrap sample and feature draws come from stream `t` of the seed.
    func grow(tree t: Int) -> GrownTree {
        var rng = ForestRNG(seed: data.options.seed, stream: UInt64(t))
        let n = data.rows, k = data.classCount
        // Bootstrap as weights: draw n rows with replacement and weight each row by its draws.
        if data.options.bootstrap {
            for i in 0..<n { weight[i] = 0 }
            for _ in 0..<n { weight[rng.below(n)] += 1 }
            for i in 0..<n { weight[i] *= data.weights[i] }
        } else {
            for i in 0..<n { weight[i] = data.weights[i] }
        }
        var m = 0
        for i in 0..<n where weight[i] > 0 { samples[m] = Int32(i); m += 1 }
        // Feature draws permute this list; start every tree from the same order so a
        // tree does not depend on the trees its worker grew before.
        for f in 0..<data.columns { features[f] = Int32(f) }

        let maxDepth = data.options.maxDepth ?? Int.max
        let minLeaf = data.options.minSamplesLeaf
        let minSplit = max(data.options.minSamplesSplit, 2 * minLeaf)
        var nodes: [RandomForest.Node] = [RandomForest.Node(feature: -1, threshold: 0, left: 0, right: -1)]
        var leafValues: [Float] = []
        var stack: [(node: Int, start: Int, end: Int, depth: Int)] = [(0, 0, m, 0)]
        while let (id, start, end, depth) = stack.popLast() {
            // Class weights of the node.
            for c in 0..<k { nodeTotal[c] = 0 }
            var total = 0.0
            for p in start..<end {
                let row = Int(samples[p])
                nodeTotal[Int(data.labels[row])] += weight[row]
            }
            var present = 0
            for c in 0..<k { total += nodeTotal[c]; if nodeTotal[c] > 0 { present += 1 } }

            var split: Split? = nil
            if depth < maxDepth, end - start >= minSplit, present > 1 {
                split = findSplit(start: start, end: end, total: total, rng: &rng)
            }
            guard let s = split else {
                nodes[id] = RandomForest.Node(feature: -1, threshold: 0, left: Int32(leafValues.count / k), right: -1)
                for c in 0..<k { leafValues.append(Float(nodeTotal[c] / total)) }
                continue
            }
            // Partition the node's rows, rank <= rankLeft first, keeping each side in
            // ascending row order: the gathers of the children then sweep each rank
            // column forwards, which the prefetcher follows (random order costs 2×).
            let f = s.feature
            var i = start
            samples.withUnsafeMutableBufferPointer { sp in
                rightRows.withUnsafeMutableBufferPointer { right in
                    var r = 0
                    for p in start..<end {
                        let row = sp[p]
                        if data.rank(Int(row), f) <= s.rankLeft { sp[i] = row; i += 1 } else { right[r] = row; r += 1 }
                    }
                    for q in 0..<r { sp[i + q] = right[q] }
                }
            }
            let lo = data.values[data.valueStart[f] + Int(s.rankLeft)]
            let hi = data.values[data.valueStart[f] + Int(s.rankRight)]
            let left = nodes.count
            nodes[id] = RandomForest.Node(feature: Int32(f), threshold: TreeBuilder.midpoint(lo, hi), left: Int32(left), right: Int32(left + 1))
            nodes.append(RandomForest.Node(feature: -1, threshold: 0, left: 0, right: -1))
            nodes.append(RandomForest.Node(feature: -1, threshold: 0, left: 0, right: -1))
            stack.append((left + 1, i, end, depth + 1))
            stack.append((left, start, i, depth + 1))
        }
        return GrownTree(nodes: nodes, leafValues: leafValues)
    }

    /// The threshold between neighbouring distinct values lo < hi: their midpoint, or lo
    /// where the midpoint rounds to hi, so that lo <= threshold < hi (scikit-learn's rule).
    static func midpoint(_ lo: Float, _ hi: Float) -> Float {
        let t = Float((Double(lo) + Double(hi)) * 0.5)
        return t < hi ? t : lo
    }

    /// Tries up to `maxFeatures` non-constant features, drawn without replacement.
    /// Among equally good splits (within 1e-10 of the node weight) the one on the
    /// lowest feature index and, within a feature, the lowest threshold wins, so the
    /// choice does not depend on the order the features were drawn in.
    private func findSplit(start: Int, end: Int, total: Double, rng: inout ForestRNG) -> Split? {
        let d = data.columns, k = data.classCount
        let m = end - start
        let minLeaf = data.options.minSamplesLeaf
        let tol = 1e-10 * total
        var best = Split()
        var totalSq = 0.0
        for c in 0..<k { totalSq += nodeTotal[c] * nodeTotal[c] }
        var visited = 0, drawn = 0
        data.labels.withUnsafeBufferPointer { labels in
        weight.withUnsafeBufferPointer { weight in
        samples.withUnsafeBufferPointer { samples in
        keys.withUnsafeMutableBufferPointer { keysBuf in
        spare.withUnsafeMutableBufferPointer { spareBuf in
        batchRanks.withUnsafeMutableBufferPointer { ranks in
        nodeLabel.withUnsafeMutableBufferPointer { lab in
        nodeWeight.withUnsafeMutableBufferPointer { wt in
        leftW.withUnsafeMutableBufferPointer { lw in
        rightW.withUnsafeMutableBufferPointer { rw in
            let rows = samples.baseAddress! + start
            for p in 0..<m { let row = Int(rows[p]); lab[p] = labels[row]; wt[p] = weight[row] }
            while drawn < d && visited < data.maxFeatures {
                // Draw the features still wanted and gather their ranks in one pass. Constant
                // ones do not count towards maxFeatures, so another batch may follow; the
                // features tried are those of drawing one at a time.
                let nf = min(data.maxFeatures - visited, d - drawn, TreeBuilder.batch)
                let first = drawn
                for _ in 0..<nf {
                    features.swapAt(drawn, drawn + rng.below(d - drawn))
                    drawn += 1
                }
                features.withUnsafeBufferPointer { fp in
                    data.gather(rows: rows, count: m, features: fp.baseAddress! + first, featureCount: nf, into: ranks.baseAddress!)
                }
                for j in 0..<nf {
                    let f = Int(features[first + j])
                    let col = ranks.baseAddress! + j * m
                    var lo = UInt32.max, hi: UInt32 = 0
                    for p in 0..<m {
                        let v = col[p]
                        lo = min(lo, v); hi = max(hi, v)
                        keysBuf[p] = UInt64(v) << 32 | UInt64(p)
                    }
                    if lo == hi { continue }  // constant here: does not count towards maxFeatures
                    visited += 1
                    let sorted = TreeBuilder.sort(keysBuf.baseAddress!, spareBuf.baseAddress!, count: m, low: lo, high: hi)

                    for c in 0..<k { lw[c] = 0; rw[c] = nodeTotal[c] }
                    var leftSq = 0.0, rightSq = totalSq, wl = 0.0, wr = total
                    var nextKey = sorted[0]
                    for p in 0..<(m - 1) {
                        let key = nextKey
                        nextKey = sorted[p + 1]
                        let q = Int(key & 0xFFFF_FFFF)
                        let c = Int(lab[q]), w = wt[q]
                        leftSq += w * (2 * lw[c] + w); lw[c] += w
                        rightSq -= w * (2 * rw[c] - w); rw[c] -= w
                        wl += w; wr -= w
                        let nl = p + 1
                        if nl < minLeaf { continue }
                        if m - nl < minLeaf { break }
                        if key >> 32 == nextKey >> 32 { continue }
                        let proxy = leftSq / wl + rightSq / wr
                        if proxy > best.proxy + tol || (proxy >= best.proxy - tol && f < best.feature) {
                            best = Split(proxy: proxy, feature: f, rankLeft: UInt32(key >> 32), rankRight: UInt32(nextKey >> 32))
                        }
                    }
                }
            }
        } } } } } } } } } }
        return best.feature == Int.max ? nil : best
    }

    /// Sorts `count` keys (rank << 32 | position) by rank, ranks in low...high; returns where the
    /// sorted keys are (`keys` or `spare`). Insertion sort for small nodes, else an LSD
    /// radix sort on 8-bit digits of rank − low (stable, so rows of equal rank keep their order).
    static func sort(_ keys: UnsafeMutablePointer<UInt64>, _ spare: UnsafeMutablePointer<UInt64>,
                     count m: Int, low: UInt32, high: UInt32) -> UnsafeMutablePointer<UInt64> {
        if m <= 48 {
            for i in 1..<max(m, 1) {
                let v = keys[i]
                var j = i
                while j > 0 && keys[j - 1] > v { keys[j] = keys[j - 1]; j -= 1 }
                keys[j] = v
            }
            return keys
        }
        let range = high - low
        let bits = 32 - range.leadingZeroBitCount
        var src = keys, dst = spare
        var count = [Int](repeating: 0, count: 256)
        count.withUnsafeMutableBufferPointer { cnt in
            var shift = 0
            while shift < bits {
                for b in 0..<256 { cnt[b] = 0 }
                for i in 0..<m { cnt[Int((UInt32(src[i] >> 32) &- low) >> UInt32(shift) & 0xFF)] += 1 }
                var sum = 0
                for b in 0..<256 { let c = cnt[b]; cnt[b] = sum; sum += c }
                for i in 0..<m {
                    let v = src[i]
                    let b = Int((UInt32(v >> 32) &- low) >> UInt32(shift) & 0xFF)
                    dst[cnt[b]] = v
                    cnt[b] += 1
                }
                swap(&src, &dst)
                shift += 8
            }
        }
        return src
    }
}
