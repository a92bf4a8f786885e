import NN

/// The six architectures of the FLU study (seed 000, §2.3 and Table 2), built as Keras
/// built them (channels last, Glorot-uniform kernels, Keras batch-norm conventions).
///
/// Choices where the paper is ambiguous, shared by all six:
/// - §2.3 puts batch norm "in the second convolutional and the following two dense
///   layers" while §2.3.1 puts it after every convolution. The stated parameter count
///   of the 2D-CNN (7,109,990, which the issue fixes) is reproduced only with batch
///   norm after every convolution and none on the dense layers, so the CNN models
///   follow §2.3.1; the LSTM model, which has no convolution, puts it on its two
///   hidden dense layers.
/// - "Dropout 0.1 on the second convolutional layer and the third dense layer": after
///   the second convolution block (with its pooling), and just before the output layer.
/// - Order within a block follows §2.3.1's wording: convolution, ReLU, batch norm.
/// - Logits are returned; the softmax lives in the loss.
enum Seed000 {
    static let specs: [ModelSpec] = [cnn2d, lstm, cnn3d, cnnLSTM, convLSTM, cnnMHSA]

    /// The spatial block of §2.3.1 / §2.3.6: 3×3 'same' convolutions, each followed by
    /// ReLU and batch norm; 2×2 max-pooling after the 2nd and 4th; dropout after the 2nd.
    /// - Returns: the layers and the output size (h, w, channels).
    static func cnn(_ model: String, c: Int, h: Int, w: Int, filters: [Int], dropoutRate: Float,
                    rng: inout RNG) throws -> (layers: [Layer], h: Int, w: Int, c: Int) {
        var layers: [Layer] = []
        var (ch, hh, ww) = (c, h, w)
        for (i, f) in filters.enumerated() {
            layers += [try Conv2D(ch, f, kernel: (3, 3), padding: .same, rng: &rng), Activation(.relu, inPlace: true), BatchNorm(f)]
            ch = f
            if i == 1 || i == 3 {
                hh = try pooled(hh, 2, model: model, layer: "max-pool after conv \(i + 1) (height)")
                ww = try pooled(ww, 2, model: model, layer: "max-pool after conv \(i + 1) (width)")
                layers.append(try MaxPool2D((2, 2)))
            }
            if i == 1 { layers.append(try dropout(dropoutRate, &rng)) }
        }
        return (layers, hh, ww, ch)
    }

    /// The LSTM stack: all but the last return sequences; the last returns h_T.
    static func lstmStack(_ inFeatures: Int, _ units: [Int], rng: inout RNG) -> (layers: [Layer], out: Int) {
        var layers: [Layer] = []
        var n = inFeatures
        for (i, u) in units.enumerated() {
            layers.append(LSTM(n, units: u, returnSequences: i < units.count - 1, rng: &rng))
            n = u
        }
        return (layers, n)
    }

    /// Dense hidden layers, dropout, output layer.
    static func head(_ model: String, _ inFeatures: Int, dense: [Int], batchNorm: Bool, dropoutRate: Float, classes: Int,
                     rng: inout RNG) throws -> [(String, Layer)] {
        try checkLayerSize(model, "the first dense layer", inFeatures, dense.first ?? classes)
        let hidden = denseStack(inFeatures, dense, batchNorm: batchNorm ? .keras : nil, rng: &rng)
        return [("dense", Sequential(hidden)), ("dropout", try dropout(dropoutRate, &rng)),
                ("classifier", Linear(dense.last ?? inFeatures, classes, rng: &rng))]
    }

    static let cnnDefaults = ["filters": "32,32,64,64,128,128", "dense": "1024,512", "dropout": "0.1"]

    /// `cnn2d` — seed 000 §2.3.1: the six-layer 2D-CNN applied to each date with shared
    /// weights (Keras `TimeDistributed`), the per-date maps concatenated and flattened
    /// (12 × 2 × 2 × 128 = 6144 for 12×9×9×9), then dense 1024 → 512 → K.
    /// 7,109,990 trainable parameters for 12×9×9×9 and K = 6.
    static let cnn2d = ModelSpec(
        name: "cnn2d", paper: "seed 000 §2.3.1", summary: "per-date 2D-CNN (6 conv, shared weights), flatten, dense 1024-512",
        source: .patch, task: .classification, defaults: cnnDefaults
    ) { input, k, hp, rng in
        let f = try hp.ints("filters"), dense = try hp.ints("dense"), p = try hp.float("dropout", in: 0..<1)
        let c = try cnn("cnn2d", c: input.c, h: input.h, w: input.w, filters: f, dropoutRate: p, rng: &rng)
        let flat = input.t * c.h * c.w * c.c
        return Built(layers: [("input", channelsLast()), ("cnn", TimeDistributed(Sequential(c.layers))), ("flatten", Flatten())]
                     + (try head("cnn2d", flat, dense: dense, batchNorm: false, dropoutRate: p, classes: k, rng: &rng)),
                     info: ["flatten": flat])
    }

