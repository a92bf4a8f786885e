import Foundation
import Cube
import GeoIO
import Models
import NN

/// Segmentation models (per-pixel logits for a whole window, e.g. `cnn2d-stack`, seed 002
/// §2.2.2) map the cube with overlapping windows of the model's input size, blended where they
/// overlap (seed 004 §2.5 predicted 2048-pixel windows with 512 of overlap).
///
/// Windows lie on one lattice for the whole cube (origins 0, stride, 2·stride …, the last one
/// moved back to end on the cube's edge), stride = size − overlap. A pixel's probabilities are
/// the average of its windows' softmax weighted by a ramp that falls towards the window's edges
/// over the overlap, summed in lattice order, so a tile gives the same bytes as the whole cube
/// (windows crossing a tile border are computed once per tile they touch).
final class WindowBlender {
    let net: Network
    let size: Int, overlap: Int, stride: Int
    let classes: Int
    /// Logits per pixel: K (softmax), or 1 for a binary mask where P(class 1) = σ(logit)
    /// (unet-convlstm on road masks, seed 004 §II-C).
    let maps: Int
    private let reader: TileReader
    private let grid: Grid
    private let weight: [Float]
    private var batch: Tensor
    private var sums: [Float] = [], weights: [Float] = []

    private let threads: Int

    init(net: Network, overlap: Int?, threads: Int, cubeFolder: String, manifest: CubeManifest, card: ModelCard, policy: BorderPolicy) throws {
        self.net = net
        self.threads = threads
        size = net.inputShape.h
        guard net.inputShape.w == size else {
            throw PredictionError.unsupportedModel("segmentation model '\(net.name)' reads \(net.inputShape.h)×\(net.inputShape.w) windows; predict needs square windows")
        }
        let o = overlap ?? size / 4
        guard o >= 0, o < size else { throw PredictionError.invalidOption("--overlap \(o): expected 0 to \(size - 1) for \(size)-pixel windows") }
        self.overlap = o
        stride = size - o
        classes = net.classes
        maps = net.outputShape(batch: 1).last ?? classes
        guard maps == classes || (maps == 1 && classes == 2) else {
            throw PredictionError.unsupportedModel("segmentation model '\(net.name)' gives \(maps) maps for \(classes) classes; predict maps K softmax maps or one sigmoid map for 2 classes")
        }
        // Outside the cube, 'skip' cannot drop a window's pixels: pad with NaN (0 after normalising) instead.
        reader = try TileReader(cubeFolder: cubeFolder, manifest: manifest, card: card, radius: 0, policy: policy == .reflect ? .reflect : .nan)
        grid = manifest.gridValue
        let s = net.inputShape.h
        let ramp = (0..<s).map { u in Float(min(u + 1, s - u, o + 1)) / Float(o + 1) }
        weight = (0..<(s * s)).map { ramp[$0 / s] * ramp[$0 % s] }
        batch = Tensor(zeros: net.inputShape.patchShape(batch: 1))
    }

    /// Window origins along an axis of n pixels.
    static func origins(length n: Int, size s: Int, stride: Int) -> [Int] {
        guard n > s else { return [0] }
        var o = Array(Swift.stride(from: 0, through: n - s, by: stride))
        if let last = o.last, last + s < n { o.append(n - s) }
        return o
    }

    /// Blended probabilities (pixels × classes) for `pixels` (tile row, col) of `tile`.
    func probabilities(tile: Window, pixels: [(row: Int, col: Int)], into out: inout [Float]) throws {
        let k = classes, s = size, n = tile.pixelCount
        if out.count < pixels.count * k { out = [Float](repeating: 0, count: pixels.count * k) }
        guard !pixels.isEmpty else { return }
        if sums.count < n * k { sums = [Float](repeating: 0, count: n * k) }
        if weights.count < n { weights = [Float](repeating: 0, count: n) }
        sums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        weights.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        let rows = Self.origins(length: grid.height, size: s, stride: stride).filter { $0 < tile.rowEnd && $0 + s > tile.row }
        let cols = Self.origins(length: grid.width, size: s, stride: stride).filter { $0 < tile.colEnd && $0 + s > tile.col }
        Threads.set(threads)
        var p = [Float](repeating: 0, count: k), logits = [Float](repeating: 0, count: k)
        for y0 in rows {
            for x0 in cols {
                try reader.read(Window(col: x0, row: y0, width: s, height: s))
                reader.zeroNaN()
                // The reader's layout [t][c][row][col] is the network's (1, T, C, H, W).
                let count = batch.count
                reader.values.withUnsafeBufferPointer { v in
                    for i in 0..<count { batch[flat: i] = v[i] }
                }
                let result = try net.forward(batch)
                for wy in max(0, tile.row - y0)..<min(s, tile.rowEnd - y0) {
                    for wx in max(0, tile.col - x0)..<min(s, tile.colEnd - x0) {
                        let at = wy * s + wx
                        if maps == 1 {
                            // Probabilities [1 − σ, σ]: blended, the class is road where σ̄ > 0.5.
                            let road = 1 / (1 + expf(-result[flat: at]))
                            p[0] = 1 - road; p[1] = road
                        } else {
                            for q in 0..<k { logits[q] = result[flat: at * k + q] }
                            Classifier.softmax(logits, into: &p, at: 0)
                        }
                        let w = weight[at], i = (y0 + wy - tile.row) * tile.width + (x0 + wx - tile.col)
                        for q in 0..<k { sums[i * k + q] += w * p[q] }
                        weights[i] += w
                    }
                }
            }
        }
        for (j, (y, x)) in pixels.enumerated() {
            let i = y * tile.width + x
            for q in 0..<k { out[j * k + q] = sums[i * k + q] / weights[i] }
        }
    }
}
