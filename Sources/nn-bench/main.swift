// nn-bench: trains and runs the seed-000 2D-CNN and a CNN-LSTM on synthetic data
// (12×9×9×9 patches, batch 512) and prints one JSON line per model, for
// bench/bench-nn.sh to compare with PyTorch (bench/nn_torch.py).
//
// Usage: nn-bench [--threads N] [--samples N] [--models cnn2d,cnnlstm] [--sgemm]
import Foundation
import NN

struct Options {
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var samples = 2048
    var models = ["cnn2d", "cnnlstm"]
    var sgemm = false
    var profile = false
}

func parse() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
        switch a {
        case "--threads": o.threads = Int(args.next() ?? "") ?? o.threads
        case "--samples": o.samples = Int(args.next() ?? "") ?? o.samples
        case "--models": o.models = (args.next() ?? "").split(separator: ",").map(String.init)
        case "--sgemm": o.sgemm = true
        case "--profile": o.profile = true
        default:
            FileHandle.standardError.write("unknown option \(a)\n".data(using: .utf8) ?? Data())
            exit(2)
        }
    }
    return o
}

/// Seed 000 §2.3.1: six 3×3 'same' convolutions (32, 32, 64, 64, 128, 128), each
/// followed by ReLU and batch norm, 2×2 max-pool after the 2nd and 4th; applied to
/// every time step with shared weights. Output (B·T, 2, 2, 128).
func cnnBlock(_ rng: inout RNG) throws -> Sequential {
    var layers: [Layer] = []
    var cin = 9
    for (i, cout) in [32, 32, 64, 64, 128, 128].enumerated() {
        let conv = try Conv2D(cin, cout, kernel: (3, 3), padding: .same, rng: &rng)
        if i == 0 { conv.computesInputGradient = false }  // the input needs no gradient
        layers += [conv, Activation(.relu, inPlace: true), BatchNorm(cout)]
        if i == 1 || i == 3 { layers.append(try MaxPool2D()) }
        cin = cout
    }
    return Sequential(layers)
}

/// 2D-CNN: TimeDistributed CNN → flatten 6144 → 1024 → 512 → 6 (7,109,990 parameters).
func cnn2d(_ rng: inout RNG) throws -> Sequential {
    Sequential([
        TimeDistributed(try cnnBlock(&rng)), Flatten(),
        Linear(6144, 1024, rng: &rng), Activation(.relu),
        Linear(1024, 512, rng: &rng), Activation(.relu),
        Linear(512, 6, rng: &rng),
    ])
}

/// CNN-LSTM: the same per-step CNN → (B, 12, 512) → LSTM 32 (sequences) → LSTM 128 → 1024 → 512 → 6.
func cnnLSTM(_ rng: inout RNG) throws -> Sequential {
    Sequential([
        TimeDistributed(Sequential([try cnnBlock(&rng), Flatten()])),
        LSTM(512, units: 32, returnSequences: true, rng: &rng), LSTM(32, units: 128, rng: &rng),
        Linear(128, 1024, rng: &rng), Activation(.relu),
        Linear(1024, 512, rng: &rng), Activation(.relu),
        Linear(512, 6, rng: &rng),
    ])
}

