import Foundation
import XCTest
import NN
@testable import Models

/// Every registered model runs, learns, repeats and round-trips through a file.
final class TrainingTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    func testEveryModelHasATinyConfig() {
        XCTAssertEqual(Set(ModelRegistry.names), Set(tinyConfigs.keys))
    }

    func testForwardBackwardShapes() throws {
        for name in ModelRegistry.names {
            let net = try buildTiny(name)
            let batch = try makeBatch(for: net, n: 2)
            let y = try net.forward(batch.input)
            XCTAssertEqual(y.shape, net.outputShape(batch: 2), name)
            let l = try CrossEntropyLoss()(logits: y, labels: batch.labels)
            XCTAssert(l.loss.isFinite, name)
            let dx = net.backward(l.grad)
            XCTAssertEqual(dx.shape, batch.input.shape, name)
            let g = ParameterStore(net).gradNorm()
            XCTAssert(g.isFinite && g > 0, "\(name): gradient norm \(g)")
        }
    }

    func testOneStepLowersTheLoss() throws {
        for name in ModelRegistry.names {
            let net = try buildTiny(name)
            let batch = try makeBatch(for: net, n: 8)
            let opt = Adam(ParameterStore(net), learningRate: 1e-3)
            let before = try lossOf(net, batch)
            try classificationStep(net, opt, input: batch.input, labels: batch.labels)
            let after = try lossOf(net, batch)
            XCTAssertLessThan(after, before, name)
        }
    }

    /// Each model memorises 32 samples in a few dozen Adam steps.
    func testEveryModelOverfits32Samples() throws {
        for name in ModelRegistry.names {
            let start = Date()
            let net = try buildTiny(name)
            let batch = try makeBatch(for: net, n: 32)
            let opt = Adam(ParameterStore(net), learningRate: 0.01)
            let first = try lossOf(net, batch)
            var last = first
            for _ in 0..<60 { last = try classificationStep(net, opt, input: batch.input, labels: batch.labels) }
            let acc = try accuracyOf(net, batch)
            XCTAssertGreaterThanOrEqual(acc, 0.95, "\(name): accuracy \(acc), loss \(first) → \(last)")
            XCTAssertLessThan(last, 0.5 * first, name)
            print("overfit \(name): loss \(first) → \(last), accuracy \(acc), \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        }
    }

    /// Same seed and thread count ⇒ identical weights after a few SGD steps (dropout on).
    func testSameSeedSameWeights() throws {
        func train(_ name: String, seed: UInt64) throws -> [Float] {
            let withDropout = tinyConfigs[name]?.hp["dropout"] != nil ? ["dropout": "0.3"] : [:]
            let net = try buildTiny(name, seed: seed, extra: withDropout)
            let batch = try makeBatch(for: net, n: 8)
            let store = ParameterStore(net)
            let opt = SGD(store, learningRate: 0.01, momentum: 0.9)
            for _ in 0..<3 { try classificationStep(net, opt, input: batch.input, labels: batch.labels) }
            return store.flatValues.scalars
        }
        for name in ModelRegistry.names {
            let a = try train(name, seed: 5), b = try train(name, seed: 5), c = try train(name, seed: 6)
            XCTAssertEqual(a, b, name)
            XCTAssertNotEqual(a, c, name)
        }
    }

    /// Save → read → the same outputs (weights and batch-norm statistics travel).
    func testSaveLoadRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("models-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ModelRegistry.names {
            let net = try buildTiny(name)
            let batch = try makeBatch(for: net, n: 4)
            let opt = Adam(ParameterStore(net), learningRate: 0.01)
            for _ in 0..<2 { try classificationStep(net, opt, input: batch.input, labels: batch.labels) }
            net.setTraining(false)
            let before = try net.forward(batch.input).scalars
            let url = dir.appendingPathComponent("\(name).safetensors")
            try net.save(to: url, metadata: ["classes_names": "a,b,c"])
            let (loaded, meta) = try Network.read(from: url)
            XCTAssertEqual(meta["classes_names"], "a,b,c")
            XCTAssertEqual(loaded.name, name)
            XCTAssertEqual(loaded.hyperparameters, net.hyperparameters)
            XCTAssertEqual(try loaded.forward(batch.input).scalars, before, name)
        }
        // A file written for another architecture is refused with the model's name.
        let other = dir.appendingPathComponent("cnn2d.safetensors")
        let wrong = dir.appendingPathComponent("wrong.safetensors")
        let lstm = try buildTiny("lstm")
        let (tensors, _) = try Safetensors.decode(try Data(contentsOf: other))
        try Safetensors.encode(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                               metadata: lstm.architectureMetadata).write(to: wrong)
        XCTAssertThrowsError(try Network.read(from: wrong)) { e in XCTAssert("\(e)".contains("lstm"), "\(e)") }
        XCTAssertThrowsError(try Network.read(from: dir.appendingPathComponent("missing.safetensors")))
    }
}
