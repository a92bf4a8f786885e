import Foundation
import GeoIO
import Models
import NN
import TestSupport
import XCTest

/// Seed 004 end to end: a cube whose road pixels are spectrally distinct, straight road lines,
/// `segments` → `train` a tiny unet-convlstm → `predict`, whose one sigmoid map becomes classes
/// background/road and probabilities [1 − σ, σ].
final class RoadSegmentationPredictionTests: XCTestCase {
    typealias F = PredictionFixture
    static let size = 48
    static let roadRows = [5, 22, 40], roadCols = [9, 30]

    static func isRoad(_ row: Int, _ col: Int) -> Bool { roadRows.contains(row) || roadCols.contains(col) }

    /// The fixture's smooth background, 4000 brighter (about 4 standard deviations) on roads.
    static func value(t: Int, c: Int, row: Int, col: Int) -> Float {
        F.value(t: t, c: c, row: row, col: col) + (isRoad(row, col) ? 4000 : 0)
    }

    /// Lines through the centres of the road rows and columns, running past the cube's edges.
    static func writeRoads(_ path: String) throws {
        func world(_ col: Double, _ row: Double) -> Point { Point(x: 500_000 + col * 30, y: 4_000_000 - row * 30) }
        let n = Double(size)
        var features = roadRows.map { r in Feature(geometry: .lineString([world(-2, Double(r) + 0.5), world(n + 2, Double(r) + 0.5)])) }
        features += roadCols.map { c in Feature(geometry: .lineString([world(Double(c) + 0.5, -2), world(Double(c) + 0.5, n + 2)])) }
        try VectorWriter.write(path: path, format: .geoPackage, crs: "EPSG:32633", layerName: "roads", fields: [], features: features)
    }

    func run(_ arguments: [String]) throws {
        let r = try SitscubeBinary.run(arguments)
        XCTAssertEqual(r.status, 0, "sitscube \(arguments.joined(separator: " ")): \(r.stderr)")
    }

    func testTrainedUNetMapsRoadsLikeANaiveForwardWhateverTheTiles() throws {
        let dir = try TempFolder("predict-roads")
        let n = Self.size
        try F.writeCube(dir.file("cube"), width: n, height: n, values: { Self.value(t: $0, c: $1, row: $2, col: $3) }, nans: [])
        try Self.writeRoads(dir.file("roads.gpkg"))
        try run(["segments", dir.file("cube"), "--labels", dir.file("roads.gpkg"), "--size", "16", "--stride", "8",
                 "--split", "70,30,0", "--folds", "0", "--seed", "1", "-o", dir.file("ds")])
        try FileManager.default.createDirectory(atPath: dir.file("m"), withIntermediateDirectories: true)
        let model = dir.file("m/unet.safetensors")
        try run(["train", dir.file("ds"), "--model", "unet-convlstm", "--hp", "filters=4,8", "--hp", "pmap=3", "--hp", "lstm=8,8",
                 "--epochs", "10", "--batch", "4", "--lr", "0.01", "--seed", "3", "--threads", "1", "-o", model])
        let (net, meta) = try Network.read(from: URL(fileURLWithPath: model))
        let card = try ModelCard(metadata: meta)
        XCTAssertEqual(card.datasetKind, "segments")
        XCTAssertEqual(card.classes.map(\.name), ["background", "road"])
        let codes = card.classes.sorted { $0.index < $1.index }.map { UInt16($0.code) }

        // Windows of 16 without overlap tile the 48×48 cube exactly: each pixel is one forward pass.
        try run(["predict", model, dir.file("cube"), "-o", dir.file("map0.tif"), "--probabilities", dir.file("prob0.tif"),
                 "--overlap", "0", "--tile", "20", "--threads", "1"])
        let map = try F.readMap(dir.file("map0.tif"))
        let prob = try Raster.open(dir.file("prob0.tif"))
        let background: [UInt8] = try prob.read(band: 1), road: [UInt8] = try prob.read(band: 2)
        net.setTraining(false)
        let (y0, x0) = (16, 16)
        var x = [Float]()
        for t in 0..<F.times.count {
            for c in 0..<F.bands.count {
                let s = card.normalization.statistics(time: t, band: c)
                for r in 0..<16 { for k in 0..<16 { x.append((Self.value(t: t, c: c, row: y0 + r, col: x0 + k) - Float(s.mean)) / Float(s.std)) } }
            }
        }
        let logits = try net.forward(try Tensor(shape: [1, F.times.count, F.bands.count, 16, 16], scalars: x)).scalars
        XCTAssertEqual(logits.count, 256, "one map")
        func percent(_ p: Float) -> UInt8 { UInt8(max(0, min(100, (p * 100).rounded()))) }
        for r in 0..<16 {
            for k in 0..<16 {
                let p = 1 / (1 + expf(-logits[r * 16 + k])), i = (y0 + r) * n + x0 + k
                XCTAssertEqual(map[i], codes[p > 0.5 ? 1 : 0], "pixel (\(y0 + r), \(x0 + k))")
                XCTAssertEqual(road[i], percent(p))
                XCTAssertEqual(background[i], percent(1 - p))
            }
        }
        // The map finds the roads.
        var tp = 0, fp = 0, fn = 0
        for r in 0..<n { for k in 0..<n {
            let predicted = map[r * n + k] == codes[1], truth = Self.isRoad(r, k)
            if predicted && truth { tp += 1 } else if predicted { fp += 1 } else if truth { fn += 1 }
        } }
        let iou = Double(tp) / Double(tp + fp + fn)
        print("road IoU of the 48×48 map: \(iou) (tp \(tp), fp \(fp), fn \(fn))")
        XCTAssertGreaterThan(iou, 0.6)

        // Overlapping, blended windows: the same bytes whatever the tile size.
        try run(["predict", model, dir.file("cube"), "-o", dir.file("whole.tif"), "--probabilities", dir.file("whole-p.tif"),
                 "--overlap", "4", "--threads", "1"])
        for tile in [10, 23] {
            try run(["predict", model, dir.file("cube"), "-o", dir.file("t\(tile).tif"), "--probabilities", dir.file("t\(tile)-p.tif"),
                     "--overlap", "4", "--tile", "\(tile)", "--threads", "1"])
            XCTAssertEqual(try F.bytes(dir.file("t\(tile).tif")), try F.bytes(dir.file("whole.tif")), "tile \(tile)")
            XCTAssertEqual(try F.bytes(dir.file("t\(tile)-p.tif")), try F.bytes(dir.file("whole-p.tif")), "tile \(tile) probabilities")
        }
        XCTAssertEqual(Set(try F.readMap(dir.file("whole.tif"))), Set(codes), "both classes on the blended map")
    }
}
