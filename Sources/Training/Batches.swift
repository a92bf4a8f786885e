import Models
import NN

/// Mini-batch tensors for one model, filled from a ``TrainingDataset`` and reused from batch
/// to batch (one extra pair for a shorter last batch).
final class BatchAssembler {
    let dataset: TrainingDataset
    let source: ModelSource
    private var full: (x: Tensor, features: Tensor?)?
    private var partial: (n: Int, x: Tensor, features: Tensor?)?

    init(dataset: TrainingDataset, source: ModelSource) {
        self.dataset = dataset
        self.source = source
    }

    private func shape(_ n: Int) -> [Int] {
        source == .features ? [n, dataset.input.t, 2 * dataset.input.c] : dataset.input.patchShape(batch: n)
    }

    /// The model's input for `rows`, normalised.
    func input(rows: [Int], batchSize: Int) throws -> Tensor {
        let n = rows.count
        let t: Tensor
        if n == batchSize {
            if full == nil { full = (Tensor(zeros: shape(n)), nil) }
            t = full!.x
        } else {
            if partial?.n != n { partial = (n, Tensor(zeros: shape(n)), nil) }
            t = partial!.x
        }
        try t.withUnsafeMutableBufferPointer { buf in
            if source == .features {
                try dataset.fillFeatures(rows: rows, into: buf.baseAddress!)
            } else {
                try dataset.fillX(rows: rows, into: buf.baseAddress!)
            }
        }
        return t
    }
}

/// Training-time changes of a batch in place, drawn from the trainer's generator.
enum Augmentation {
    /// Random flips and 90° rotations of every (t, c) plane of each patch: one of the 8
    /// symmetries of the square (4 flips when H ≠ W). The centre pixel stays the centre.
    /// `masks` (N, H, W, 1), the per-pixel targets of a segments batch, turn with their patch.
    static func flipRotate(_ x: Tensor, planes: Int, h: Int, w: Int, masks: Tensor? = nil, rng: inout RNG) {
        let n = x.shape[0]
        let choices = (0..<n).map { _ in Int(rng.next() % (h == w ? 8 : 4)) }
        apply(choices, to: x, planes: planes, h: h, w: w)
        if let masks { apply(choices, to: masks, planes: 1, h: h, w: w) }
    }

    /// Sample i's `planes` planes of h×w values in `x` under symmetry `choices[i]`.
    static func apply(_ choices: [Int], to x: Tensor, planes: Int, h: Int, w: Int) {
        let hw = h * w
        var scratch = [Float](repeating: 0, count: hw)
        x.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            for (i, choice) in choices.enumerated() {
                if choice == 0 { continue }
                for plane in 0..<planes {
                    let base = p + (i * planes + plane) * hw
                    for k in 0..<hw { scratch[k] = base[k] }
                    for r in 0..<h {
                        for c in 0..<w {
                            // Source pixel of output (r, c) under the chosen symmetry.
                            let (sr, sc): (Int, Int)
                            switch choice {
                            case 1: (sr, sc) = (r, w - 1 - c)           // horizontal flip
                            case 2: (sr, sc) = (h - 1 - r, c)           // vertical flip
                            case 3: (sr, sc) = (h - 1 - r, w - 1 - c)   // 180°
                            case 4: (sr, sc) = (c, w - 1 - r)           // 90° (square only)
                            case 5: (sr, sc) = (h - 1 - c, r)           // 270°
                            case 6: (sr, sc) = (c, r)                   // transpose
                            default: (sr, sc) = (h - 1 - c, w - 1 - r)  // anti-transpose
                            }
                            base[r * w + c] = scratch[sr * w + sc]
                        }
                    }
                }
            }
        }
    }

    /// A random order of the T dates of each sample (seed 003 §5 ablation: the temporal order
    /// is shuffled to see how much the models rely on it). `step` values per date.
    static func shuffleTime(_ x: Tensor, dates: Int, step: Int, rng: inout RNG) {
        let n = x.shape[0]
        var scratch = [Float](repeating: 0, count: dates * step)
        x.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            for i in 0..<n {
                var order = Array(0..<dates)
                shuffle(&order, rng: &rng)
                let base = p + i * dates * step
                for k in 0..<(dates * step) { scratch[k] = base[k] }
                for (t, from) in order.enumerated() {
                    for k in 0..<step { base[t * step + k] = scratch[from * step + k] }
                }
            }
        }
    }

    /// Fisher–Yates with the trainer's generator (the same order on every platform).
    static func shuffle<T>(_ a: inout [T], rng: inout RNG) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }
}
