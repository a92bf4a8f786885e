import NN

/// The U-Net of seed 004 §II-A (Ronneberger et al. 2015 with half the filters and batch
/// norm after each convolution), channels last: x (N, H, W, C) → per-pixel
/// probability map (N, H, W, lc), softmax over lc.
///
/// - Contracting level l: two 3×3 'same' convolutions (filters[l]), each followed by
///   BN then ReLU; 2×2 max-pool between levels.
/// - Expanding level l: 2×2 transpose convolution, stride 2, to filters[l] (half the
///   level below), concatenation [skip, up-sampled] and ONE 3×3 convolution + BN + ReLU,
///   as §II-A's text says (Ronneberger's original has two).
/// - A 1×1 convolution to lc channels and a softmax: the PMap.
/// 'same' padding keeps the tile size (Fig. 2: 512 → 32 at the lowest of 5 levels),
/// so H and W must be multiples of 2^(levels − 1). Choices: batch norm follows each 3×3
/// convolution (not the transpose convolutions nor the 1×1 head), before the ReLU, with
/// Keras's conventions (the paper used TensorFlow 1.13, §IV); Keras initialisation.
final class UNet: Layer {
    let encoders: [Sequential]
    let pools: [MaxPool2D]
    let ups: [ConvTranspose2D]
    let concats: [Concat]
    let decoders: [Sequential]
    let head: Sequential
    private var skipSums: [Tensor?]

    init(inChannels: Int, filters: [Int], outChannels: Int, rng: inout RNG) throws {
        func convBNReLU(_ i: Int, _ o: Int, _ rng: inout RNG) throws -> [Layer] {
            [try Conv2D(i, o, kernel: (3, 3), padding: .same, rng: &rng), BatchNorm(o), Activation(.relu, inPlace: true)]
        }
        var enc: [Sequential] = [], pools: [MaxPool2D] = []
        var ch = inChannels
        for (l, f) in filters.enumerated() {
            enc.append(Sequential(try convBNReLU(ch, f, &rng) + convBNReLU(f, f, &rng)))
            if l < filters.count - 1 { pools.append(try MaxPool2D((2, 2))) }
            ch = f
        }
        var ups: [ConvTranspose2D] = [], dec: [Sequential] = []
        for l in 0..<(filters.count - 1) {
            ups.append(try ConvTranspose2D(filters[l + 1], filters[l], kernel: (2, 2), stride: (2, 2), padding: .same, rng: &rng))
            dec.append(Sequential(try convBNReLU(2 * filters[l], filters[l], &rng)))
        }
        encoders = enc
        self.pools = pools
        self.ups = ups
        concats = ups.map { _ in Concat(axis: 3) }
        decoders = dec
        head = Sequential([try Conv2D(filters[0], outChannels, kernel: (1, 1), rng: &rng), Softmax()])
        skipSums = Array(repeating: nil, count: pools.count)
    }

    func forward(_ x: Tensor) throws -> Tensor {
        var h = x
        var skips: [Tensor] = []
        for l in encoders.indices {
            h = try encoders[l].forward(h)
            if l < pools.count { skips.append(h); h = try pools[l].forward(h) }
        }
        for l in ups.indices.reversed() {
            let up = try ups[l].forward(h)
            h = try decoders[l].forward(try concats[l].forward([skips[l], up]))
        }
        return try head.forward(h)
    }

    func backward(_ dy: Tensor) -> Tensor {
        var d = head.backward(dy)
        var dSkips: [Tensor] = []
        for l in ups.indices {
            let parts = concats[l].backward(decoders[l].backward(d))
            dSkips.append(parts[0])
            d = ups[l].backward(parts[1])
        }
        for l in encoders.indices.reversed() {
            if l < pools.count {
                // The level's output feeds both the pool and the skip: sum both gradients.
                guard let sum = try? add(pools[l].backward(d), dSkips[l], into: skipSums[l]) else {
                    preconditionFailure("UNet.backward: pool and skip gradients differ in shape")  // same tensor by construction
                }
                skipSums[l] = sum
                d = sum
            }
            d = encoders[l].backward(d)
        }
        return d
    }

