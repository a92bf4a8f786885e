import Foundation
import Models
import NN

/// Class probabilities for the pixels of a tile, from a network or a random forest.
///
/// Networks always run on full batches of `batchSize` samples (the last batch of a tile is
/// padded), so that a pixel is computed in a forward pass of the same shape whatever the tile
/// size; the tiled-equals-untiled tests check that the bytes agree.
final class Classifier {
    enum Kind { case network(Network), forest(RandomForest) }
    let kind: Kind
    let classes: Int
    let times: Int, bands: Int
    /// Patch side read around each pixel (1 for pixel models).
    let patch: Int
    /// Halo the tile reader must add: the patch radius, 0 for centre-pixel models.
    let radius: Int
    let batchSize: Int
    let threads: Int
    private let onlyCentre: Bool
    private var batch: Tensor?
    private var features: [Float] = []
    private var forestOut: [Float] = []

    init(model: TrainedModel, card: ModelCard, batchSize: Int, threads: Int) throws {
        times = card.times.count
        bands = card.bands.count
        classes = card.classes.count
        self.threads = threads
        switch model {
        case let .network(net):
            try ModelCheck.usable(network: net, card: card)
            net.setTraining(false)
            kind = .network(net)
            patch = net.inputShape.h
            onlyCentre = net.source == .centrePixel
            // Segmentation windows are read by the WindowBlender; the tile itself needs no halo.
            radius = onlyCentre || net.task == .segmentation ? 0 : patch / 2
            self.batchSize = batchSize
        case let .forest(forest):
            try ModelCheck.usable(forest: forest, card: card)
            kind = .forest(forest)
            patch = 1
            onlyCentre = true
            radius = 0
            self.batchSize = batchSize
        }
    }

    var modelName: String {
        switch kind {
        case let .network(n): return n.name
        case .forest: return "rf"
        }
    }

    /// Bytes of the batch buffers.
    var batchBytes: Int {
        if case let .network(net) = kind, net.task == .segmentation { return 2 * times * bands * patch * patch * 4 + patch * patch * classes * 8 }
        return batchSize * times * bands * patch * patch * 4 + batchSize * classes * 8
    }

    /// Probabilities (pixels × classes, row-major) for `pixels` (tile row, col) read from `tile`.
    func probabilities(tile: TileReader, pixels: [(row: Int, col: Int)], into out: inout [Float]) throws {
        if out.count < pixels.count * classes { out = [Float](repeating: 0, count: pixels.count * classes) }
        switch kind {
        case let .network(net): try runNetwork(net, tile: tile, pixels: pixels, into: &out)
        case let .forest(forest): try runForest(forest, tile: tile, pixels: pixels, into: &out)
        }
    }

    private func runNetwork(_ net: Network, tile: TileReader, pixels: [(row: Int, col: Int)], into out: inout [Float]) throws {
        let b = batchSize, k = classes, p = patch
        if batch == nil { batch = Tensor(zeros: net.inputShape.patchShape(batch: b)) }
        guard let x = batch else { return }
        Threads.set(threads)
        let plane = tile.haloWidth * tile.haloHeight, hw = tile.haloWidth
        let perSample = times * bands * p * p
        var logits = [Float](repeating: 0, count: k)
        var start = 0
        while start < pixels.count {
            let n = min(b, pixels.count - start)
            tile.values.withUnsafeBufferPointer { v in
                for j in 0..<n {
                    let (y, xc) = pixels[start + j]
                    var o = j * perSample
                    for tc in 0..<(times * bands) {
                        if onlyCentre {
                            // Centre-pixel models read only the centre of their patch.
                            let centre = (p / 2) * p + p / 2
                            for q in 0..<(p * p) { x[flat: o + q] = q == centre ? v[tc * plane + (y + radius) * hw + xc + radius] : 0 }
                        } else {
                            // Patch top-left in halo coordinates is (y, xc): the halo is the patch radius.
                            for dy in 0..<p {
                                let row = tc * plane + (y + dy) * hw + xc
                                for dx in 0..<p { x[flat: o + dy * p + dx] = v[row + dx] }
                            }
                        }
                        o += p * p
                    }
                }
            }
            let result = try net.forward(x)
            for j in 0..<n {
                for q in 0..<k { logits[q] = result[flat: j * k + q] }
                Classifier.softmax(logits, into: &out, at: (start + j) * k)
            }
            start += n
        }
    }

    private func runForest(_ forest: RandomForest, tile: TileReader, pixels: [(row: Int, col: Int)], into out: inout [Float]) throws {
        let d = times * bands, plane = tile.haloWidth * tile.haloHeight, hw = tile.haloWidth
        if features.count < pixels.count * d { features = [Float](repeating: 0, count: pixels.count * d) }
        for (j, (y, x)) in pixels.enumerated() {
            // t-major feature order (t * C + c), as the forest was trained on.
            for tc in 0..<d { features[j * d + tc] = tile.values[tc * plane + y * hw + x] }
        }
        features.withUnsafeBufferPointer { f in
            out.withUnsafeMutableBufferPointer { o in
                forest.predictProbabilities(UnsafeBufferPointer(rebasing: f[0..<(pixels.count * d)]), rows: pixels.count,
                                            into: UnsafeMutableBufferPointer(rebasing: o[0..<(pixels.count * classes)]), threads: threads)
            }
        }
    }

    /// Softmax of one row of logits (max-shifted, Float) written at `offset`.
    static func softmax(_ logits: [Float], into out: inout [Float], at offset: Int) {
        let top = logits.max() ?? 0
        var sum: Float = 0
        for (i, l) in logits.enumerated() {
            let e = expf(l - top)
            out[offset + i] = e
            sum += e
        }
        for i in 0..<logits.count { out[offset + i] /= sum }
    }
}
