import Foundation
import NN

/// The CNN benchmark of seed 002 (vegetation land cover, Sentinel-2 patches, PyTorch):
/// TempCNN (see `TempCNN.swift`), the temporally stacked 2D-CNN, the 3D-CNN and the
/// two-stream SpatioTempCNN.
///
/// Seed 002 draws the 2D and 3D architectures only in Fig. 5, which the text does not
/// spell out; the choices below are said where they are made. PyTorch conventions
/// (batch-norm momentum 0.1, ε 1e-5; U(±1/√fan-in) initialisation) follow §3.5.
enum Seed002 {
    static let specs: [ModelSpec] = [TempCNN.spec, cnn2dStack, cnn3dCls, spatioTemp]

    static func conv2d(_ i: Int, _ o: Int, _ k: Int, _ rng: inout RNG) throws -> Conv2D {
        try Conv2D(i, o, kernel: (k, k), padding: .same, weightInit: .torchDefault, biasInit: .torchDefault, rng: &rng)
    }

    /// `cnn2d-stack` — seed 002 §2.2.2: dates stacked in the channel axis (input c·T × h × w),
    /// 3×3 'same' convolutions each followed by BatchNorm, ReLU and Dropout, and two final
    /// 1×1 ("fully convolutional") layers, so the output keeps the patch size: per-pixel
    /// logits (N, H, W, K), trained on the labelled pixels of a patch through its mask.
    /// Choices (Fig. 5 is not in the text): three 64-filter blocks, dropout 0.2, a 128-wide
    /// 1×1 hidden layer.
    static let cnn2dStack = ModelSpec(
        name: "cnn2d-stack", paper: "seed 002 §2.2.2", summary: "dates stacked as channels, fully convolutional, per-pixel K×h×w output",
        source: .patch, task: .segmentation, defaults: ["filters": "64,64,64", "head": "128", "dropout": "0.2"]
    ) { input, k, hp, rng in
        let filters = try hp.ints("filters"), head = try hp.int("head"), p = try hp.float("dropout", in: 0..<1)
        var layers: [Layer] = []
        var ch = input.t * input.c
        for f in filters {
            layers += [try conv2d(ch, f, 3, &rng), BatchNorm(f, convention: .pytorch), Activation(.relu, inPlace: true), try dropout(p, &rng)]
            ch = f
        }
        layers += [try conv2d(ch, head, 1, &rng), Activation(.relu, inPlace: true), try conv2d(head, k, 1, &rng)]
        // (N, T, C, H, W) → (N, H, W, T, C) → (N, H, W, T·C)
        return Built(layers: [("input", Permute([3, 4, 1, 2])), ("stack", Reshape([input.h, input.w, input.t * input.c])),
                              ("fcn", Sequential(layers))],
                     info: ["stacked_channels": input.t * input.c])
    }

    static let cnn3dDefaults = ["filters": "64,64,64", "dense": "256", "dropout": "0.2"]

    /// The 3D stream: (N, T, C, H, W) → logits (N, K).
    static func cnn3dLayers(_ input: InputShape, _ k: Int, _ hp: Hyperparameters, rng: inout RNG) throws -> [(String, Layer)] {
        let filters = try hp.ints("filters"), dense = try hp.ints("dense"), p = try hp.float("dropout", in: 0..<1)
        var conv: [Layer] = []
        var ch = input.c
        for f in filters {
            conv += [try Conv3D(ch, f, kernel: (3, 3, 3), padding: .same, weightInit: .torchDefault, biasInit: .torchDefault, rng: &rng),
                     BatchNorm(f, convention: .pytorch), Activation(.relu, inPlace: true), try dropout(p, &rng)]
            ch = f
        }
        let cy = input.h / 2, cx = input.w / 2
        var fc: [Layer] = []
        var n = input.t * ch
        for d in dense {
            fc += [Linear(n, d, weightInit: .torchDefault, biasInit: .torchDefault, rng: &rng), BatchNorm(d, convention: .pytorch),
                   Activation(.relu, inPlace: true), try dropout(p, &rng)]
            n = d
        }
        return [("input", channelsLast()), ("conv", Sequential(conv)),
                ("centre", Sequential([Slice(axis: 2, cy..<(cy + 1)), Slice(axis: 3, cx..<(cx + 1)), Reshape([input.t * ch])])),
                ("dense", Sequential(fc)), ("classifier", Linear(n, k, weightInit: .torchDefault, biasInit: .torchDefault, rng: &rng))]
    }

    /// `cnn3d-cls` — seed 002 §2.2.3: 3×3×3 convolutions over (time, height, width) with all
    /// bands as input channels, classifying the patch's centre pixel.
    /// Choices (Fig. 5 is not in the text): TempCNN's layout with 3D kernels — three blocks of
    /// [Conv3D 64, 'same' → BatchNorm → ReLU → Dropout 0.2], then the centre pixel's
    /// spatio-temporal features (T × 64, receptive field 7×7×7) flattened into dense 256 → K.
    static let cnn3dCls = ModelSpec(
        name: "cnn3d-cls", paper: "seed 002 §2.2.3", summary: "3 × Conv3D 3×3×3 64 + BN + ReLU + dropout, centre-pixel features, dense 256",
        source: .patch, task: .classification, defaults: cnn3dDefaults
    ) { input, k, hp, rng in
        Built(layers: try cnn3dLayers(input, k, hp, rng: &rng))
    }

