import Dispatch
import Foundation

/// The `rf` baseline: a random forest classifier (Breiman 2001) as scikit-learn's
/// `RandomForestClassifier` builds it: Gini impurity, bootstrap samples, a random
/// subset of `maxFeatures` features per split (√d by default), exact thresholds at
/// the midpoints between neighbouring values, and class probabilities that are the
/// mean over trees of the leaf class fractions.
///
/// It trains on any dense feature matrix: the flattened centre-pixel series of a
/// dataset (seeds 001 and 002), or the last hidden state of `lstm-pixel`, which is
/// the paper's RF(LSTM) (seed 001 §III-A: the same RF settings on both).
///
/// Determinism: tree `t` draws its bootstrap sample and its feature subsets from
/// its own xoshiro256** stream, seeded from (`seed`, `t`), and every row's
/// probabilities are summed over trees in tree order, so the same seed gives the
/// same forest, the same bytes on disk and the same predictions for any thread count.
///
/// ```swift
/// let rf = try RandomForest.fit(features: x, rows: n, columns: d, labels: y, options: .seed001)
/// let p = try rf.predictProbabilities(x, rows: n)      // n × K
/// try rf.encode(metadata: ["classes": "…"]).write(to: url)
/// ```
public struct RandomForest: Sendable {
    /// How many features each split considers.
    public enum MaxFeatures: Sendable, Equatable, CustomStringConvertible {
        /// ⌊√d⌋ (scikit-learn's default for classifiers, and OTB's).
        case sqrt
        /// ⌊log₂ d⌋.
        case log2
        /// Every feature (bagged decision trees).
        case all
        /// A fixed number of features.
        case count(Int)
        /// ⌊fraction · d⌋ features.
        case fraction(Double)

        /// The number of features for `d` input features, at least 1.
        /// - Throws: ``RandomForestError/invalidOption(_:)`` for a count outside 1…d or a fraction outside (0, 1].
        public func resolved(features d: Int) throws -> Int {
            switch self {
            case .sqrt: return max(1, Int(Double(d).squareRoot()))
            case .log2: return max(1, Int(Foundation.log2(Double(d))))
            case .all: return d
            case let .count(k):
                guard (1...max(1, d)).contains(k) else {
                    throw RandomForestError.invalidOption("maxFeatures \(k) must be between 1 and the \(d) features")
                }
                return k
            case let .fraction(f):
                guard f > 0, f <= 1 else { throw RandomForestError.invalidOption("maxFeatures fraction \(f) must be in (0, 1]") }
                return max(1, Int(f * Double(d)))
            }
        }

        /// `sqrt`, `log2`, `all`, an integer, or a fraction with a decimal point: the form
        /// stored in model metadata and accepted by ``init(parsing:)``.
        public var description: String {
            switch self {
            case .sqrt: return "sqrt"
            case .log2: return "log2"
            case .all: return "all"
            case let .count(k): return String(k)
            case let .fraction(f): return f == f.rounded() ? String(format: "%.1f", f) : String(f)
            }
        }

        /// Parses the form written by ``description``; `nil` for anything else.
        public init?(parsing s: String) {
            switch s {
            case "sqrt": self = .sqrt
            case "log2": self = .log2
            case "all": self = .all
            default:
                if let k = Int(s) { self = .count(k) } else if let f = Double(s), f.isFinite { self = .fraction(f) } else { return nil }
            }
        }
    }

    /// Hyper-parameters; defaults are scikit-learn's.
    public struct Options: Sendable, Equatable {
        /// Number of trees.
        public var trees: Int = 100
        /// Deepest level a node may be at (the root is depth 0); `nil` grows until the
        /// leaves are pure or too small to split.
        public var maxDepth: Int? = nil
        /// Fewest training rows in a leaf. With bootstrap, rows drawn several times count
        /// once (as in scikit-learn, where the draws become sample weights).
        public var minSamplesLeaf: Int = 1
        /// Fewest training rows a node needs to be split.
        public var minSamplesSplit: Int = 2
        /// Features considered per split. Features constant within a node do not count,
        /// so a split is found whenever one exists (as in scikit-learn).
        public var maxFeatures: MaxFeatures = .sqrt
        /// Each tree trains on n rows drawn with replacement (as weights) instead of all rows.
        public var bootstrap: Bool = true
        /// Seed of the per-tree random streams.
        public var seed: UInt64 = 0

