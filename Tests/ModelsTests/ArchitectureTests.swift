import XCTest
import NN
@testable import Models

/// Sizes the papers state, checked at the papers' inputs.
final class ArchitectureTests: XCTestCase {
    func weightShape(_ net: Network, _ name: String) -> [Int]? {
        net.namedParameters.first { $0.0 == name }?.1.shape
    }

    /// Seed 000 §2.3.1 at 12×9×9×9, K = 6 (Keras/PyTorch count, BN γ and β trainable):
    /// conv  (3·3·cin + 1)·cout: 9→32 2,624; 32→32 9,248; 32→64 18,496; 64→64 36,928;
    ///       64→128 73,856; 128→128 147,584            = 288,736
    /// BN    2·(32+32+64+64+128+128)                    =     896
    /// flatten 12 dates × 2 × 2 × 128 (9 →pool 4 →pool 2) = 6144
    /// dense 6144·1024+1024 = 6,292,480; 1024·512+512 = 524,800; 512·6+6 = 3,078
    /// total 288,736 + 896 + 6,820,358 = 7,109,990
    func testCNN2DMatchesSeed000() throws {
        let net = try ModelRegistry.build("cnn2d", input: .seed000, classes: 6)
        XCTAssertEqual(net.info["flatten"], 6144)
        XCTAssertEqual(weightShape(net, "dense.0.weight"), [6144, 1024])
        XCTAssertEqual(net.parameterCount, 7_109_990)
    }

    /// Seed 000 §2.3.3: 12×9×9 → pool 6×4×4 → pool 3×2×2, × 128 = 1536.
    /// conv (27·cin + 1)·cout: 7,808 + 27,680 + 55,360 + 110,656 + 221,312 + 442,496 = 865,312;
    /// BN 896; dense 1536·1024+1024 = 1,573,888, 524,800, 3,078 → 2,967,974.
    func testCNN3DFlattensTo1536() throws {
        let net = try ModelRegistry.build("cnn3d", input: .seed000, classes: 6)
        XCTAssertEqual(net.info["flatten"], 1536)
        XCTAssertEqual(weightShape(net, "dense.0.weight"), [1536, 1024])
        XCTAssertEqual(net.parameterCount, 2_967_974)
    }

    /// Seed 000 §2.3.2: 12 × 729 input into LSTM 32 then 128.
    func testLSTMReads729FeaturesPerDate() throws {
        let net = try ModelRegistry.build("lstm", input: .seed000, classes: 6)
        XCTAssertEqual(weightShape(net, "lstm.0.kernel"), [729, 128])
        XCTAssertEqual(weightShape(net, "lstm.1.kernel"), [32, 512])
    }

    /// Seed 000 Fig. 9: 9×9 → 4×4 → 2×2, flatten 128 × 2 × 2.
    func testConvLSTMFlatten() throws {
        let net = try ModelRegistry.build("convlstm", input: .seed000, classes: 6)
        XCTAssertEqual(net.info["flatten"], 512)
    }

    /// Seed 003 Table 1 at 24 dates × 10 bands × 32×32, K = 19 (see Seed003Models.swift).
    func testSeed003ParameterBudgets() throws {
        let parcel = InputShape(t: 24, c: 10, h: 32, w: 32)
        func count(_ name: String, _ hp: [String: String] = [:]) throws -> Int {
            try ModelRegistry.build(name, input: parcel, classes: 19, hyperparameters: hp).parameterCount
        }
        XCTAssertEqual(try count("parcel-cnn"), 92_899)
        XCTAssertEqual(try count("gru-stats"), 94_587)
        XCTAssertEqual(try count("cnn-gru", ["config": "9"]), 90_179)
        XCTAssertEqual(try count("cnn-gru", ["config": "8"]), 93_807)
        XCTAssertEqual(try count("cnn-gru", ["config": "7"]), 92_035)
        for name in ["parcel-cnn", "gru-stats", "cnn-gru"] {
            XCTAssert((90_000...95_500).contains(try count(name)), name)
        }
    }

