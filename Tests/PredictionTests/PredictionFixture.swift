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
    static func writeCube(_ folder: String, width: Int, height: Int, bandNames: [String] = bands, timeLabels: [String] = times) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let g = grid(width, height)
        var timeEntries: [[String: String]] = []
        for (t, label) in timeLabels.enumerated() {
            let file = "\(label).tif"
            let writer = try GeoTIFFWriter(path: folder + "/" + file, grid: g, bandCount: bandNames.count, type: .float32)
            for c in 0..<bandNames.count {
                var v = [Float](repeating: 0, count: width * height)
                for r in 0..<height { for k in 0..<width { v[r * width + k] = value(t: t, c: c, row: r, col: k) } }
                for p in nanPixels where t == 1 && c == 0 && p.row < height && p.col < width { v[p.row * width + p.col] = .nan }
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

    /// A small patch model (cnn2d, 9×9) with random weights.
    @discardableResult
    static func patchModel(_ path: String, border: String = "reflect") throws -> Network {
        let net = try ModelRegistry.build("cnn2d", input: InputShape(t: times.count, c: bands.count, h: 9, w: 9), classes: classes.count,
                                          hyperparameters: ["filters": "4,4,4,4,8,8", "dense": "16,16"], seed: 3)
        try net.save(to: URL(fileURLWithPath: path), metadata: card(border: border).metadata())
        return net
    }

    /// A small pixel model (tempcnn, 1×1) with random weights.
    @discardableResult
    static func pixelModel(_ path: String) throws -> Network {
        let net = try ModelRegistry.build("tempcnn", input: InputShape(t: times.count, c: bands.count, h: 1, w: 1), classes: classes.count,
                                          hyperparameters: ["filters": "8,8,8", "dense": "16"], seed: 5)
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