    var namedParameters: [(String, Parameter)] {
        func prefixed(_ p: String, _ l: Layer) -> [(String, Parameter)] { l.namedParameters.map { ("\(p).\($0.0)", $0.1) } }
        var all: [(String, Parameter)] = []
        for (l, e) in encoders.enumerated() { all += prefixed("down\(l)", e) }
        for (l, u) in ups.enumerated() { all += prefixed("up\(l)", u) + prefixed("dec\(l)", decoders[l]) }
        return all + prefixed("pmap", head)
    }

    func setTraining(_ training: Bool) {
        for e in encoders { e.setTraining(training) }
        for d in decoders { d.setTraining(training) }
    }
}

/// Seed 004 (U-Net + ConvLSTM, road segmentation of Sentinel-2 time series).
enum Seed004 {
    /// `unet-convlstm` — seed 004 §II-C, Fig. 6: the §II-A U-Net (``UNet``: filters
    /// 32-64-128-256-512, BN after each conv) applied to every date with shared weights
    /// gives per-date probability maps of lc = 2 channels (§II-B: d = lc = 2); two
    /// ConvLSTM layers (r = 32 filters, k = 3, with eq. 1's peepholes on c_{t−1}), the
    /// first returning its sequence, the second its last hidden state h_T; a 1×1
    /// convolution to K maps.
    ///
    /// Output: logits (N, H, W, M) of M sigmoid maps (``Network/outputShape(batch:)``,
    /// `info["output_maps"]`). A binary mask (`classes` 1 or 2, e.g. a segments dataset's
    /// background and road) has M = 1: P(class index 1) = σ(logit). With K ≥ 3 classes,
    /// M = K independent sigmoid maps. Trained with ``NN/SegmentationLoss``
    /// (αH − (1−α)·log J on the logits; the sigmoid is inside the loss for stability,
    /// and the predictor applies it). Choices: §II-C says the first ConvLSTM outputs an
    /// lc-channel image yet sets r = 32, so both layers have r filters; the U-Net and the
    /// ConvLSTMs are trained jointly, not in the paper's two stages (§IV-A).
    static let unetConvLSTM = ModelSpec(
        name: "unet-convlstm", paper: "seed 004 §II", summary: "per-date U-Net (32..512, BN) probability maps, 2 ConvLSTM r=32 k=3, 1×1 conv, sigmoid",
        source: .patch, task: .segmentation,
        defaults: ["filters": "32,64,128,256,512", "pmap": "2", "lstm": "32,32", "kernel": "3"]
    ) { input, k, hp, rng in
        let filters = try hp.ints("filters"), lc = try hp.int("pmap"), lstm = try hp.ints("lstm"), kernel = try hp.int("kernel")
        let factor = 1 << (filters.count - 1)
        guard input.h % factor == 0, input.w % factor == 0 else {
            throw ModelError.invalidInput(model: "unet-convlstm", "tile \(input.h)×\(input.w) must be a multiple of \(factor) (2^\(filters.count - 1) for \(filters.count) U-Net levels)")
        }
        var layers: [(String, Layer)] = [("input", channelsLast()),
                                         ("unet", TimeDistributed(try UNet(inChannels: input.c, filters: filters, outChannels: lc, rng: &rng)))]
        var ch = lc
        for (i, r) in lstm.enumerated() {
            layers.append(("convlstm\(i + 1)", try ConvLSTM2D(ch, filters: r, kernel: (kernel, kernel), returnSequences: i < lstm.count - 1,
                                                              peepholes: true, rng: &rng)))
            ch = r
        }
        let maps = k <= 2 ? 1 : k
        layers.append(("output", try Conv2D(ch, maps, kernel: (1, 1), rng: &rng)))
        return Built(layers: layers, info: ["levels": filters.count, "pmap_channels": lc, "output_maps": maps])
    }
}
