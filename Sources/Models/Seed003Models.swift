import NN

/// The parameter-budget study of seed 003 (Sainte Fare Garnot et al. 2019, crop types of
/// parcels; PyTorch): every model embeds the sequence, then classifies with an MLP.
///
/// Table 1's totals (C = 10 bands, 24 dates, 32×32 crops) are reproduced exactly with
/// K = 19 classes when the CNN's embedding goes through Linear 128 → 64 → K and a
/// recurrent embedding (already the "first hidden layer" of the MLP) through
/// Linear 64 → K; that is the reading of §2.1's "MLP with two hidden layers of
/// dimension 128 and 64" used here:
/// parcel-cnn 16:32:96 → 92,899; gru-stats 156 → 94,587; cnn-gru 7 → 92,035;
/// cnn-gru 8 → 93,807; cnn-gru 9 → 90,179 (batch-norm scale and shift counted).
/// Spatial embeddings are the flattened C₃ × 2 × 2 maps; PyTorch's GRU has two bias
/// vectors (the engine's GRU has both).
enum Seed003 {
    static let specs: [ModelSpec] = [parcelCNN, gruStats, cnnGRU]

    /// §2.1.1's per-date unit, three times: 3×3 'valid' convolution, batch norm, ReLU,
    /// 2×2 max-pool; flattened. Returns the layers and the flattened size.
    static func dateCNN(_ model: String, _ input: InputShape, kernels: [Int], rng: inout RNG) throws -> (layers: [Layer], out: Int) {
        var layers: [Layer] = []
        var (ch, h, w) = (input.c, input.h, input.w)
        for (i, f) in kernels.enumerated() {
            let what = "conv \(i + 1) ('valid' 3×3)"
            h = try pooled(try validConv(h, 3, model: model, layer: what + " height"), 2, model: model, layer: "max-pool \(i + 1) height")
            w = try pooled(try validConv(w, 3, model: model, layer: what + " width"), 2, model: model, layer: "max-pool \(i + 1) width")
            layers += [try Conv2D(ch, f, kernel: (3, 3), padding: .valid, weightInit: .torchDefault, biasInit: .torchDefault, rng: &rng),
                       BatchNorm(f, convention: .pytorch), Activation(.relu, inPlace: true), try MaxPool2D((2, 2))]
            ch = f
        }
        return (layers + [Flatten()], h * w * ch)
    }

    static func linear(_ i: Int, _ o: Int, _ rng: inout RNG) -> Linear {
        Linear(i, o, weightInit: .torchDefault, biasInit: .torchDefault, rng: &rng)
    }

    /// MLP hidden layers (ReLU) then the output layer.
    static func mlp(_ n: Int, _ hidden: [Int], _ k: Int, _ rng: inout RNG) -> [(String, Layer)] {
        var layers: [Layer] = []
        var d = n
        for h in hidden { layers += [linear(d, h, &rng), Activation(.relu, inPlace: true)]; d = h }
        return [("mlp", Sequential(layers)), ("classifier", linear(d, k, &rng))]
    }

    /// `parcel-cnn` — seed 003 §2.1.1: each date embedded by the shared 3-unit CNN
    /// (kernels 16:32:96, Table 1), the per-date embeddings reduced by a channel-wise max
    /// over time (PointNet style), then the MLP 128 → 64 → K. Needs crops of at least 22×22.
    static let parcelCNN = ModelSpec(
        name: "parcel-cnn", paper: "seed 003 §2.1.1", summary: "per-date 3 × (conv valid, BN, ReLU, pool), max over time, MLP 128-64",
        source: .patch, task: .classification, defaults: ["kernels": "16,32,96", "mlp": "128,64"]
    ) { input, k, hp, rng in
        let (cnn, out) = try dateCNN("parcel-cnn", input, kernels: try hp.ints("kernels"), rng: &rng)
        return Built(layers: [("input", channelsLast()), ("cnn", TimeDistributed(Sequential(cnn))), ("time_max", GlobalPool(.max))]
                     + mlp(out, try hp.ints("mlp"), k, &rng),
                     embeddingDepth: 3, info: ["embedding": out])
    }

    /// `gru-stats` — seed 003 §2.1.2: a GRU (hidden 156, Table 1) over the per-date parcel
    /// statistics (mean and standard deviation of each band, the dataset's features.npy,
    /// (N, T, 2C)); its last hidden state through the MLP's 64-unit layer to K.
    static let gruStats = ModelSpec(
        name: "gru-stats", paper: "seed 003 §2.1.2", summary: "GRU 156 on per-date band means and stds, MLP 64",
        source: .features, task: .classification, defaults: ["hidden": "156", "mlp": "64"]
    ) { input, k, hp, rng in
        let h = try hp.int("hidden")
        return Built(layers: [("gru", GRU(2 * input.c, units: h, rng: &rng))] + mlp(h, try hp.ints("mlp"), k, &rng),
                     embeddingDepth: 1, info: ["embedding": h])
    }

    /// Table 1's CNN+GRU configurations: kernels and hidden state size.
    static let cnnGRUConfigs: [Int: (kernels: [Int], hidden: Int)] = [
        7: ([16, 32, 64], 64), 8: ([16, 32, 36], 96), 9: ([16, 16, 16], 128),
    ]

    /// `cnn-gru` — seed 003 §2.1.3.1: each date embedded by the §2.1.1 CNN, the sequence of
    /// embeddings into a GRU, its last hidden state through the MLP's 64-unit layer to K.
    /// `config` picks Table 1's row 7, 8 or 9 (kernels 16:32:64 / 16:32:36 / 16:16:16,
    /// hidden 64 / 96 / 128; default 9, the best in Table 2); `kernels` and `hidden`
    /// override the row when not "auto".
    static let cnnGRU = ModelSpec(
        name: "cnn-gru", paper: "seed 003 §2.1.3.1, Table 1", summary: "per-date CNN into a GRU (Table 1 configs 7/8/9), MLP 64",
        source: .patch, task: .classification, defaults: ["config": "9", "kernels": "auto", "hidden": "auto", "mlp": "64"]
    ) { input, k, hp, rng in
        let config = try hp.int("config")
        guard let row = cnnGRUConfigs[config] else {
            throw ModelError.invalidHyperparameter(model: "cnn-gru", key: "config", "Table 1 has configurations 7, 8 and 9, got \(config)")
        }
        let kernels = hp.values["kernels"] == "auto" ? row.kernels : try hp.ints("kernels")
        let hidden = hp.values["hidden"] == "auto" ? row.hidden : try hp.int("hidden")
        let (cnn, out) = try dateCNN("cnn-gru", input, kernels: kernels, rng: &rng)
        return Built(layers: [("input", channelsLast()), ("cnn", TimeDistributed(Sequential(cnn))),
                              ("gru", GRU(out, units: hidden, rng: &rng))] + mlp(hidden, try hp.ints("mlp"), k, &rng),
                     embeddingDepth: 3, info: ["date_features": out])
    }
}
