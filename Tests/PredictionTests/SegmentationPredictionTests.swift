import Foundation
import GeoIO
import Models
import NN
@testable import Prediction
import TestSupport
import XCTest

/// Segmentation models map with overlapping, blended windows of their input size.
final class SegmentationPredictionTests: XCTestCase {
    typealias F = PredictionFixture

    private func segmentationModel(_ path: String, size: Int, width: Int, height: Int) throws -> Network {
        let net = try ModelRegistry.build("cnn2d-stack", input: InputShape(t: 3, c: 3, h: size, w: size), classes: 3,
                                          hyperparameters: ["filters": "4,4", "head": "8"], seed: 9)
        try F.trainBriefly(net, size: size, width: width, height: height, steps: 60)
        try net.save(to: URL(fileURLWithPath: path), metadata: F.card(border: "reflect").metadata())
        return net
    }

    private func run(_ model: String, _ cube: String, _ out: String, tile: Int, threads: Int, overlap: Int) throws {
        var o = PredictionOptions(model: model, cube: cube, output: out)
        o.tileSize = tile; o.threads = threads; o.overlap = overlap
        try Predictor(options: o).run()
    }

    func testWindowOrigins() {
        XCTAssertEqual(WindowBlender.origins(length: 30, size: 12, stride: 8), [0, 8, 16, 18])
        XCTAssertEqual(WindowBlender.origins(length: 24, size: 12, stride: 12), [0, 12])
        XCTAssertEqual(WindowBlender.origins(length: 10, size: 12, stride: 8), [0])
    }

    /// Tiled equals untiled, byte for byte, with overlapping windows (tiles 17, 64, default; 1 and 2 threads).
    func testBlendedMapDoesNotDependOnTilesOrThreads() throws {
        let dir = try TempFolder("predict-seg")
        try F.writeCube(dir.file("cube"), width: 40, height: 30)
        _ = try segmentationModel(dir.file("seg.safetensors"), size: 12, width: 40, height: 30)
        try run(dir.file("seg.safetensors"), dir.file("cube"), dir.file("ref.tif"), tile: 512, threads: 1, overlap: 4)
        let expected = try F.bytes(dir.file("ref.tif"))
        let values = try F.readMap(dir.file("ref.tif"))
        XCTAssertEqual(values.filter { $0 == 255 }.count, F.nanPixels.count)
        XCTAssertGreaterThanOrEqual(Set(values).count, 3, "at least two classes besides nodata, so that the comparison means something")
        for (tile, threads) in [(17, 1), (17, 2), (64, 2), (7, 1)] {
            try run(dir.file("seg.safetensors"), dir.file("cube"), dir.file("t\(tile)-\(threads).tif"), tile: tile, threads: threads, overlap: 4)
            XCTAssertEqual(try F.bytes(dir.file("t\(tile)-\(threads).tif")), expected, "tile \(tile) threads \(threads)")
        }
    }

    /// Without overlap on a 24×24 cube, 12-pixel windows tile it exactly, so each pixel's class is
    /// the argmax of one forward pass on a window assembled here by hand.
    func testNonOverlappingWindowsMatchANaiveForward() throws {
        let dir = try TempFolder("predict-seg-naive")
        try F.writeCube(dir.file("cube"), width: 24, height: 24)
        let net = try segmentationModel(dir.file("seg.safetensors"), size: 12, width: 24, height: 24)
        net.setTraining(false)
        try run(dir.file("seg.safetensors"), dir.file("cube"), dir.file("map.tif"), tile: 10, threads: 1, overlap: 0)
        let map = try F.readMap(dir.file("map.tif"))
        XCTAssertGreaterThanOrEqual(Set(map).count, 3, "at least two classes besides nodata")
        for (y0, x0) in [(0, 0), (0, 12), (12, 0), (12, 12)] {
            let x = F.window(top: y0, left: x0, size: 12, width: 24, height: 24)
            let logits = try net.forward(try Tensor(shape: [1, 3, 3, 12, 12], scalars: x)).scalars
            for r in 0..<12 { for k in 0..<12 {
                let l = Array(logits[((r * 12 + k) * 3)..<((r * 12 + k) * 3 + 3)])
                let best = l.indices.max { l[$0] < l[$1] } ?? 0
                let isNaN = F.nanPixels.contains { $0.row == y0 + r && $0.col == x0 + k }
                XCTAssertEqual(map[(y0 + r) * 24 + x0 + k], isNaN ? 255 : UInt16(F.classes[best].code), "pixel (\(y0 + r), \(x0 + k))")
            } }
        }
    }
}