        public init(trees: Int = 100, maxDepth: Int? = nil, minSamplesLeaf: Int = 1, minSamplesSplit: Int = 2,
                    maxFeatures: MaxFeatures = .sqrt, bootstrap: Bool = true, seed: UInt64 = 0) {
            self.trees = trees
            self.maxDepth = maxDepth
            self.minSamplesLeaf = minSamplesLeaf
            self.minSamplesSplit = minSamplesSplit
            self.maxFeatures = maxFeatures
            self.bootstrap = bootstrap
            self.seed = seed
        }

        /// Seed 001 §III-A (Ienco et al. 2017): scikit-learn with 400 trees and a maximum
        /// depth of 10; everything else at scikit-learn's defaults.
        public static let seed001 = Options(trees: 400, maxDepth: 10)

        /// Seed 002 §2.1 (iota², OTB/OpenCV random trees): 100 trees, maximum depth 50,
        /// "minimum number of samples in each node of 20", other parameters at OTB's
        /// defaults (√d features per split).
        ///
        /// Choice: OpenCV's `MinSampleCount` stops splitting nodes with fewer than 20
        /// samples, which is ambiguous between a minimum per leaf and per split; this
        /// preset reads it as scikit-learn's `min_samples_leaf = 20` (which also implies
        /// nodes under 40 rows are not split). Set `minSamplesSplit = 20,
        /// minSamplesLeaf = 1` for the other reading.
        public static let seed002 = Options(trees: 100, maxDepth: 50, minSamplesLeaf: 20)

        /// The presets by CLI name (`seed001`, `seed002`).
        public static let presets: [String: Options] = ["seed001": .seed001, "seed002": .seed002]

        /// Throws unless every value is in range for `features` input features.
        func validate(features: Int) throws {
            guard trees >= 1 else { throw RandomForestError.invalidOption("trees must be at least 1 (got \(trees))") }
            if let maxDepth, maxDepth < 0 {
                throw RandomForestError.invalidOption("maxDepth must be 0 or more, or nil for unlimited (got \(maxDepth))")
            }
            guard minSamplesLeaf >= 1 else { throw RandomForestError.invalidOption("minSamplesLeaf must be at least 1 (got \(minSamplesLeaf))") }
            guard minSamplesSplit >= 2 else { throw RandomForestError.invalidOption("minSamplesSplit must be at least 2 (got \(minSamplesSplit))") }
            _ = try maxFeatures.resolved(features: features)
        }
    }

    /// One node; 16 bytes so that a depth-10 tree fits in L1.
    /// Split: go to `left` when `x[feature] <= threshold`, else to `right` (NaN goes right).
    /// Leaf: `feature == -1` and `left` is the row of ``leafValues``.
    struct Node: Equatable {
        var feature: Int32
        var threshold: Float
        var left: Int32
        var right: Int32
    }

    /// The hyper-parameters the forest was grown with.
    public let options: Options
    /// Columns of the feature matrix (d).
    public let featureCount: Int
    /// Number of classes (K); probabilities have one column per class.
    public let classCount: Int
    /// Every tree's nodes, tree after tree; a tree's root is its first node and
    /// children always come after their parent.
    let nodes: [Node]
    /// First node of each tree, plus `nodes.count` at the end (trees + 1 entries).
    let treeStarts: [Int32]
    /// Class fractions of every leaf, `classCount` per leaf.
    let leafValues: [Float]
    /// The nodes as prediction walks them.
    let walk: WalkLayout

    /// ``nodes`` with every leaf turned into a node that leads to itself (feature 0,
    /// both children itself), so rows can walk a tree a fixed number of steps in
    /// lockstep. A leaf's threshold holds the bits of its row of ``leafValues`` (where a
    /// row ends up, either branch leads back to the leaf), so the walk's last node load
    /// also gives the leaf row.
    struct WalkLayout: Sendable {
        let nodes: [Node]
        /// Deepest leaf of each tree: the steps a walk needs at most.
        let depth: [Int32]
    }

    /// Number of trees.
    public var treeCount: Int { treeStarts.count - 1 }
    /// Total number of nodes (split nodes and leaves) over all trees.
    public var nodeCount: Int { nodes.count }
    /// The deepest leaf over all trees (root = 0).
    public var depth: Int { Int(walk.depth.max() ?? 0) }

    init(options: Options, featureCount: Int, classCount: Int, nodes: [Node], treeStarts: [Int32], leafValues: [Float]) {
        self.options = options
        self.featureCount = featureCount
        self.classCount = classCount
        self.nodes = nodes
        self.treeStarts = treeStarts
        self.leafValues = leafValues
        var walkNodes = nodes
        for i in nodes.indices where nodes[i].feature < 0 {
            walkNodes[i] = Node(feature: 0, threshold: Float(bitPattern: UInt32(bitPattern: nodes[i].left)), left: Int32(i), right: Int32(i))
        }
        let trees = treeStarts.count - 1
        walk = WalkLayout(nodes: walkNodes,
                          depth: (0..<trees).map { Int32(RandomForest.treeDepth(nodes, Int(treeStarts[$0]), Int(treeStarts[$0 + 1]))) })
    }