    /// seed 001 §III: 512 hidden units, exported as the representation for RF(LSTM).
    func testLSTMPixelExportsLastHiddenState() throws {
        let net = try ModelRegistry.build("lstm-pixel", input: InputShape(t: 10, c: 10, h: 1, w: 1), classes: 5)
        let x = Tensor(repeating: 0.1, shape: [3, 10, 10, 1, 1])
        net.setTraining(false)
        let h = try net.embed(ModelInput(x: x))
        XCTAssertEqual(h.shape, [3, 512])
        XCTAssertEqual(try net.forward(x).shape, [3, 5])
        XCTAssertThrowsError(try ModelRegistry.build("cnn2d", input: .seed000, classes: 6).embed(ModelInput(x: x)))
    }

    func testDefaultListingReportsUnfitInputsPerModel() throws {
        let rows = ModelRegistry.listing(input: .seed000, classes: 6)
        XCTAssertEqual(rows.map(\.spec.name), ModelRegistry.names)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.spec.name, $0) })
        XCTAssertEqual(byName["cnn2d"]?.parameters, 7_109_990)
        // 9×9 is too small for seed 003's three 'valid' conv + pool units (needs 22×22).
        XCTAssertNil(byName["parcel-cnn"]?.parameters)
        XCTAssert(byName["parcel-cnn"]?.error?.contains("parcel-cnn") ?? false)
        XCTAssertNotNil(byName["gru-stats"]?.parameters)
        let tiny = ModelRegistry.listing(input: InputShape(t: 1, c: 1, h: 1, w: 1), classes: 2)
        XCTAssertEqual(tiny.count, ModelRegistry.all.count)
        XCTAssertNotNil(tiny.first { $0.spec.name == "cnn2d" }?.error)
        XCTAssertNotNil(tiny.first { $0.spec.name == "tempcnn" }?.parameters)
    }

    func testUserErrorsThrowClearly() throws {
        XCTAssertThrowsError(try ModelRegistry.build("nope", input: .seed000, classes: 6)) { e in
            XCTAssert("\(e)".contains("cnn2d"))
        }
        XCTAssertThrowsError(try ModelRegistry.build("cnn2d", input: .seed000, classes: 6, hyperparameters: ["filterz": "1"])) { e in
            XCTAssert("\(e)".contains("filterz"))
        }
        XCTAssertThrowsError(try ModelRegistry.build("cnn2d", input: .seed000, classes: 6, hyperparameters: ["dense": "a,b"]))
        XCTAssertThrowsError(try ModelRegistry.build("cnn2d", input: .seed000, classes: 6, hyperparameters: ["dropout": "1.5"]))
        XCTAssertThrowsError(try ModelRegistry.build("cnn-gru", input: InputShape(t: 2, c: 2, h: 32, w: 32), classes: 6,
                                                     hyperparameters: ["config": "5"]))
        XCTAssertThrowsError(try ModelRegistry.build("cnn3d", input: InputShape(t: 3, c: 9, h: 9, w: 9), classes: 6)) { e in
            XCTAssert("\(e)".contains("cnn3d") && "\(e)".contains("time"), "\(e)")
        }
        XCTAssertThrowsError(try InputShape(parsing: "12,9,9"))
        XCTAssertThrowsError(try InputShape(parsing: "12,0,9,9"))
        let net = try buildTiny("cnn2d")
        XCTAssertThrowsError(try net.forward(Tensor(zeros: [2, 4, 3, 8, 9]))) { e in
            XCTAssert("\(e)".contains("cnn2d") && "\(e)".contains("[2, 4, 3, 8, 9]"), "\(e)")
        }
        XCTAssertThrowsError(try buildTiny("gru-stats").forward(input: ModelInput(x: Tensor(zeros: [2, 4, 3, 9, 9]))))
    }
}

extension ArchitectureTests {
    /// A huge input is refused by the models whose dense layers grow with it, before allocating.
    func testHugeInputIsReportedNotAllocated() throws {
        let huge = InputShape(t: 100, c: 10, h: 128, w: 128)
        XCTAssertThrowsError(try ModelRegistry.build("cnn2d", input: huge, classes: 6)) { e in
            XCTAssert("\(e)".contains("too large"), "\(e)")
        }
        XCTAssertThrowsError(try ModelRegistry.build("lstm", input: InputShape(t: 2, c: 100, h: 1000, w: 1000), classes: 6))
    }
}
