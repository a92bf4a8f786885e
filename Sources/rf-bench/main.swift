// rf-bench: fits the `rf` baseline on synthetic pixel series and prints one JSON
// line (fit seconds, predicted rows per second, test accuracy), for bench/bench-rf.sh
// to set beside scikit-learn (bench/rf_sklearn.py) on the same data.
//
// The data: K classes, each a mean profile over `features` values (as 12 dates × 9
// bands) drawn once, plus Gaussian noise, so classes overlap and trees grow to their
// full depth. `--write-data DIR` writes the same rows for the Python side
// (train_x.f32, train_y.i32, test_x.f32, test_y.i32: raw little-endian) and exits.
//
// Usage: rf-bench [--rows 20000] [--test-rows 50000] [--features 108] [--classes 6]
//                 [--trees 400] [--depth 10] [--min-leaf 1] [--threads N] [--seed 1]
//                 [--write-data DIR] [--save MODEL.safetensors]
import Foundation
import Models

struct Settings {
    var rows = 20_000
    var testRows = 50_000
    var features = 108
    var classes = 6
    var trees = 400
    var depth: Int? = 10
    var minLeaf = 1
    var threads = RandomForest.defaultThreads
    var seed: UInt64 = 1
    var writeData: String? = nil
    var save: String? = nil
}

func parse() -> Settings {
    var s = Settings()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    func int(_ name: String) -> Int {
        guard let v = args.next().flatMap({ Int($0) }) else { fail("\(name) needs an integer") }
        return v
    }
    while let a = args.next() {
        switch a {
        case "--rows": s.rows = int(a)
        case "--test-rows": s.testRows = int(a)
        case "--features": s.features = int(a)
        case "--classes": s.classes = int(a)
        case "--trees": s.trees = int(a)
        case "--depth": let d = int(a); s.depth = d > 0 ? d : nil
        case "--min-leaf": s.minLeaf = int(a)
        case "--threads": s.threads = int(a)
        case "--seed": s.seed = UInt64(int(a))
        case "--write-data": s.writeData = args.next()
        case "--save": s.save = args.next()
        default: fail("unknown option \(a)")
        }
    }
    return s
}

func fail(_ m: String) -> Never {
    FileHandle.standardError.write(Data("rf-bench: \(m)\n".utf8))
    exit(2)
}

/// SplitMix64: the data generator (independent of the forest's own streams).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// Rows of class profiles plus noise; classes take turns so each has n/K rows.
func synthetic(rows n: Int, features d: Int, classes k: Int, seed: UInt64, stream: UInt64) -> (x: [Float], y: [Int32]) {
    var profiles = SplitMix(state: seed)
    let means = (0..<(k * d)).map { _ in profiles.uniform() * 2 - 1 }
    var rng = SplitMix(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
    var x = [Float](repeating: 0, count: n * d), y = [Int32](repeating: 0, count: n)
    for i in 0..<n {
        let c = i % k
        y[i] = Int32(c)
        let shift = rng.normal() * 0.3  // a per-pixel brightness offset shared by its features
        for j in 0..<d { x[i * d + j] = Float(means[c * d + j] + shift + 1.2 * rng.normal()) }
    }
    return (x, y)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// CPU seconds of this process (all threads): on a shared machine, wall time alone
/// says more about the neighbours than about the code.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

let s = parse()
let train = synthetic(rows: s.rows, features: s.features, classes: s.classes, seed: s.seed, stream: 1)
let test = synthetic(rows: s.testRows, features: s.features, classes: s.classes, seed: s.seed, stream: 2)

if let dir = s.writeData {
    let url = URL(fileURLWithPath: dir)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try train.x.withUnsafeBytes { Data($0) }.write(to: url.appendingPathComponent("train_x.f32"))
    try train.y.withUnsafeBytes { Data($0) }.write(to: url.appendingPathComponent("train_y.i32"))
    try test.x.withUnsafeBytes { Data($0) }.write(to: url.appendingPathComponent("test_x.f32"))
    try test.y.withUnsafeBytes { Data($0) }.write(to: url.appendingPathComponent("test_y.i32"))
    exit(0)
}

let options = RandomForest.Options(trees: s.trees, maxDepth: s.depth, minSamplesLeaf: s.minLeaf, seed: s.seed)
var forest: RandomForest!
let cpu0 = cpuSeconds()
let fit = try seconds {
    forest = try RandomForest.fit(features: train.x, rows: s.rows, columns: s.features, labels: train.y,
                                  classCount: s.classes, options: options, threads: s.threads)
}
let fitCPU = cpuSeconds() - cpu0
var labels: [Int32] = []
_ = try forest.predict(Array(test.x.prefix(1000 * s.features)), rows: 1000, threads: s.threads)  // warm-up
var predict = Double.infinity
for _ in 0..<3 {
    predict = min(predict, try seconds { labels = try forest.predict(test.x, rows: s.testRows, threads: s.threads) })
}
let accuracy = Double(zip(labels, test.y).filter { $0 == $1 }.count) / Double(s.testRows)
let encoded = try forest.encode()
if let path = s.save { try encoded.write(to: URL(fileURLWithPath: path)) }
let bytes = encoded.count
let json: [String: Any] = [
    "impl": "sitscube", "rows": s.rows, "test_rows": s.testRows, "features": s.features, "classes": s.classes,
    "trees": s.trees, "max_depth": s.depth ?? 0, "min_samples_leaf": s.minLeaf, "threads": s.threads,
    "fit_s": fit, "fit_cpu_s": fitCPU, "predict_s": predict, "predict_px_s": Double(s.testRows) / predict,
    "test_accuracy": accuracy, "nodes": forest.nodeCount, "depth": forest.depth, "model_bytes": bytes,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self))
