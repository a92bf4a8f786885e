import Foundation
import XCTest
@testable import Models

// MARK: - Data and helpers

/// A small generator for test data (independent of the forest's own).
struct TestRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func normal() -> Double { (-2 * log(1 - uniform())).squareRoot() * cos(2 * .pi * uniform()) }
}

/// n rows of d features: class c's mean is `separation` · (a fixed random ±1 pattern), plus N(0, 1) noise.
func blobs(rows n: Int, features d: Int, classes k: Int, separation: Double, seed: UInt64) -> (x: [Float], y: [Int32]) {
    var rng = TestRNG(state: seed)
    let means = (0..<(k * d)).map { _ in rng.uniform() < 0.5 ? -separation : separation }
    var x = [Float](), y = [Int32]()
    for i in 0..<n {
        let c = i % k
        y.append(Int32(c))
        for j in 0..<d { x.append(Float(means[c * d + j] + rng.normal())) }
    }
    return (x, y)
}

/// A forest's tree as a nested value, for comparing structures.
indirect enum TreeShape: Equatable, CustomStringConvertible {
    case leaf([Float])
    case split(feature: Int, threshold: Float, left: TreeShape, right: TreeShape)

    var description: String {
        switch self {
        case let .leaf(p): return "leaf\(p)"
        case let .split(f, t, l, r): return "(x\(f) <= \(t) ? \(l) : \(r))"
        }
    }
}

extension RandomForest {
    func shape(tree t: Int) -> TreeShape {
        func walk(_ i: Int) -> TreeShape {
            let n = nodes[i]
            if n.feature < 0 {
                let row = Int(n.left)
                return .leaf(Array(leafValues[(row * classCount)..<((row + 1) * classCount)]))
            }
            return .split(feature: Int(n.feature), threshold: n.threshold, left: walk(Int(n.left)), right: walk(Int(n.right)))
        }
        return walk(Int(treeStarts[t]))
    }
}

/// The reference: one CART tree grown the obvious way. Every feature, every threshold
/// between two neighbouring distinct values (at their midpoint), the weighted Gini
/// impurity of the two children computed from scratch; the lowest impurity wins, the
/// first one (lowest feature, then lowest threshold) on ties.
struct NaiveTree {
    let x: [[Float]]
    let y: [Int]
    let w: [Double]
    let k: Int
    let maxDepth: Int
    let minLeaf: Int
    let minSplit: Int

    func gini(_ rows: [Int]) -> (impurity: Double, weight: Double) {
        var counts = [Double](repeating: 0, count: k)
        for r in rows { counts[y[r]] += w[r] }
        let total = counts.reduce(0, +)
        return (1 - counts.map { ($0 / total) * ($0 / total) }.reduce(0, +), total)
    }

    func build(_ rows: [Int], depth: Int) -> TreeShape {
        var counts = [Double](repeating: 0, count: k)
        for r in rows { counts[y[r]] += w[r] }
        let total = counts.reduce(0, +)
        let leaf = TreeShape.leaf(counts.map { Float($0 / total) })
        let pure = counts.filter { $0 > 0 }.count <= 1
        if depth >= maxDepth || rows.count < minSplit || rows.count < 2 * minLeaf || pure { return leaf }
        var best: (impurity: Double, feature: Int, threshold: Float)? = nil
        for f in 0..<x[0].count {
            let values = Array(Set(rows.map { x[$0][f] })).sorted()
            for i in 0..<max(0, values.count - 1) {
                var t = Float((Double(values[i]) + Double(values[i + 1])) / 2)
                if t >= values[i + 1] { t = values[i] }
                let left = rows.filter { x[$0][f] <= t }, right = rows.filter { x[$0][f] > t }
                if left.count < minLeaf || right.count < minLeaf { continue }
                let (gl, wl) = gini(left), (gr, wr) = gini(right)
                let impurity = (wl * gl + wr * gr) / total
                if best == nil || impurity < best!.impurity - 1e-10 { best = (impurity, f, t) }
            }
        }
        guard let b = best else { return leaf }
        return .split(feature: b.feature, threshold: b.threshold,
                      left: build(rows.filter { x[$0][b.feature] <= b.threshold }, depth: depth + 1),
                      right: build(rows.filter { x[$0][b.feature] > b.threshold }, depth: depth + 1))
    }
}