    /// Deepest leaf of the tree in nodes[start..<end] (children come after parents).
    private static func treeDepth(_ nodes: [Node], _ start: Int, _ end: Int) -> Int {
        var depth = [Int](repeating: 0, count: end - start)
        var best = 0
        for i in start..<end where nodes[i].feature >= 0 {  // children come after parents
            let d = depth[i - start] + 1
            depth[Int(nodes[i].left) - start] = d
            depth[Int(nodes[i].right) - start] = d
            best = max(best, d)
        }
        return best
    }

    /// The default worker count: every core.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// Problems a caller can cause: bad training data, options out of range, feature
/// matrices of the wrong width, malformed model files.
public enum RandomForestError: Error, CustomStringConvertible, Equatable {
    /// The training data has no rows or no columns.
    case emptyData(String)
    /// An array's length does not match the matrix shape.
    case shapeMismatch(String)
    /// A label is outside 0..<classCount.
    case labelOutOfRange(row: Int, label: Int32, classCount: Int)
    /// A training value is NaN or infinite.
    case nonFinite(String)
    /// A hyper-parameter or weight is out of range.
    case invalidOption(String)
    /// A model file is not a random forest this version can read.
    case malformedModel(String)

    public var description: String {
        switch self {
        case let .emptyData(m): return "random forest: empty training data: \(m)"
        case let .shapeMismatch(m): return "random forest: \(m)"
        case let .labelOutOfRange(row, label, k):
            return "random forest: label \(label) at row \(row) is outside 0..<\(k); labels must be class indices 0…K−1 (map class codes to indices first)"
        case let .nonFinite(m): return "random forest: \(m); fill or drop missing values before training"
        case let .invalidOption(m): return "random forest: \(m)"
        case let .malformedModel(m): return "random forest model: \(m)"
        }
    }
}

// MARK: - Prediction

extension RandomForest {
    /// Class probabilities: for each row, the mean over trees of the class fractions
    /// of the leaf the row falls in (scikit-learn's `predict_proba`).
    /// - Parameters:
    ///   - x: rows × ``featureCount`` values, row-major. NaN follows the right branch.
    ///   - rows: number of rows.
    ///   - threads: workers (rows are split between them; the result does not depend on it).
    /// - Returns: rows × ``classCount`` probabilities, row-major; each row sums to 1.
    /// - Throws: ``RandomForestError/shapeMismatch(_:)`` if `x` is not rows × featureCount.
    public func predictProbabilities(_ x: [Float], rows: Int, threads: Int = RandomForest.defaultThreads) throws -> [Float] {
        try checkInput(count: x.count, rows: rows)
        var out = [Float](repeating: 0, count: rows * classCount)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                predictProbabilities(xp, rows: rows, into: op, threads: threads)
            }
        }
        return out
    }

    /// Most probable class of each row (the first one on ties, as `numpy.argmax`).
    /// - Throws: ``RandomForestError/shapeMismatch(_:)`` if `x` is not rows × featureCount.
    public func predict(_ x: [Float], rows: Int, threads: Int = RandomForest.defaultThreads) throws -> [Int32] {
        let p = try predictProbabilities(x, rows: rows, threads: threads)
        return RandomForest.argmax(p, classCount: classCount)
    }

    /// Most probable class per row of a rows × K probability matrix (first on ties).
    public static func argmax(_ p: [Float], classCount k: Int) -> [Int32] {
        guard k > 0 else { return [] }
        let rows = p.count / k
        var out = [Int32](repeating: 0, count: rows)
        for r in 0..<rows {
            var best = 0
            for c in 1..<max(k, 1) where p[r * k + c] > p[r * k + best] { best = c }
            out[r] = Int32(best)
        }
        return out
    }

    /// Writes class probabilities into a caller's buffer (for classifying a cube block
    /// by block without copies).
    /// - Precondition: `x.count >= rows * featureCount`, `out.count >= rows * classCount`
    ///   (use ``predictProbabilities(_:rows:threads:)`` for checked input).
    public func predictProbabilities(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>,
                                     threads: Int = RandomForest.defaultThreads) {
        precondition(x.count >= rows * featureCount && out.count >= rows * classCount, "predictProbabilities: buffer too small")
        guard rows > 0, let xBase = x.baseAddress, let oBase = out.baseAddress else { return }
        // Tree-major over blocks of rows: a block (~450 kB at 108 features) stays in L2
        // while every tree walks it, and one tree's nodes stay in L1 meanwhile. Rows walk
        // a tree 16 at a time in lockstep (leaves loop onto themselves) until none moves,
        // so the 16 chains of dependent loads overlap instead of waiting on each other
        // (8 rows: 0.6×, 4 rows: 0.45× the speed; 32: no gain).
        let block = 1024, group = 16
        let blocks = (rows + block - 1) / block
        let k = classCount, d = featureCount, trees = treeCount
        let scale = 1 / Float(trees)
        let job = UnsafeSendable((xBase, oBase))
        walk.nodes.withUnsafeBufferPointer { nodesBuf in
        walk.depth.withUnsafeBufferPointer { depthBuf in
        leafValues.withUnsafeBufferPointer { leafBuf in
        treeStarts.withUnsafeBufferPointer { startsBuf in
            let shared = UnsafeSendable((nodesBuf.baseAddress!, depthBuf.baseAddress!,
                                         leafBuf.baseAddress!, startsBuf.baseAddress!))
            forestParallel(count: blocks, threads: threads) { _, b in
                let (xp, op) = job.value
                let (nodes, depth, leaves, starts) = shared.value
                let r0 = b * block, r1 = min(rows, r0 + block)
                let acc = op + r0 * k
                acc.update(repeating: 0, count: (r1 - r0) * k)
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: group) { idx in
                    for t in 0..<trees {
                        let root = starts[t], steps = Int(depth[t])
                        var g0 = r0
                        while g0 < r1 {
                            let g = min(group, r1 - g0)
                            for j in 0..<g { idx[j] = root }
                            var step = 0
                            while step < steps {
                                var moved: Int32 = 0  // nonzero once some row moved (no branch per row)
                                for j in 0..<g {
                                    let row = xp + (g0 + j) * d
                                    let i = idx[j]
                                    let n = nodes[Int(i)]
                                    let next = row[Int(n.feature)] <= n.threshold ? n.left : n.right
                                    moved |= next ^ i
                                    idx[j] = next
                                }
                                if moved == 0 { break }
                                step += 1
                            }
                            for j in 0..<g {
                                let src = leaves + Int(nodes[Int(idx[j])].threshold.bitPattern) * k
                                let dst = acc + (g0 - r0 + j) * k
                                for c in 0..<k { dst[c] += src[c] }
                            }
                            g0 += g
                        }
                    }
                }
                for i in 0..<((r1 - r0) * k) { acc[i] *= scale }
            }
        } } } }
    }

    private func checkInput(count: Int, rows: Int) throws {
        guard rows >= 0, count == rows * featureCount else {
            throw RandomForestError.shapeMismatch(
                "expected \(rows) rows × \(featureCount) features = \(rows * featureCount) values, got \(count); the forest was trained on \(featureCount) features per row")
        }
    }
}

