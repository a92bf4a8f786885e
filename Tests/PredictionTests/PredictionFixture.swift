import Foundation
import GeoIO
import Models
import NN
import TestSupport
import XCTest

/// A small synthetic cube (cube.json + one Float32 GeoTIFF per date, DESIGN.md §3) and models
/// whose cards match it, for the predictor tests.
enum PredictionFixture {
    static let bands = ["blue", "red", "nir"]
    static let times = ["2020-H1", "2020-H2", "2021-H1"]

    /// The value of band c at date t in pixel (row, col): smooth patterns that differ per band and date.
    static func value(t: Int, c: Int, row: Int, col: Int) -> Float {
        Float(sin(Double(row) * 0.31 + Double(c)) * 1000 + cos(Double(col) * 0.23 + Double(t)) * 800 + Double(t * 100 + c * 50))
    }

    /// Pixels with NaN in their own series (at one date and band).
    static let nanPixels: [(row: Int, col: Int)] = [(5, 7), (20, 30)]

    static func grid(_ w: Int, _ h: Int) -> Grid {
        Grid(crs: "EPSG:32633", transform: GeoTransform(originX: 500_000, pixelWidth: 30, originY: 4_000_000, pixelHeight: -30), width: w, height: h)
    }

    /// Writes a cube of `width`×`height` pixels into `folder`.
    /// `values` (t, c, row, col) and `nans` replace the fixture's patterns and NaN pixels.
    static func writeCube(_ folder: String, width: Int, height: Int, bandNames: [String] = bands, timeLabels: [String] = times,
                          values: (Int, Int, Int, Int) -> Float = { value(t: $0, c: $1, row: $2, col: $3) },
                          nans: [(row: Int, col: Int)] = nanPixels) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let g = grid(width, height)
        var timeEntries: [[String: String]] = []
        for (t, label) in timeLabels.enumerated() {
            let file = "\(label).tif"
            let writer = try GeoTIFFWriter(path: folder + "/" + file, grid: g, bandCount: bandNames.count, type: .float32)
            for c in 0..<bandNames.count {
                var v = [Float](repeating: 0, count: width * height)
                for r in 0..<height { for k in 0..<width { v[r * width + k] = values(t, c, r, k) } }
                for p in nans where t == 1 && c == 0 && p.row < height && p.col < width { v[p.row * width + p.col] = .nan }
                try writer.write(band: c + 1, v)
            }
            try writer.setBandNames(bandNames)
            try writer.finish()
            timeEntries.append(["label": label, "start": "2020-01-01", "end": "2020-06-30", "file": file])
        }
        let manifest: [String: Any] = [
            "format": "sitscube-cube/1",
            "grid": ["crs": "EPSG:32633", "geotransform": g.transform.coefficients, "width": width, "height": height],
            "bands": bandNames, "times": timeEntries,
            "provenance": ["scenes": [String](), "mask": [String: String](), "reducer": "median", "fill": "none", "version": "test"],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: folder + "/cube.json"))
    }

    static let classes = [
        ModelCard.ClassEntry(code: 1, name: "forest", index: 0, color: [0, 120, 0]),
        ModelCard.ClassEntry(code: 4, name: "water", index: 1, color: [0, 0, 200]),
        ModelCard.ClassEntry(code: 7, name: "crop", index: 2),
    ]

    static func card(border: String = "reflect", bandNames: [String] = bands, timeLabels: [String] = times) -> ModelCard {
        let mean = (0..<bandNames.count).map { Double($0 * 50 + 100) }
        let std = (0..<bandNames.count).map { Double(600 + $0 * 100) }
        return ModelCard(bands: bandNames, times: timeLabels, classes: classes,
                         normalization: .init(scope: "band", mean: [mean], std: [std]), border: border, datasetKind: "patches")
    }

    /// The class a pixel is trained towards: a rule on its own values, so that maps hold every class.
    static func label(row: Int, col: Int) -> Int {
        value(t: 0, c: 0, row: row, col: col) > 300 ? 0 : (value(t: 2, c: 2, row: row, col: col) > 500 ? 1 : 2)
    }

    /// A size×size window (T, C, size, size) with its top-left at (top, left), normalised with the
    /// card, mirrored at the border (NumPy 'reflect'), NaN as 0 — assembled here without the predictor.
    static func window(top: Int, left: Int, size: Int, width: Int, height: Int) -> [Float] {
        func mirror(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i) }
        let norm = card().normalization
        var x = [Float]()
        for t in 0..<times.count {
            for c in 0..<bands.count {
                let s = norm.statistics(time: t, band: c)
                for dy in 0..<size {
                    for dx in 0..<size {
                        let r = mirror(top + dy, height), k = mirror(left + dx, width)
                        let isNaN = t == 1 && c == 0 && nanPixels.contains { $0.row == r && $0.col == k }
                        x.append(isNaN ? 0 : (value(t: t, c: c, row: r, col: k) - Float(s.mean)) / Float(s.std))
                    }
                }
            }
        }
        return x
    }

    /// A few Adam steps towards ``label(row:col:)`` so that the model's maps hold several classes
    /// (random weights tend to give one class everywhere, which would make map comparisons weak).
    static func trainBriefly(_ net: Network, size: Int, width: Int = 40, height: Int = 30, steps: Int = 25) throws {
        let segmentation = net.task == .segmentation
        var x = [Float](), y = [Int]()
        var n = 0
        for row in Swift.stride(from: 0, to: height, by: segmentation ? 6 : 3) {
            for col in Swift.stride(from: 0, to: width, by: segmentation ? 6 : 3) {
                let top = segmentation ? min(row, max(0, height - size)) : row - size / 2
                let left = segmentation ? min(col, max(0, width - size)) : col - size / 2
                x += window(top: top, left: left, size: size, width: width, height: height)
                if segmentation {
                    for dy in 0..<size { for dx in 0..<size { y.append(label(row: min(top + dy, height - 1), col: min(left + dx, width - 1))) } }
                } else {
                    y.append(label(row: row, col: col))
                }
                n += 1
            }
        }
        let input = try Tensor(shape: [n, times.count, bands.count, size, size], scalars: x)
        let optimizer = Adam(ParameterStore(net), learningRate: 0.01)
        net.setTraining(true)
        for _ in 0..<steps { _ = try classificationStep(net, optimizer, input: input, labels: y) }
        net.setTraining(false)
    }

    /// A small patch model (cnn2d, 9×9), briefly trained.
    @discardableResult
    static func patchModel(_ path: String, border: String = "reflect") throws -> Network {
        let net = try ModelRegistry.build("cnn2d", input: InputShape(t: times.count, c: bands.count, h: 9, w: 9), classes: classes.count,
                                          hyperparameters: ["filters": "4,4,4,4,8,8", "dense": "16,16"], seed: 3)
        try trainBriefly(net, size: 9)
        try net.save(to: URL(fileURLWithPath: path), metadata: card(border: border).metadata())
        return net
    }

    /// A small pixel model (tempcnn, 1×1), briefly trained.
    @discardableResult
    static func pixelModel(_ path: String) throws -> Network {
        let net = try ModelRegistry.build("tempcnn", input: InputShape(t: times.count, c: bands.count, h: 1, w: 1), classes: classes.count,
                                          hyperparameters: ["filters": "8,8,8", "dense": "16"], seed: 5)
        try trainBriefly(net, size: 1)
        try net.save(to: URL(fileURLWithPath: path), metadata: card().metadata())
        return net
    }

    /// A random forest on the normalised pixel series (t-major features), labels by a simple rule.
    static func forestModel(_ path: String) throws {
        let d = times.count * bands.count, rows = 300
        var x: [Float] = [], y: [Int32] = []
        let c = card()
        for i in 0..<rows {
            let row = (i * 7) % 50, col = (i * 13) % 60
            for t in 0..<times.count {
                for b in 0..<bands.count {
                    let s = c.normalization.statistics(time: t, band: b)
                    x.append((value(t: t, c: b, row: row, col: col) - Float(s.mean)) / Float(s.std))
                }
            }
            y.append(Int32(x[i * d] > 0 ? (x[i * d + 1] > 0 ? 0 : 1) : 2))
        }
        let forest = try RandomForest.fit(features: x, rows: rows, columns: d, labels: y, classCount: classes.count,
                                          options: .init(trees: 10, maxDepth: 6, seed: 1))
        try forest.save(to: URL(fileURLWithPath: path), metadata: c.metadata())
    }

    static func readMap(_ path: String) throws -> [UInt16] {
        try Raster.open(path).read(band: 1)
    }

    static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