func accuracy(_ a: [Int32], _ b: [Int32]) -> Double { Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count) }

// MARK: - Tests

final class RandomForestTests: XCTestCase {
    /// A tiny data set with ties, repeated values and three classes.
    func tinyData(seed: UInt64) -> (x: [Float], y: [Int32], rows: Int, columns: Int) {
        var rng = TestRNG(state: seed)
        let n = 60, d = 4
        var x = [Float](), y = [Int32]()
        for _ in 0..<n {
            let a = Float(rng.int(7)), b = Float(rng.int(5)) * 0.5, c = Float(rng.normal()), e = Float(rng.int(3)) - 1
            x += [a, b, c, e]
            // Labels depend on a, b and c with noise, so the tree needs several levels.
            let score = Double(a) * 0.5 + Double(b) - Double(c) + rng.normal() * 0.7
            y.append(score < 1.5 ? 0 : (score < 3 ? 1 : 2))
        }
        return (x, y, n, d)
    }

    func testSingleTreeMatchesNaiveReference() throws {
        for (seed, depth, minLeaf) in [(UInt64(1), 20, 1), (2, 3, 1), (3, 20, 4), (4, 5, 2)] {
            let data = tinyData(seed: seed)
            let opts = RandomForest.Options(trees: 1, maxDepth: depth, minSamplesLeaf: minLeaf, maxFeatures: .all, bootstrap: false, seed: seed)
            let rf = try RandomForest.fit(features: data.x, rows: data.rows, columns: data.columns, labels: data.y, classCount: 3, options: opts)
            let rows2d = (0..<data.rows).map { Array(data.x[($0 * data.columns)..<(($0 + 1) * data.columns)]) }
            let naive = NaiveTree(x: rows2d, y: data.y.map(Int.init), w: Array(repeating: 1, count: data.rows), k: 3,
                                  maxDepth: depth, minLeaf: minLeaf, minSplit: 2)
            let expected = naive.build(Array(0..<data.rows), depth: 0)
            XCTAssertEqual(rf.shape(tree: 0), expected, "seed \(seed), depth \(depth), minLeaf \(minLeaf)")
            guard case .split = expected else { return XCTFail("the reference tree should split") }
            // And predictions: the leaf fraction of each row's leaf.
            let p = try rf.predictProbabilities(data.x, rows: data.rows)
            for r in 0..<data.rows {
                var node = expected
                while case let .split(f, t, l, rt) = node { node = rows2d[r][f] <= t ? l : rt }
                guard case let .leaf(q) = node else { return XCTFail() }
                XCTAssertEqual(Array(p[(r * 3)..<(r * 3 + 3)]), q)
            }
        }
    }

    func testSampleWeightsEqualRepeatedRows() throws {
        // Weight 2 on a row is the same as the row twice (no bootstrap, all features, leaves of 1).
        let data = tinyData(seed: 9)
        var weights = [Float](repeating: 1, count: data.rows)
        var xDup = data.x, yDup = data.y
        for r in stride(from: 0, to: data.rows, by: 3) {
            weights[r] = 2
            xDup += data.x[(r * data.columns)..<((r + 1) * data.columns)]
            yDup.append(data.y[r])
        }
        let opts = RandomForest.Options(trees: 1, maxFeatures: .all, bootstrap: false)
        let weighted = try RandomForest.fit(features: data.x, rows: data.rows, columns: data.columns, labels: data.y,
                                            sampleWeights: weights, options: opts)
        let repeated = try RandomForest.fit(features: xDup, rows: yDup.count, columns: data.columns, labels: yDup, options: opts)
        XCTAssertEqual(weighted.shape(tree: 0), repeated.shape(tree: 0))
    }

