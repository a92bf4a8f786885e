import Foundation
import NN
import Samples

/// A small `sitscube-dataset/1` folder written with NpyWriter and a hand-made dataset.json:
/// each class adds its own (date, band) pattern to Gaussian noise, scaled by per-band
/// statistics that the loader must undo. Labels cycle 0..<classes; block b = i / classes of
/// rows goes to train (b % 6 < 4), val (4) or test (5), and to fold b % 3, so every split
/// and fold holds every class. With `memorise`, the second half of the rows repeats the
/// first half and is the validation split (for overfitting tests).
struct SyntheticDataset {
    let folder: String
    let n: Int, t: Int, c: Int, size: Int, classes: Int
    let mean: [Double], std: [Double]
    /// Raw x as written, (N, T, C, S, S).
    let x: [Float]
    let labels: [Int32]
    let splits: [String]

    init(folder: String, n: Int = 48, t: Int = 4, c: Int = 3, size: Int = 9, classes: Int = 3, parcels: Bool = false,
         noise: Double = 0.3, seed: UInt64 = 11, nanAt: Int? = nil, memorise: Bool = false) throws {
        self.folder = folder
        self.n = n; self.t = t; self.c = c; self.size = size; self.classes = classes
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RNG(seed: seed)
        mean = (0..<c).map { Double($0) * 10 + 5 }
        std = (0..<c).map { Double($0) + 0.5 }
        let pattern = (0..<(classes * t * c)).map { _ in rng.normal() }
        let hw = size * size
        var x = [Float](repeating: 0, count: n * t * c * hw)
        var labels = [Int32](), splits = [String](), folds = [Int]()
        for i in 0..<n {
            let label = (memorise && i >= n / 2 ? i - n / 2 : i) % classes
            labels.append(Int32(label))
            let slot = (i / classes) % 6
            if memorise {
                splits.append(i < n / 2 ? "train" : "val")
            } else {
                splits.append(slot < 4 ? "train" : slot == 4 ? "val" : "test")
            }
            folds.append((i / classes) % 3)
            if memorise && i >= n / 2 {
                let size = t * c * hw
                for k in 0..<size { x[i * size + k] = x[(i - n / 2) * size + k] }
                continue
            }
            for tt in 0..<t {
                for cc in 0..<c {
                    for p in 0..<hw {
                        let z = pattern[(label * t + tt) * c + cc] + noise * rng.normal()
                        x[((i * t + tt) * c + cc) * hw + p] = Float(mean[cc] + std[cc] * z)
                    }
                }
            }
        }
        if let k = nanAt { x[k] = .nan }
        self.x = x
        self.labels = labels
        self.splits = splits
        try NpyWriter.write(x, type: .float32, shape: [n, t, c, size, size], to: folder + "/x.npy")
        try NpyWriter.write(labels, type: .int32, shape: [n], to: folder + "/y.npy")
        var csv = "index,code,class,x,y,row,col,group,split,fold\n"
        for i in 0..<n {
            let code = Int(labels[i]) + 1
            csv += "\(i),\(code),\"class, \(code)\",0,0,0,0,g\(i),\(splits[i]),\(folds[i])\n"
        }
        try csv.write(toFile: folder + "/samples.csv", atomically: true, encoding: .utf8)
        var arrays: [String: Any] = ["x": ["file": "x.npy", "dtype": "float32", "shape": [n, t, c, size, size]],
                                     "y": ["file": "y.npy", "dtype": "int32", "shape": [n]]]
        if parcels {
            // Means of each band over the parcel, then stds, per date.
            var features = [Float](repeating: 0, count: n * t * 2 * c)
            for i in 0..<n {
                for tt in 0..<t {
                    for cc in 0..<c {
                        let base = ((i * t + tt) * c + cc) * hw
                        let values = (0..<hw).map { Double(x[base + $0]) }
                        let m = values.reduce(0, +) / Double(hw)
                        let s = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(hw)).squareRoot()
                        features[(i * t + tt) * 2 * c + cc] = Float(m)
                        features[(i * t + tt) * 2 * c + c + cc] = Float(s)
                    }
                }
            }
            try NpyWriter.write(features, type: .float32, shape: [n, t, 2 * c], to: folder + "/features.npy")
            try NpyWriter.write([UInt8](repeating: 1, count: n * hw), type: .uint8, shape: [n, size, size], to: folder + "/mask.npy")
            arrays["features"] = ["file": "features.npy", "dtype": "float32", "shape": [n, t, 2 * c]]
            arrays["mask"] = ["file": "mask.npy", "dtype": "uint8", "shape": [n, size, size]]
        }
        let classList = (0..<classes).map { ["code": $0 + 1, "name": "class, \($0 + 1)", "index": $0] as [String: Any] }
        let byClass = (0..<classes).map { k -> [String: Any] in
            let rows = (0..<n).filter { Int(labels[$0]) == k }
            return ["code": k + 1, "name": "class, \(k + 1)", "index": k, "total": rows.count,
                    "train": rows.filter { splits[$0] == "train" }.count, "val": rows.filter { splits[$0] == "val" }.count,
                    "test": rows.filter { splits[$0] == "test" }.count]
        }
        let manifest: [String: Any] = [
            "format": "sitscube-dataset/1", "kind": parcels ? "parcels" : "patches", "shape": [n, t, c, size, size], "axes": "NTCHW",
            "bands": (0..<c).map { "b\($0)" }, "times": (0..<t).map { "2000-T\($0)" }, "classes": classList, "arrays": arrays,
            "normalization": ["scope": "band", "statistics_from": "train", "mean": mean, "std": std, "count": [Int](repeating: 1, count: c)],
            "splits": ["fractions": [4, 1, 1], "folds": 3, "seed": 1, "oversample": false, "grouped_by": "feature"],
            "counts": ["total": n, "by_split": ["train": splits.filter { $0 == "train" }.count, "val": splits.filter { $0 == "val" }.count,
                                                "test": splits.filter { $0 == "test" }.count],
                       "by_class": byClass, "by_fold": (0..<3).map { f in folds.filter { $0 == f }.count }, "oversampled": 0],
            "skipped": [String: Int](), "settings": ["size": size, "pad": "reflect", "keep_nan": false],
            "provenance": ["cube": ["path": "cube", "manifest_sha256": "0"], "labels": ["path": "labels", "sha256": "0", "field": "code"], "tool": "test"],
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: folder + "/dataset.json"))
    }
}