    /// `lstm` — seed 000 §2.3.2: each date's patch flattened (9·9·9 = 729 features),
    /// LSTM 32 (sequence) → LSTM 128 (last state), dense 1024 → 512 with batch norm, dropout 0.1, K.
    static let lstm = ModelSpec(
        name: "lstm", paper: "seed 000 §2.3.2", summary: "flattened patch per date, LSTM 32-128, dense 1024-512 + BN",
        source: .patch, task: .classification, defaults: ["units": "32,128", "dense": "1024,512", "dropout": "0.1"]
    ) { input, k, hp, rng in
        let units = try hp.ints("units"), dense = try hp.ints("dense"), p = try hp.float("dropout", in: 0..<1)
        let features = input.c * input.h * input.w
        try checkLayerSize("lstm", "the first LSTM's input kernel", features, 4 * (units.first ?? 1))
        let (rnn, out) = lstmStack(features, units, rng: &rng)
        return Built(layers: [("input", Reshape([input.t, features])), ("lstm", Sequential(rnn))]
                     + (try head("lstm", out, dense: dense, batchNorm: true, dropoutRate: p, classes: k, rng: &rng)),
                     info: ["lstm_input": features])
    }

    /// `cnn3d` — seed 000 §2.3.3: six 3×3×3 'same' Conv3D layers (32, 32, 64, 64, 128, 128)
    /// over (time, height, width), each with ReLU and batch norm, 2×2×2 max-pool after the
    /// 2nd and 4th; flatten (3 × 2 × 2 × 128 = 1536 for 12×9×9×9); dense 1024 → 512 → K.
    static let cnn3d = ModelSpec(
        name: "cnn3d", paper: "seed 000 §2.3.3", summary: "6 Conv3D over time×space, flatten, dense 1024-512",
        source: .patch, task: .classification, defaults: cnnDefaults
    ) { input, k, hp, rng in
        let f = try hp.ints("filters"), dense = try hp.ints("dense"), p = try hp.float("dropout", in: 0..<1)
        var layers: [Layer] = []
        var (ch, t, h, w) = (input.c, input.t, input.h, input.w)
        for (i, n) in f.enumerated() {
            layers += [try Conv3D(ch, n, kernel: (3, 3, 3), padding: .same, rng: &rng), Activation(.relu, inPlace: true), BatchNorm(n)]
            ch = n
            if i == 1 || i == 3 {
                let what = "max-pool after conv \(i + 1)"
                t = try pooled(t, 2, model: "cnn3d", layer: what + " (time)")
                h = try pooled(h, 2, model: "cnn3d", layer: what + " (height)")
                w = try pooled(w, 2, model: "cnn3d", layer: what + " (width)")
                layers.append(try MaxPool3D((2, 2, 2)))
            }
            if i == 1 { layers.append(try dropout(p, &rng)) }
        }
        let flat = t * h * w * ch
        return Built(layers: [("input", channelsLast()), ("cnn", Sequential(layers)), ("flatten", Flatten())]
                     + (try head("cnn3d", flat, dense: dense, batchNorm: false, dropoutRate: p, classes: k, rng: &rng)),
                     info: ["flatten": flat])
    }

    /// `cnn-lstm` — seed 000 §2.3.4: the §2.3.1 CNN on each date (shared weights), its
    /// flattened output as the date's feature vector, two LSTM layers (32, 128 as Table 2),
    /// then the same head as the LSTM model (dense 1024 → 512 with batch norm, dropout, K).
    /// Ambiguity: §2.3.4's "feature vector of size 32, 64, 128" and "state vector of
    /// size 12" contradict Table 2; Table 2 (filters 32…128, LSTM 32, 128) is followed.
    static let cnnLSTM = ModelSpec(
        name: "cnn-lstm", paper: "seed 000 §2.3.4", summary: "per-date 2D-CNN features into LSTM 32-128, dense 1024-512 + BN",
        source: .patch, task: .classification, defaults: cnnDefaults.merging(["units": "32,128"]) { a, _ in a }
    ) { input, k, hp, rng in
        let f = try hp.ints("filters"), dense = try hp.ints("dense"), units = try hp.ints("units")
        let p = try hp.float("dropout", in: 0..<1)
        let c = try cnn("cnn-lstm", c: input.c, h: input.h, w: input.w, filters: f, dropoutRate: p, rng: &rng)
        let perDate = c.h * c.w * c.c
        let (rnn, out) = lstmStack(perDate, units, rng: &rng)
        return Built(layers: [("input", channelsLast()), ("cnn", TimeDistributed(Sequential(c.layers + [Flatten()]))),
                              ("lstm", Sequential(rnn))]
                     + (try head("cnn-lstm", out, dense: dense, batchNorm: true, dropoutRate: p, classes: k, rng: &rng)),
                     info: ["date_features": perDate])
    }