    func testSameSeedSameBytesWhateverTheThreads() throws {
        let data = blobs(rows: 600, features: 12, classes: 4, separation: 0.4, seed: 5)
        let opts = RandomForest.Options(trees: 24, maxDepth: 8, minSamplesLeaf: 2, seed: 42)
        let one = try RandomForest.fit(features: data.x, rows: 600, columns: 12, labels: data.y, options: opts, threads: 1)
        let two = try RandomForest.fit(features: data.x, rows: 600, columns: 12, labels: data.y, options: opts, threads: 2)
        let again = try RandomForest.fit(features: data.x, rows: 600, columns: 12, labels: data.y, options: opts, threads: 3)
        XCTAssertEqual(try one.encode(), try two.encode())
        XCTAssertEqual(try one.encode(), try again.encode())
        XCTAssertEqual(try one.predictProbabilities(data.x, rows: 600, threads: 1), try two.predictProbabilities(data.x, rows: 600, threads: 2))
        // A different seed grows a different forest.
        var other = opts
        other.seed = 43
        let three = try RandomForest.fit(features: data.x, rows: 600, columns: 12, labels: data.y, options: other)
        XCTAssertNotEqual(try one.encode(), try three.encode())
        // Trees differ from one another (own streams), and bootstrap leaves rows out.
        XCTAssertNotEqual(one.shape(tree: 0), one.shape(tree: 1))
    }