// MARK: - Threads and random numbers

/// Wraps values (pointers into buffers each job touches disjointly) for `@Sendable` closures.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs jobs 0..<count on `threads` workers, each taking the next job when free;
/// `body(worker, job)` gets a worker number in 0..<threads for per-worker scratch.
/// Results must not depend on which worker runs a job.
func forestParallel(count: Int, threads: Int, _ body: (_ worker: Int, _ job: Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for j in 0..<count { body(0, j) }
        return
    }
    let lock = NSLock()
    var next = 0
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                lock.lock()
                let j = next
                next += 1
                lock.unlock()
                if j >= count { return }
                body(worker, j)
            }
        }
    }
}

/// xoshiro256** seeded through SplitMix64: the forest's own generator, so that a
/// forest does not change when other code changes how it draws random numbers.
struct ForestRNG {
    private var s0, s1, s2, s3: UInt64

    /// The stream of tree `tree` in a forest seeded with `seed`.
    init(seed: UInt64, stream: UInt64) {
        var sm = ForestRNG.splitmix(seed ^ ForestRNG.splitmix(stream &+ 0x5157_4F52_4553_5421))
        func next() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            return ForestRNG.splitmix(sm)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    /// SplitMix64's output function.
    static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in 0..<n (Lemire's multiply-and-reject, unbiased); n > 0.
    mutating func below(_ n: Int) -> Int {
        let un = UInt64(n)
        var m = next().multipliedFullWidth(by: un)
        if m.low < un {
            let t = (0 &- un) % un
            while m.low < t { m = next().multipliedFullWidth(by: un) }
        }
        return Int(m.high)
    }
}
