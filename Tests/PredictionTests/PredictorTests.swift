import Foundation
import GeoIO
import Models
import NN
@testable import Prediction
import TestSupport
import XCTest
import Cube

final class PredictorTests: XCTestCase {
    typealias F = PredictionFixture

    private func predict(model: String, cube: String, output: String, tile: Int = 512, threads: Int = 1,
                         configure: (inout PredictionOptions) -> Void = { _ in }) throws -> PredictionSummary {
        var o = PredictionOptions(model: model, cube: cube, output: output)
        o.tileSize = tile
        o.threads = threads
        o.batchSize = 64
        configure(&o)
        return try Predictor(options: o).run()
    }

    /// The tiled map equals the untiled one byte for byte (tiles 17, 64, default; 1 and 2 threads).
    func testTiledMapEqualsUntiledForPatchAndPixelModels() throws {
        let dir = try TempFolder("predict-tiles")
        try F.writeCube(dir.file("cube"), width: 40, height: 30)
        try F.patchModel(dir.file("patch.safetensors"))
        try F.pixelModel(dir.file("pixel.safetensors"))
        for model in ["patch", "pixel"] {
            let reference = dir.file("\(model)-untiled.tif")
            try predict(model: dir.file("\(model).safetensors"), cube: dir.file("cube"), output: reference)
            let expected = try F.bytes(reference)
            let values = try F.readMap(reference)
            // Pixels with NaN in their own series are nodata; the others hold class codes.
            for p in F.nanPixels { XCTAssertEqual(values[p.row * 40 + p.col], 255, "\(model) NaN pixel \(p)") }
            XCTAssertEqual(values.filter { $0 != 255 }.count, 40 * 30 - F.nanPixels.count, model)
            XCTAssert(values.allSatisfy { [1, 4, 7, 255].contains($0) }, model)
            XCTAssertGreaterThanOrEqual(Set(values).count, 3, "\(model): at least two classes besides nodata")
            for (tile, threads) in [(17, 1), (17, 2), (64, 2), (512, 2), (64, 1)] {
                let out = dir.file("\(model)-\(tile)-\(threads).tif")
                let summary = try predict(model: dir.file("\(model).safetensors"), cube: dir.file("cube"), output: out, tile: tile, threads: threads)
                XCTAssertEqual(summary.tiles, ((40 + tile - 1) / tile) * ((30 + tile - 1) / tile))
                XCTAssertEqual(try F.bytes(out), expected, "\(model) tile \(tile) threads \(threads)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".parts"), "staging folder removed after assembly")
            }
        }
    }

    /// The predicted class of a few pixels equals a forward pass of the same network on a patch
    /// assembled here by hand (normalised, NumPy-'reflect' border, NaN neighbours as 0); with
    /// border 'skip' the pixels near the edge are nodata and the interior ones unchanged.
    func testMapAgreesWithNaiveForwardOnHandAssembledPatches() throws {
        let dir = try TempFolder("predict-naive")
        let w = 40, h = 30
        try F.writeCube(dir.file("cube"), width: w, height: h)
        let net = try F.patchModel(dir.file("reflect.safetensors"), border: "reflect")
        try F.patchModel(dir.file("skip.safetensors"), border: "skip")
        net.setTraining(false)
        try predict(model: dir.file("reflect.safetensors"), cube: dir.file("cube"), output: dir.file("reflect.tif"), tile: 16)
        try predict(model: dir.file("skip.safetensors"), cube: dir.file("cube"), output: dir.file("skip.tif"), tile: 16)
        let reflect = try F.readMap(dir.file("reflect.tif")), skip = try F.readMap(dir.file("skip.tif"))
        XCTAssertGreaterThanOrEqual(Set(reflect).count, 3, "at least two classes besides nodata")
        // (6, 6) and (21, 28) have a NaN neighbour ((5,7) and (20,30)) inside their patch.
        for (row, col) in [(0, 0), (2, 37), (29, 39), (15, 20), (6, 6), (21, 28), (12, 3)] {
            let x = F.window(top: row - 4, left: col - 4, size: 9, width: w, height: h)
            let logits = try net.forward(try Tensor(shape: [1, 3, 3, 9, 9], scalars: x)).scalars
            let best = logits.indices.max { logits[$0] < logits[$1] } ?? 0
            XCTAssertEqual(reflect[row * w + col], UInt16(F.classes[best].code), "pixel (\(row), \(col))")
            let interior = row >= 4 && row < h - 4 && col >= 4 && col < w - 4
            XCTAssertEqual(skip[row * w + col], interior ? reflect[row * w + col] : 255, "skip, pixel (\(row), \(col))")
        }
    }

    /// Only pixels where the mask (another grid, 15 m) is non-zero are classified.
    func testMaskIsHonoured() throws {
        let dir = try TempFolder("predict-mask")
        try F.writeCube(dir.file("cube"), width: 40, height: 30)
        try F.pixelModel(dir.file("pixel.safetensors"))
        let maskGrid = Grid(crs: "EPSG:32633", transform: GeoTransform(originX: 500_000, pixelWidth: 15, originY: 4_000_000, pixelHeight: -15), width: 80, height: 60)
        let writer = try GeoTIFFWriter(path: dir.file("mask.tif"), grid: maskGrid, bandCount: 1, type: .byte)
        try writer.write(band: 1, (0..<(80 * 60)).map { UInt8($0 % 80 < 40 ? 1 : 0) })
        try writer.finish()
        try predict(model: dir.file("pixel.safetensors"), cube: dir.file("cube"), output: dir.file("map.tif"), tile: 16) { $0.mask = dir.file("mask.tif") }
        try predict(model: dir.file("pixel.safetensors"), cube: dir.file("cube"), output: dir.file("full.tif"), tile: 16)
        let masked = try F.readMap(dir.file("map.tif")), full = try F.readMap(dir.file("full.tif"))
        for r in 0..<30 {
            for c in 0..<40 {
                XCTAssertEqual(masked[r * 40 + c], c < 20 ? full[r * 40 + c] : 255, "(\(r), \(c))")
            }
        }
        XCTAssert(masked.prefix(20).allSatisfy { $0 != 255 })
    }

    /// gdalinfo shows the COG layout, colour table, category names, overviews and nodata; the
    /// probability bands carry the class names and sum to about 100 %; the random forest's
    /// classes equal `RandomForest.predict` on the hand-normalised pixel series.
    func testMapLayoutProbabilitiesAndForest() throws {
        let dir = try TempFolder("predict-cog")
        let w = 600, h = 530
        try F.writeCube(dir.file("cube"), width: w, height: h)
        try F.forestModel(dir.file("rf.safetensors"))
        try predict(model: dir.file("rf.safetensors"), cube: dir.file("cube"), output: dir.file("map.tif"), tile: 256, threads: 2) {
            $0.probabilities = dir.file("p.tif"); $0.confidence = dir.file("c.tif"); $0.quicklook = dir.file("map.png")
        }
        let info = try Command.gdalinfo(dir.file("map.tif"))
        let structure = (info["metadata"] as? [String: Any])?["IMAGE_STRUCTURE"] as? [String: String]
        XCTAssertEqual(structure?["LAYOUT"], "COG")
        let band = try XCTUnwrap((info["bands"] as? [[String: Any]])?.first)
        XCTAssertEqual(band["type"] as? String, "Byte")
        XCTAssertEqual(band["noDataValue"] as? Double, 255)
        XCTAssertFalse((band["overviews"] as? [Any] ?? []).isEmpty, "overviews")
        let entries = try XCTUnwrap((band["colorTable"] as? [String: Any])?["entries"] as? [[Int]])
        XCTAssertEqual(entries[1], [0, 120, 0, 255])
        XCTAssertEqual(entries[4], [0, 0, 200, 255])
        let categories = try XCTUnwrap(band["categories"] as? [String])
        XCTAssertEqual(categories[1], "forest"); XCTAssertEqual(categories[4], "water"); XCTAssertEqual(categories[7], "crop")

        let pInfo = try Command.gdalinfo(dir.file("p.tif"))
        XCTAssertEqual((pInfo["bands"] as? [[String: Any]])?.compactMap { $0["description"] as? String }, ["forest", "water", "crop"])
        let png = try Command.gdalinfo(dir.file("map.png"))
        XCTAssertEqual(png["driverShortName"] as? String, "PNG")

        let map = try F.readMap(dir.file("map.tif"))
        let p = try Raster.open(dir.file("p.tif")), conf = try Raster.open(dir.file("c.tif"))
        let (model, card, _) = try TrainedModel.read(from: URL(fileURLWithPath: dir.file("rf.safetensors")))
        guard case let .forest(forest) = model else { return XCTFail("not a forest") }
        for (row, col) in [(0, 0), (100, 333), (529, 599), (250, 17)] {
            var x: [Float] = []
            for t in 0..<3 { for c in 0..<3 {
                let s = card.normalization.statistics(time: t, band: c)
                x.append((F.value(t: t, c: c, row: row, col: col) - Float(s.mean)) / Float(s.std))
            } }
            let probs = try forest.predictProbabilities(x, rows: 1)
            let best = probs.indices.max { probs[$0] < probs[$1] } ?? 0
            XCTAssertEqual(map[row * w + col], UInt16(F.classes[best].code), "(\(row), \(col))")
            let window = Window(col: col, row: row, width: 1, height: 1)
            let percents = try (1...3).map { try p.read(band: $0, window: window, as: UInt8.self)[0] }
            XCTAssertEqual(percents.map(Int.init).reduce(0, +), 100, accuracy: 2)
            XCTAssertEqual(Int(percents[best]), Int((probs[best] * 100).rounded()))
            XCTAssertEqual(try conf.read(band: 1, window: window, as: UInt8.self)[0], percents.max())
        }
    }

    /// Each model/cube mismatch is refused with a message naming the difference.
    func testMismatchesAreRefusedWithClearErrors() throws {
        let dir = try TempFolder("predict-mismatch")
        try F.pixelModel(dir.file("pixel.safetensors"))
        func message(cube: String) -> String {
            var o = PredictionOptions(model: dir.file("pixel.safetensors"), cube: cube, output: dir.file("m.tif"))
            o.threads = 1
            do { _ = try Predictor(options: o); return "" } catch { return "\(error)" }
        }
        try F.writeCube(dir.file("order"), width: 8, height: 8, bandNames: ["blue", "nir", "red"])
        XCTAssert(message(cube: dir.file("order")).contains("band order differs"), message(cube: dir.file("order")))
        try F.writeCube(dir.file("fewer"), width: 8, height: 8, bandNames: ["blue", "red"])
        let fewer = message(cube: dir.file("fewer"))
        XCTAssert(fewer.contains("model expects bands [blue, red, nir] and 3 times; cube has 2 bands"), fewer)
        XCTAssert(fewer.contains("lacks band(s) nir"), fewer)
        try F.writeCube(dir.file("times"), width: 8, height: 8, timeLabels: ["2020-H1", "2020-H2"])
        XCTAssert(message(cube: dir.file("times")).contains("and 2 times"), message(cube: dir.file("times")))
        try F.writeCube(dir.file("labels"), width: 8, height: 8, timeLabels: ["2020-H1", "2020-H2", "2022-H1"])
        XCTAssert(message(cube: dir.file("labels")).contains("time step 3 is '2022-H1'"), message(cube: dir.file("labels")))

        // A parcel-statistics model is refused for raster prediction.
        let gru = try ModelRegistry.build("gru-stats", input: InputShape(t: 3, c: 3, h: 1, w: 1), classes: 3, hyperparameters: ["hidden": "4", "mlp": "4"])
        try gru.save(to: URL(fileURLWithPath: dir.file("gru.safetensors")), metadata: F.card().metadata())
        try F.writeCube(dir.file("ok"), width: 8, height: 8)
        var o = PredictionOptions(model: dir.file("gru.safetensors"), cube: dir.file("ok"), output: dir.file("m.tif"))
        XCTAssertThrowsError(try Predictor(options: o)) { XCTAssert("\($0)".contains("per-date parcel statistics"), "\($0)") }
        // A model without a card.
        let bare = try ModelRegistry.build("tempcnn", input: InputShape(t: 3, c: 3, h: 1, w: 1), classes: 3)
        try bare.save(to: URL(fileURLWithPath: dir.file("bare.safetensors")))
        o.model = dir.file("bare.safetensors")
        XCTAssertThrowsError(try Predictor(options: o)) { XCTAssert("\($0)".contains("bare.safetensors") && "\($0)".contains("needs a model with its card"), "\($0)") }
        // Bad options.
        o.model = dir.file("pixel.safetensors")
        o.tileSize = 0
        XCTAssertThrowsError(try Predictor(options: o)) { XCTAssert("\($0)".contains("--tile"), "\($0)") }
        XCTAssertThrowsError(try Shard(parsing: "2/2"))
        XCTAssertEqual(try Shard(parsing: "2/8"), try Shard(index: 2, count: 8))
    }
}