    func testSeparableDataIsLearnedAndProbabilitiesSumToOne() throws {
        // The same class means for training and held-out rows: one draw, split 900 / 600.
        let all = blobs(rows: 1500, features: 20, classes: 6, separation: 1.5, seed: 11)
        let trainX = Array(all.x[..<(900 * 20)]), trainY = Array(all.y[..<900])
        let heldX = Array(all.x[(900 * 20)...]), heldY = Array(all.y[900...])
        var opts = RandomForest.Options.seed001
        opts.trees = 60
        let rf = try RandomForest.fit(features: trainX, rows: 900, columns: 20, labels: trainY, options: opts)
        let pred = try rf.predict(heldX, rows: 600)
        XCTAssertGreaterThanOrEqual(accuracy(pred, heldY), 0.95)
        let p = try rf.predictProbabilities(heldX, rows: 600)
        for r in 0..<600 {
            let row = p[(r * 6)..<(r * 6 + 6)]
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssert(row.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        XCTAssertLessThanOrEqual(rf.depth, 10)
        XCTAssertEqual(rf.treeCount, 60)
    }

    func testThresholdsBetweenNeighbouringFloatsAndSignedZeros() throws {
        // 1 and the next float up: the midpoint rounds to one of them, and the threshold
        // must stay below the upper value (scikit-learn's rule), so training rows route as split.
        let up = Float(1).nextUp
        let x: [Float] = [1, 1, up, up]
        let rf = try RandomForest.fit(features: x, rows: 4, columns: 1, labels: [0, 0, 1, 1],
                                      options: .init(trees: 1, maxFeatures: .all, bootstrap: false))
        guard case let .split(_, t, _, _) = rf.shape(tree: 0) else { return XCTFail("should split") }
        XCTAssert(t >= 1 && t < up, "\(t)")
        XCTAssertEqual(try rf.predict(x, rows: 4), [0, 0, 1, 1])
        // −0 and +0 are the same value: no split between them.
        let z = try RandomForest.fit(features: [-0.0, 0.0, -0.0, 0.0], rows: 4, columns: 1, labels: [0, 1, 0, 1],
                                     options: .init(trees: 1, maxFeatures: .all, bootstrap: false))
        XCTAssertEqual(z.shape(tree: 0), .leaf([0.5, 0.5]))
    }

    func testPresetsAreThePapers() {
        XCTAssertEqual(RandomForest.Options.seed001.trees, 400)
        XCTAssertEqual(RandomForest.Options.seed001.maxDepth, 10)
        XCTAssertEqual(RandomForest.Options.seed002.trees, 100)
        XCTAssertEqual(RandomForest.Options.seed002.maxDepth, 50)
        XCTAssertEqual(RandomForest.Options.seed002.minSamplesLeaf, 20)
        XCTAssertEqual(try RandomForest.MaxFeatures.sqrt.resolved(features: 108), 10)
    }

    func testSeed002LeavesHoldAtLeast20Rows() throws {
        let data = blobs(rows: 800, features: 10, classes: 3, separation: 0.3, seed: 21)
        var opts = RandomForest.Options.seed002
        opts.trees = 5
        opts.bootstrap = false
        let rf = try RandomForest.fit(features: data.x, rows: 800, columns: 10, labels: data.y, options: opts)
        // Route every training row and count rows per leaf.
        var perLeaf: [Int32: Int] = [:]
        for t in 0..<rf.treeCount {
            for r in 0..<800 {
                var i = Int(rf.treeStarts[t])
                while rf.nodes[i].feature >= 0 {
                    let n = rf.nodes[i]
                    i = Int(data.x[r * 10 + Int(n.feature)] <= n.threshold ? n.left : n.right)
                }
                perLeaf[rf.nodes[i].left, default: 0] += 1
            }
        }
        XCTAssertGreaterThan(perLeaf.count, 10)
        XCTAssert(perLeaf.values.allSatisfy { $0 >= 20 }, "\(perLeaf.values.min() ?? 0)")
    }

    func testSaveLoadGivesIdenticalPredictionsAndBytes() throws {
        let data = blobs(rows: 500, features: 9, classes: 5, separation: 0.5, seed: 31)
        let rf = try RandomForest.fit(features: data.x, rows: 500, columns: 9, labels: data.y,
                                      classWeights: RandomForest.balancedClassWeights(labels: data.y, classCount: 5),
                                      options: .init(trees: 15, maxDepth: 6, maxFeatures: .fraction(0.5), seed: 7))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rf-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try rf.save(to: url, metadata: ["classes": "a,b,c,d,e", "rf.trees": "ignored"])
        let (loaded, meta) = try RandomForest.load(from: url)
        XCTAssertEqual(meta["classes"], "a,b,c,d,e")
        XCTAssertEqual(meta["rf.trees"], "15")
        XCTAssertEqual(meta["model"], "rf")
        XCTAssertEqual(loaded.options, rf.options)
        XCTAssertEqual(try loaded.predictProbabilities(data.x, rows: 500), try rf.predictProbabilities(data.x, rows: 500))
        XCTAssertEqual(try loaded.encode(metadata: meta), try Data(contentsOf: url))
    }

    func testFileIsPlainSafetensors() throws {
        // Parse the header by hand: the layout DESIGN.md §3 promises to Python's safetensors.
        let data = blobs(rows: 100, features: 3, classes: 2, separation: 1, seed: 1)
        let rf = try RandomForest.fit(features: data.x, rows: 100, columns: 3, labels: data.y, options: .init(trees: 2, maxDepth: 3))
        let bytes = try rf.encode()
        let n = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        XCTAssertEqual(n % 8, 0)
        let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: bytes[8..<(8 + n)]) as? [String: Any])
        let feature = try XCTUnwrap(header["rf.feature"] as? [String: Any])
        XCTAssertEqual(feature["dtype"] as? String, "I32")
        XCTAssertEqual(feature["shape"] as? [Int], [rf.nodeCount])
        let proba = try XCTUnwrap(header["rf.leaf_proba"] as? [String: Any])
        XCTAssertEqual(proba["dtype"] as? String, "F32")
        XCTAssertEqual((proba["shape"] as? [Int])?.last, 2)
        var end = 0
        for (name, v) in header where name != "__metadata__" {
            end = max(end, ((v as? [String: Any])?["data_offsets"] as? [Int])?.last ?? 0)
        }
        XCTAssertEqual(8 + n + end, bytes.count)
    }