    /// `spatiotemp-cnn` — seed 002 §2.2.4 (Fig. 6): the two-stream SpatioTempCNN, TempCNN on
    /// the centre pixel and the 3D-CNN on the patch, whose class probabilities are mixed
    /// with the trade-off weight w (hyper-parameter `weight`, the TempCNN share):
    /// p = w·p_temp + (1 − w)·p_3d. The network returns log p, so the usual softmax
    /// cross-entropy on its output is the mixture's negative log-likelihood.
    /// Choice: seed 002 sets w by hand and does not give its value; 0.5 by default.
    static let spatioTemp = ModelSpec(
        name: "spatiotemp-cnn", paper: "seed 002 §2.2.4", summary: "two streams (tempcnn + cnn3d-cls) mixed with weight w",
        source: .patch, task: .classification,
        defaults: ["weight": "0.5", "temp_filters": "64,64,64", "temp_kernel": "5", "temp_dense": "256",
                   "filters": "64,64,64", "dense": "256", "dropout": "0.2"]
    ) { input, k, hp, rng in
        let w = try hp.float("weight", in: 0..<1.000001)
        let tempHP = try Hyperparameters(model: hp.model, defaults: TempCNN.defaults, overrides: [
            "filters": hp.values["temp_filters"] ?? "", "kernel": hp.values["temp_kernel"] ?? "",
            "dense": hp.values["temp_dense"] ?? "", "dropout": hp.values["dropout"] ?? ""])
        let temporal = Sequential(named: [("input", centrePixel(input))] + (try TempCNN.layers(input, k, tempHP, rng: &rng)))
        let spatial = Sequential(named: try cnn3dLayers(input, k, hp, rng: &rng))
        return Built(layers: [("streams", TwoStreamMixture(temporal, spatial, weight: w))])
    }
}

/// Mixes two classifiers' class probabilities: y = log(w·softmax(a(x)) + (1−w)·softmax(b(x))).
/// Both streams read the same input; its gradient is the sum of theirs.
final class TwoStreamMixture: Layer {
    let a: Layer, b: Layer
    let weight: Float
    private var pa: [Float] = [], pb: [Float] = [], m: [Float] = []
    private var shape: [Int] = []

    init(_ a: Layer, _ b: Layer, weight: Float) {
        self.a = a
        self.b = b
        self.weight = weight
    }

    private static func softmax(_ z: [Float], k: Int) -> [Float] {
        var p = z
        for r in 0..<(z.count / k) {
            let o = r * k
            var mx = -Float.infinity
            for j in 0..<k { mx = max(mx, z[o + j]) }
            var s: Float = 0
            for j in 0..<k { p[o + j] = exp(z[o + j] - mx); s += p[o + j] }
            for j in 0..<k { p[o + j] /= s }
        }
        return p
    }

    func forward(_ x: Tensor) throws -> Tensor {
        let ya = try a.forward(x)
        let za = ya.scalars
        let yb = try b.forward(x)
        guard ya.shape == yb.shape, let k = ya.shape.last, k > 0 else {
            throw NNError.shapeMismatch(what: "two-stream outputs", expected: ya.shape, actual: yb.shape)
        }
        shape = ya.shape
        pa = Self.softmax(za, k: k)
        pb = Self.softmax(yb.scalars, k: k)
        let w = weight
        m = zip(pa, pb).map { max(w * $0 + (1 - w) * $1, 1e-30) }
        return try Tensor(shape: shape, scalars: m.map { log($0) })
    }

    func backward(_ dy: Tensor) -> Tensor {
        let g = dy.scalars, k = shape.last ?? 1, w = weight
        var da = [Float](repeating: 0, count: g.count), db = da
        for r in 0..<(g.count / k) {
            let o = r * k
            var sa: Float = 0, sb: Float = 0
            for j in 0..<k {
                let dm = g[o + j] / m[o + j]
                da[o + j] = w * dm; db[o + j] = (1 - w) * dm
                sa += pa[o + j] * da[o + j]; sb += pb[o + j] * db[o + j]
            }
            for j in 0..<k {
                da[o + j] = pa[o + j] * (da[o + j] - sa)
                db[o + j] = pb[o + j] * (db[o + j] - sb)
            }
        }
        let fallback = Tensor(zeros: shape)
        let gxa = a.backward((try? Tensor(shape: shape, scalars: da)) ?? fallback).scalars
        let dxb = b.backward((try? Tensor(shape: shape, scalars: db)) ?? fallback)
        let sum = zip(gxa, dxb.scalars).map { $0 + $1 }
        return (try? Tensor(shape: dxb.shape, scalars: sum)) ?? Tensor(zeros: dxb.shape)
    }

    var namedParameters: [(String, Parameter)] {
        a.namedParameters.map { ("temporal.\($0.0)", $0.1) } + b.namedParameters.map { ("spatial.\($0.0)", $0.1) }
    }

    func setTraining(_ training: Bool) {
        a.setTraining(training)
        b.setTraining(training)
    }
}
