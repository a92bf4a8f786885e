import Foundation
import GeoIO
import Models
import NN
@testable import Prediction
import TestSupport
import XCTest

/// The whole route on the sample archive: cube and 9×9 patches through the CLI, a small
/// cnn-lstm (seed 000 §2.3.4) trained here on the train split, then `predict`; the map must
/// score OA ≥ 0.9 against labels/classes.tif on the test-split pixels away from class borders.
final class SampleArchiveMapTests: XCTestCase {
    func testCnnLstmMapOfTheSampleArchiveScoresAtLeast90Percent() throws {
        let archive = try SampleArchiveFixture.path()
        let dir = try TempFolder("predict-sample")
        var r = try SitscubeBinary.run(["cube", archive, "-o", dir.file("cube"), "--sensor", "landsat",
                                        "--from", "2000-01-01", "--to", "2005-12-31", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try SitscubeBinary.run(["patches", dir.file("cube"), "--labels", archive + "/labels/classes.tif", "--size", "9",
                                    "--pad", "reflect", "-o", dir.file("ds")])
        XCTAssertEqual(r.status, 0, r.stderr)

        // The dataset as the trainer reads it.
        let meta = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("ds/dataset.json")))) as? [String: Any])
        let bands = try XCTUnwrap(meta["bands"] as? [String])
        let times = try XCTUnwrap((meta["times"] as? [[String: Any]])?.compactMap { $0["label"] as? String } ?? (meta["times"] as? [String]))
        let norm = try XCTUnwrap(meta["normalization"] as? [String: Any])
        let mean = try XCTUnwrap(norm["mean"] as? [Double]), std = try XCTUnwrap(norm["std"] as? [Double])
        let classes = try XCTUnwrap(meta["classes"] as? [[String: Any]]).map {
            ModelCard.ClassEntry(code: $0["code"] as? Int ?? 0, name: $0["name"] as? String ?? "", index: $0["index"] as? Int ?? 0)
        }
        let x = try Self.npyFloats(dir.file("ds/x.npy")), y = try Self.npyInt32(dir.file("ds/y.npy"))
        let csv = try String(contentsOfFile: dir.file("ds/samples.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let (t, c) = (times.count, bands.count), per = t * c * 81
        XCTAssertEqual(x.count, y.count * per)
        var trainX = [Float](), trainY = [Int]()
        for (i, row) in csv.enumerated() where row[8] == "train" {
            for j in 0..<per {
                let band = (j / 81) % c
                let v = (x[i * per + j] - Float(mean[band])) / Float(std[band])
                trainX.append(v.isNaN ? 0 : v)
            }
            trainY.append(Int(y[i]))
        }

        let net = try ModelRegistry.build("cnn-lstm", input: InputShape(t: t, c: c, h: 9, w: 9), classes: classes.count,
                                          hyperparameters: ["filters": "8,8,16,16,16,16", "units": "16,32", "dense": "64,32"], seed: 1)
        let optimizer = Adam(ParameterStore(net), learningRate: 3e-3)
        var rng = RNG(seed: 2)
        let n = trainY.count, batch = 64
        net.setTraining(true)
        for _ in 0..<6 {
            var order = Array(0..<n)
            order.shuffle(using: &rng)
            for start in Swift.stride(from: 0, to: n, by: batch) {
                let rows = order[start..<min(n, start + batch)]
                var bx = [Float](); bx.reserveCapacity(rows.count * per)
                for i in rows { bx += trainX[(i * per)..<((i + 1) * per)] }
                _ = try classificationStep(net, optimizer, input: try Tensor(shape: [rows.count, t, c, 9, 9], scalars: bx), labels: rows.map { trainY[$0] })
            }
        }
        net.setTraining(false)
        let card = ModelCard(bands: bands, times: times, classes: classes,
                             normalization: .init(scope: "band", mean: [mean], std: [std]), border: "reflect", datasetKind: "patches")
        try net.save(to: URL(fileURLWithPath: dir.file("model.safetensors")), metadata: card.metadata())

        var o = PredictionOptions(model: dir.file("model.safetensors"), cube: dir.file("cube"), output: dir.file("map.tif"))
        o.threads = 2
        try Predictor(options: o).run()
        let map = try Raster.open(dir.file("map.tif")).read(band: 1, as: Int32.self)
        let truth = try Raster.open(archive + "/labels/classes.tif").read(band: 1, as: Int32.self)
        let side = SampleArchiveFixture.size
        var right = 0, counted = 0
        for row in csv where row[8] == "test" {
            guard let r = Int(row[5]), let k = Int(row[6]) else { continue }
            // Away from class borders: the 3×3 neighbourhood holds one class.
            let neighbours = (-1...1).flatMap { dy in (-1...1).map { dx in (r + dy, k + dx) } }
                .filter { $0.0 >= 0 && $0.0 < side && $0.1 >= 0 && $0.1 < side }
            guard neighbours.allSatisfy({ truth[$0.0 * side + $0.1] == truth[r * side + k] }) else { continue }
            counted += 1
            if map[r * side + k] == truth[r * side + k] { right += 1 }
        }
        XCTAssertGreaterThan(counted, 200)
        let oa = Double(right) / Double(max(counted, 1))
        print("sample archive cnn-lstm map: OA \(oa) on \(counted) test pixels away from class borders")
        XCTAssertGreaterThanOrEqual(oa, 0.9, "OA \(oa) on \(counted) test pixels away from class borders")
    }

    /// Little-endian float32 / int32 .npy payloads (C order), as `sitscube patches` writes them.
    static func npyPayload(_ path: String) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count > 10, data.prefix(6) == Data([0x93]) + Data("NUMPY".utf8) else { throw PredictionError.invalidOption("\(path) is not .npy") }
        let major = data[6]
        let headerLength = major == 1 ? Int(data[8]) | Int(data[9]) << 8 : Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
        return data.dropFirst((major == 1 ? 10 : 12) + headerLength)
    }

    static func npyFloats(_ path: String) throws -> [Float] {
        let payload = try npyPayload(path)
        return payload.withUnsafeBytes { raw in (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
    }

    static func npyInt32(_ path: String) throws -> [Int32] {
        let payload = try npyPayload(path)
        return payload.withUnsafeBytes { raw in (0..<(raw.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
    }
}