    func testBadInputsThrow() throws {
        let x: [Float] = [0, 1, 2, 3, 4, 5]
        func fails(_ what: String, _ body: () throws -> Void) {
            XCTAssertThrowsError(try body(), what) { XCTAssert($0 is RandomForestError, "\(what): \($0)") }
        }
        fails("no rows") { _ = try RandomForest.fit(features: [], rows: 0, columns: 2, labels: []) }
        fails("no columns") { _ = try RandomForest.fit(features: [], rows: 3, columns: 0, labels: [0, 1, 0]) }
        fails("matrix size") { _ = try RandomForest.fit(features: x, rows: 4, columns: 2, labels: [0, 1, 0, 1]) }
        fails("label count") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1]) }
        fails("negative label") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, -1, 0]) }
        fails("label ≥ K") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 2, 0], classCount: 2) }
        fails("NaN") { _ = try RandomForest.fit(features: [0, .nan, 2, 3, 4, 5], rows: 3, columns: 2, labels: [0, 1, 0]) }
        fails("trees") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], options: .init(trees: 0)) }
        fails("min leaf") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], options: .init(minSamplesLeaf: 0)) }
        fails("max features") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], options: .init(maxFeatures: .count(3))) }
        fails("threads") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], threads: 0) }
        fails("weights count") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], sampleWeights: [1]) }
        fails("negative weight") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], sampleWeights: [1, -1, 1]) }
        fails("class weights") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], classWeights: [1]) }
        fails("zero weights") { _ = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], sampleWeights: [0, 0, 0]) }

        let rf = try RandomForest.fit(features: x, rows: 3, columns: 2, labels: [0, 1, 0], options: .init(trees: 3))
        fails("predict width") { _ = try rf.predict([1, 2, 3], rows: 1) }
        fails("predict rows") { _ = try rf.predictProbabilities([1, 2, 3, 4], rows: 1) }

        let good = try rf.encode()
        fails("empty file") { _ = try RandomForest.decode(Data()) }
        fails("truncated") { _ = try RandomForest.decode(good.prefix(good.count / 2)) }
        fails("garbage") { _ = try RandomForest.decode(Data(repeating: 0x41, count: 64)) }
        fails("not a forest") { _ = try RandomForest.decode(try rf.encode().replacing("rf.version", with: "xx.version")) }
        // A child index pointing backwards would loop forever: refused.
        var forged = RandomForest(options: rf.options, featureCount: 2, classCount: 2,
                                  nodes: rf.nodes, treeStarts: rf.treeStarts, leafValues: rf.leafValues)
        if let i = forged.nodes.firstIndex(where: { $0.feature >= 0 }) {
            var nodes = forged.nodes
            nodes[i].right = Int32(i)
            forged = RandomForest(options: rf.options, featureCount: 2, classCount: 2, nodes: nodes, treeStarts: rf.treeStarts, leafValues: rf.leafValues)
            let bytes = try forged.encode()
            fails("cycle") { _ = try RandomForest.decode(bytes) }
        }
        // A feature index beyond the input width: refused.
        if let i = rf.nodes.firstIndex(where: { $0.feature >= 0 }) {
            var nodes = rf.nodes
            nodes[i].feature = 7
            let bytes = try RandomForest(options: rf.options, featureCount: 2, classCount: 2, nodes: nodes,
                                         treeStarts: rf.treeStarts, leafValues: rf.leafValues).encode()
            fails("feature index") { _ = try RandomForest.decode(bytes) }
        }
        // The error text says what was expected.
        do { _ = try rf.predict([1, 2, 3], rows: 1) } catch { XCTAssert("\(error)".contains("2 features")) }
    }

    /// bench/.venv's Python (bench/bench-rf.sh creates it), or a skip.
    func benchPython() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent("bench/.venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { throw XCTSkip("no bench/.venv; run bench/bench-rf.sh once") }
        return python
    }

    /// Runs a Python script with one argument; its trimmed stdout, or a skip if it printed "skip".
    func runPython(_ python: URL, _ script: String, _ arg: String) throws -> String {
        let p = Process()
        p.executableURL = python
        p.arguments = ["-c", script, arg]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let out = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationStatus == 0, out != "skip" else { throw XCTSkip("python: \(out)") }
        return out
    }

    func testPythonSafetensorsReadsTheForest() throws {
        // Optional: Python's safetensors loads the file, and a numpy walk of its tensors
        // gives our probabilities (DESIGN.md §3: readable by Python's safetensors).
        let python = try benchPython()
        let data = blobs(rows: 400, features: 7, classes: 3, separation: 0.4, seed: 3)
        let rf = try RandomForest.fit(features: data.x, rows: 400, columns: 7, labels: data.y, options: .init(trees: 9, maxDepth: 7, seed: 2))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rf-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try rf.save(to: dir.appendingPathComponent("rf.safetensors"), metadata: ["classes": "a,b,c"])
        try data.x.withUnsafeBytes { Data($0) }.write(to: dir.appendingPathComponent("x.f32"))
        let script = """
        import sys, numpy as np
        try:
            from safetensors.numpy import load_file
        except ImportError:
            print("skip"); sys.exit(0)
        t = load_file(sys.argv[1] + "/rf.safetensors")
        x = np.fromfile(sys.argv[1] + "/x.f32", dtype="<f4").reshape(-1, 7)
        p = np.zeros((len(x), t["rf.leaf_proba"].shape[1]), dtype=np.float64)
        for s in t["rf.tree_start"][:-1]:
            for r in range(len(x)):
                i = s
                while t["rf.feature"][i] >= 0:
                    i = t["rf.left"][i] if x[r, t["rf.feature"][i]] <= t["rf.threshold"][i] else t["rf.right"][i]
                p[r] += t["rf.leaf_proba"][t["rf.leaf"][i]]
        p.astype("<f4").tofile(sys.argv[1] + "/p.f32")
        print(len(t["rf.tree_start"]) - 1)
        """
        XCTAssertEqual(try runPython(python, script, dir.path), "9")
        let theirs = try Data(contentsOf: dir.appendingPathComponent("p.f32")).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let ours = try rf.predictProbabilities(data.x, rows: 400)
        XCTAssertEqual(theirs.count, ours.count)
        for i in 0..<ours.count { XCTAssertEqual(theirs[i] / 9, ours[i], accuracy: 1e-5) }
    }

    func testMatchesScikitLearnAccuracy() throws {
        // Optional: scikit-learn from bench/.venv (bench/bench-rf.sh installs it).
        let python = try benchPython()
        let all = blobs(rows: 3000, features: 24, classes: 4, separation: 0.25, seed: 77)
        let n = 2000, d = 24
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rf-sk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try all.x.withUnsafeBytes { Data($0) }.write(to: dir.appendingPathComponent("x.f32"))
        try all.y.withUnsafeBytes { Data($0) }.write(to: dir.appendingPathComponent("y.i32"))
        let script = """
        import sys, numpy as np
        try:
            from sklearn.ensemble import RandomForestClassifier
        except ImportError:
            print("skip"); sys.exit(0)
        x = np.fromfile(sys.argv[1] + "/x.f32", dtype="<f4").reshape(-1, \(d)); y = np.fromfile(sys.argv[1] + "/y.i32", dtype="<i4")
        rf = RandomForestClassifier(n_estimators=100, max_depth=10, random_state=0, n_jobs=2).fit(x[:\(n)], y[:\(n)])
        print((rf.predict(x[\(n):]) == y[\(n):]).mean())
        """
        guard let theirs = Double(try runPython(python, script, dir.path)) else { throw XCTSkip("scikit-learn printed no accuracy") }
        let rf = try RandomForest.fit(features: Array(all.x[..<(n * d)]), rows: n, columns: d, labels: Array(all.y[..<n]),
                                      options: .init(trees: 100, maxDepth: 10, seed: 0))
        let ours = accuracy(try rf.predict(Array(all.x[(n * d)...]), rows: 1000), Array(all.y[n...]))
        XCTAssertEqual(ours, theirs, accuracy: 0.03, "ours \(ours), scikit-learn \(theirs)")
        XCTAssertGreaterThan(ours, 0.5)
    }
}

extension Data {
    /// The bytes with every occurrence of one ASCII string replaced by another of the same length.
    func replacing(_ a: String, with b: String) -> Data {
        precondition(a.utf8.count == b.utf8.count)
        var out = self
        let pa = Array(a.utf8), pb = Array(b.utf8)
        var i = 0
        while i + pa.count <= out.count {
            if Array(out[i..<(i + pa.count)]) == pa { out.replaceSubrange(i..<(i + pa.count), with: pb); i += pa.count } else { i += 1 }
        }
        return out
    }
}