/// Forward MFLOP per sample (multiply-adds counted as 2).
func forwardFLOPs(_ model: String) -> (total: Double, firstConv: Double) {
    let convs: [(positions: Double, k: Double, cout: Double)] = [
        (81, 81, 32), (81, 288, 32), (16, 288, 64), (16, 576, 64), (4, 576, 128), (4, 1152, 128)]
    var cnn = 0.0
    for c in convs { cnn += 24 * c.positions * c.k * c.cout }
    let first: Double = 24 * 81 * 81 * 32
    if model == "cnn2d" {
        let dense: Double = 6144 * 1024 + 1024 * 512 + 512 * 6
        return (cnn + 2 * dense, first)
    }
    let lstm1: Double = (512 + 32) * 128, lstm2: Double = (32 + 128) * 512
    let dense: Double = 128 * 1024 + 1024 * 512 + 512 * 6
    return (cnn + 24 * (lstm1 + lstm2) + 2 * dense, first)
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func peakRSSMB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

func json(_ d: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: d, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

func run() throws {
    let o = parse()
    Threads.set(o.threads)
    if o.sgemm {
        // Shapes of these convolutions (im2col chunks of 512 images) and a square reference.
        var r: [String: Any] = ["impl": "sgemm", "threads": o.threads]
        let shapes: [(String, Int, Int, Int)] = [
            ("square2048", 2048, 2048, 2048), ("conv1_k81", 41472, 32, 81), ("conv2_k288", 41472, 32, 288),
            ("conv4_k576", 8192, 64, 576), ("conv6_k1152", 2048, 128, 1152), ("dense6144", 512, 1024, 6144)]
        var peak = 0.0
        for (name, m, n, k) in shapes {
            let g = BLASProbe.sgemmGFLOPS(m: m, n: n, k: k, seconds: 1)
            r[name] = (g * 10).rounded() / 10
            peak = max(peak, g)
        }
        r["peak_gflops"] = (peak * 10).rounded() / 10
        print(json(r))
        return
    }
    if o.profile { try profile(); return }
    let n = o.samples, batch = 512, T = 12
    var drng = RNG(seed: 7)
    let data = Tensor(zeros: [n, T, 9, 9, 9])
    for i in 0..<data.count { data[flat: i] = drng.uniform(-1, 1) }
    let labels = (0..<n).map { _ in Int(drng.next() % 6) }
    let clock = ContinuousClock()
    for name in o.models {
        var rng = RNG(seed: 1)
        let model = name == "cnn2d" ? try cnn2d(&rng) : try cnnLSTM(&rng)
        let store = ParameterStore(model)
        let opt = SGD(store, learningRate: 1e-4, momentum: 0.9, decay: 3.3e-6)
        var xb: Tensor?
        /// One pass over the data; returns the loss sum and each batch's seconds.
        func epoch() throws -> (Double, [Double]) {
            var loss = 0.0, times: [Double] = []
            var s = 0
            while s + batch <= n {
                let t = clock.now
                xb = try data.gatherRows(Array(s..<(s + batch)), into: xb)
                guard let x = xb else { break }
                loss += Double(try classificationStep(model, opt, input: x, labels: Array(labels[s..<(s + batch)])))
                times.append(seconds(clock.now - t))
                s += batch
            }
            return (loss, times)
        }
        model.setTraining(true)
        _ = try epoch()  // warm-up: workspaces reach their final sizes
        let (loss, times) = try epoch()
        // Median batch time: robust to other processes on a shared machine.
        let trainSPS = Double(batch) / median(times)

        model.setTraining(false)
        func infer(_ bs: Int, reps: Int) throws -> Double {
            let x = try data.gatherRows((0..<bs).map { $0 % n })
            _ = try model.forward(x)
            var times: [Double] = []
            for _ in 0..<reps {
                let t = clock.now
                _ = try model.forward(x)
                times.append(seconds(clock.now - t))
            }
            return Double(bs) / median(times)
        }
        let i512 = try infer(512, reps: 5)
        let i4096 = try infer(4096, reps: 3)
        let f = forwardFLOPs(name)
        let trainFLOP = 3 * f.total - f.firstConv
        print(json([
            "impl": "sitscube-nn", "model": name, "threads": o.threads, "params": store.count,
            "train_sps": trainSPS, "train_batches": times.count, "infer512_sps": i512, "infer4096_sps": i4096,
            "train_gflops": trainSPS * trainFLOP / 1e9, "infer_gflops": i4096 * f.total / 1e9,
            "fwd_mflop": f.total / 1e6, "peak_rss_mb": peakRSSMB(), "loss": loss,
        ]))
    }
}

/// Per-layer forward/backward times of the per-step CNN at batch 512 (6144 images).
func profile() throws {
    var rng = RNG(seed: 1)
    let block = try cnnBlock(&rng)
    let x = Tensor(zeros: [6144, 9, 9, 9])
    var drng = RNG(seed: 2)
    for i in 0..<x.count { x[flat: i] = drng.uniform(-1, 1) }
    let clock = ContinuousClock()
    var fwd = [Double](repeating: 0, count: block.layers.count), bwd = fwd
    for rep in 0..<3 {
        var h = x
        for (i, l) in block.layers.enumerated() {
            let t = clock.now
            h = try l.forward(h)
            if rep > 0 { fwd[i] += seconds(clock.now - t) }
        }
        var g = h
        for (i, l) in block.layers.enumerated().reversed() {
            let t = clock.now
            g = l.backward(g)
            if rep > 0 { bwd[i] += seconds(clock.now - t) }
        }
    }
    for (i, l) in block.layers.enumerated() {
        print(String(format: "%2d %-28@ fwd %7.1f ms  bwd %7.1f ms", i, String(describing: type(of: l)) as NSString, fwd[i] * 500, bwd[i] * 500))
    }
    print(String(format: "total fwd %.1f ms, bwd %.1f ms", fwd.reduce(0, +) * 500, bwd.reduce(0, +) * 500))
}

do { try run() } catch {
    FileHandle.standardError.write("nn-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}
