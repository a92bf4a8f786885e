import NN

/// `tempcnn` — TempCNN of Pelletier, Webb & Petitjean (2019), the 1D model of seed 002
/// §2.2.1 (Fig. 2): three blocks of [Conv1D 64 filters, kernel 5, 'same' → batch norm →
/// ReLU → dropout] over the pixel's time axis, flatten, dense 256 → batch norm → ReLU →
/// dropout, dense K (softmax in the loss).
///
/// The dropout rate (0.2) and the Keras conventions are Pelletier et al.'s; seed 002
/// gives only the figure. Patches are reduced to their centre pixel.
enum TempCNN {
    static let defaults = ["filters": "64,64,64", "kernel": "5", "dense": "256", "dropout": "0.2"]

    /// The layers after the centre-pixel selection: (N, T, C) → logits (N, K).
    static func layers(_ input: InputShape, _ k: Int, _ hp: Hyperparameters, rng: inout RNG) throws -> [(String, Layer)] {
        let filters = try hp.ints("filters"), kernel = try hp.int("kernel"), dense = try hp.ints("dense")
        let p = try hp.float("dropout", in: 0..<1)
        var conv: [Layer] = []
        var ch = input.c
        for f in filters {
            conv += [try Conv1D(ch, f, kernel: kernel, padding: .same, rng: &rng), BatchNorm(f),
                     Activation(.relu, inPlace: true), try dropout(p, &rng)]
            ch = f
        }
        var fc: [Layer] = []
        var n = input.t * ch
        for d in dense {
            fc += [Linear(n, d, rng: &rng), BatchNorm(d), Activation(.relu, inPlace: true), try dropout(p, &rng)]
            n = d
        }
        return [("conv", Sequential(conv)), ("flatten", Flatten()), ("dense", Sequential(fc)), ("classifier", Linear(n, k, rng: &rng))]
    }

    static let spec = ModelSpec(
        name: "tempcnn", paper: "seed 002 §2.2.1 (Pelletier et al. 2019)", summary: "3 × Conv1D 64 k5 + BN + ReLU + dropout on the pixel series, dense 256",
        source: .centrePixel, task: .classification, defaults: defaults
    ) { input, k, hp, rng in
        Built(layers: [("input", centrePixel(input))] + (try layers(input, k, hp, rng: &rng)))
    }
}
