import NN

/// `lstm-pixel` — seed 001 (Ienco et al. 2017) §II-B and §III: one LSTM layer (eqs. 1–6)
/// over the pixel's (T, C) series, its last hidden state fully connected to a softmax
/// layer with one neuron per class; 512 hidden units (§III).
///
/// Patches are reduced to their centre pixel, so a 1×1 "patch" dataset works as is.
/// ``Network/embed(_:)`` returns the last hidden state (N, 512): the representation of
/// §II-C on which RF(LSTM) and SVM(LSTM) are trained.
enum LSTMPixel {
    static let spec = ModelSpec(
        name: "lstm-pixel", paper: "seed 001 §II-B, §III", summary: "LSTM 512 on the centre pixel's series + softmax; exports h_T",
        source: .centrePixel, task: .classification, defaults: ["units": "512"]
    ) { input, k, hp, rng in
        let units = try hp.int("units")
        return Built(layers: [("input", centrePixel(input)), ("lstm", LSTM(input.c, units: units, rng: &rng)),
                              ("classifier", Linear(units, k, rng: &rng))],
                     embeddingDepth: 2, info: ["embedding": units])
    }
}