    /// `convlstm` — seed 000 §2.3.5 and Fig. 9: ConvLSTM 32 → BN → 2×2 max-pool per date →
    /// ConvLSTM 64 → BN → pool → ConvLSTM 128 (last state) → BN → flatten (128 × 2 × 2 for
    /// 9×9) → dense 128 → 64 → K. Kernels 3×3, 'same'.
    /// Ambiguity: Fig. 9 shows no pooling after the third layer and a flatten of its
    /// 128×2×2 output, so the third layer returns only its last state (Keras's default).
    static let convLSTM = ModelSpec(
        name: "convlstm", paper: "seed 000 §2.3.5", summary: "ConvLSTM 32-64-128 with BN and 2×2 pooling, dense 128-64",
        source: .patch, task: .classification, defaults: ["filters": "32,64,128", "dense": "128,64", "dropout": "0.1"]
    ) { input, k, hp, rng in
        let f = try hp.ints("filters"), dense = try hp.ints("dense"), p = try hp.float("dropout", in: 0..<1)
        var layers: [(String, Layer)] = [("input", channelsLast())]
        var (ch, h, w) = (input.c, input.h, input.w)
        for (i, n) in f.enumerated() {
            let last = i == f.count - 1
            layers.append(("convlstm\(i + 1)", try ConvLSTM2D(ch, filters: n, kernel: (3, 3), returnSequences: !last, rng: &rng)))
            layers.append(("bn\(i + 1)", BatchNorm(n)))
            ch = n
            if !last {
                h = try pooled(h, 2, model: "convlstm", layer: "max-pool after ConvLSTM \(i + 1) (height)")
                w = try pooled(w, 2, model: "convlstm", layer: "max-pool after ConvLSTM \(i + 1) (width)")
                layers.append(("pool\(i + 1)", TimeDistributed(try MaxPool2D((2, 2)))))
            }
        }
        let flat = h * w * ch
        layers.append(("flatten", Flatten()))
        return Built(layers: layers + (try head("convlstm", flat, dense: dense, batchNorm: false, dropoutRate: p, classes: k, rng: &rng)),
                     info: ["flatten": flat])
    }

    /// `cnn-mhsa` — seed 000 §2.3.6: the six-layer CNN on each date, global average
    /// pooling to one 128-vector per date, a post-norm transformer encoder block (4 heads,
    /// model dim 128, feed-forward 32, dropout 0.1), mean over time, 2 dense layers, K.
    /// Ambiguities: the key size per head is 128 / 4 = 32 (as PyTorch's
    /// `nn.MultiheadAttention`); "2 dense layers" is read as Table 2's count of hidden
    /// dense layers, which for the other models are 1024 and 512, so the same sizes here.
    static let cnnMHSA = ModelSpec(
        name: "cnn-mhsa", paper: "seed 000 §2.3.6", summary: "per-date CNN + GAP, transformer block (4 heads, ff 32), mean over time",
        source: .patch, task: .classification,
        defaults: cnnDefaults.merging(["heads": "4", "ff": "32"]) { a, _ in a }
    ) { input, k, hp, rng in
        let f = try hp.ints("filters"), dense = try hp.ints("dense"), p = try hp.float("dropout", in: 0..<1)
        let heads = try hp.int("heads"), ff = try hp.int("ff")
        let c = try cnn("cnn-mhsa", c: input.c, h: input.h, w: input.w, filters: f, dropoutRate: p, rng: &rng)
        let d = c.c
        let block = try TransformerEncoderBlock(modelDim: d, heads: heads, ffDim: ff, dropout: p, rng: &rng)
        return Built(layers: [("input", channelsLast()), ("cnn", TimeDistributed(Sequential(c.layers + [GlobalPool(.average)]))),
                              ("transformer", block), ("time_mean", GlobalPool(.average))]
                     + (try head("cnn-mhsa", d, dense: dense, batchNorm: false, dropoutRate: p, classes: k, rng: &rng)),
                     info: ["model_dim": d])
    }
}
