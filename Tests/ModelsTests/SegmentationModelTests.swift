import XCTest
import NN
@testable import Models

/// seed 004's unet-convlstm and seed 003's parcel-convlstm: shapes, parameter counts
/// worked out by hand, and learning with the segmentation loss.
final class SegmentationModelTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    /// Parameter count at the tiny config, by hand. Conv (9·cin + 1)·cout, BN 2·c:
    /// down0: 3→4 112 + 8, 4→4 148 + 8; down1: 4→8 296 + 16, 8→8 584 + 16   = 1,188
    /// up0: ConvT 2·2·8·4 + 4 = 132; dec0: 8→4 292 + 8                       =   432
    /// pmap: 1×1 4→3 15                                                      =    15
    /// ConvLSTM (9·(cin + r) + 1)·4r + 3r peepholes: 3→8 (99·32 + 32 + 24) = 3,224;
    ///   8→8 (144·32 + 32 + 24) = 4,664                                    = 7,888
    /// output 1×1 8→K=1: 9                                                   = 9,532
    func testUNetConvLSTMShapesAndCount() throws {
        let net = try ModelRegistry.build("unet-convlstm", input: tinyTile, classes: 1,
                                          hyperparameters: ["filters": "4,8", "pmap": "3", "lstm": "8,8"])
        XCTAssertEqual(net.parameterCount, 9_532)
        let x = Tensor(repeating: 0.2, shape: [2, 3, 3, 8, 8])
        XCTAssertEqual(try net.forward(x).shape, [2, 8, 8, 1])
        XCTAssertEqual(net.outputShape(batch: 2), [2, 8, 8, 1])
        // A segments dataset's two classes (background, road) give the same single sigmoid map.
        let binary = try ModelRegistry.build("unet-convlstm", input: tinyTile, classes: 2,
                                             hyperparameters: ["filters": "4,8", "pmap": "3", "lstm": "8,8"])
        XCTAssertEqual(binary.parameterCount, 9_532)
        XCTAssertEqual(try binary.forward(x).shape, [2, 8, 8, 1])
        XCTAssertEqual(binary.outputShape(batch: 2), [2, 8, 8, 1])
        // 8 is not a multiple of 2^4 = 16 with five levels
        XCTAssertThrowsError(try ModelRegistry.build("unet-convlstm", input: tinyTile, classes: 1,
                                                     hyperparameters: ["filters": "4,8,8,8,8"])) { e in
            XCTAssert("\(e)".contains("unet-convlstm") && "\(e)".contains("multiple of 16"), "\(e)")
        }
    }

    /// Default U-Net (32..512) at 3 dates × 3 bands (TCI) × 64×64, K = 1, by hand:
    /// down (9·cin+1)·c + 2c per conv: 3→32 960; 32→32 9,312; 32→64 18,624; 64→64 37,056;
    ///   64→128 74,112; 128→128 147,840; 128→256 295,680; 256→256 590,592;
    ///   256→512 1,181,184; 512→512 2,360,832                           = 4,716,192
    /// up ConvT 4·cin·cout + cout: 512→256 524,544; 256→128 131,200; 128→64 32,832;
    ///   64→32 8,224                                                        =   696,800
    /// dec (9·2c + 1)·c + 2c: 256: 1,180,416; 128: 295,296; 64: 73,920; 32: 18,528 = 1,568,160
    /// pmap 32→2 66; ConvLSTM 2→32: (9·34+1)·128 + 96 = 39,392; 32→32: (9·64+1)·128 + 96 = 73,952;
    /// output 33                                                         → 7,094,595
    func testUNetConvLSTMDefaultCount() throws {
        let net = try ModelRegistry.build("unet-convlstm", input: InputShape(t: 3, c: 3, h: 64, w: 64), classes: 1)
        XCTAssertEqual(net.parameterCount, 7_094_595)
        XCTAssertEqual(net.info["levels"], 5)
    }

    /// Seed 003 Table 1 input (24 × 10 × 32×32, K = 19): 85,451 (see ParcelConvLSTM.swift).
    func testParcelConvLSTMBudget() throws {
        let net = try ModelRegistry.build("parcel-convlstm", input: InputShape(t: 24, c: 10, h: 32, w: 32), classes: 19)
        XCTAssertEqual(net.parameterCount, 43_320 + 24_320 + 17_811)
        XCTAssert((85_000...95_500).contains(net.parameterCount))
        let small = try buildTiny("parcel-convlstm")
        XCTAssertEqual(try small.forward(Tensor(repeating: 0.1, shape: [2, 4, 3, 9, 9])).shape, [2, tinyClasses])
    }

    /// What `sitscube models --input 3,3,64,64 --classes 2 --json` prints comes from this listing.
    /// parcel-convlstm by hand: ConvLSTM 3→30 (3×3) 9·33·120 + 120 = 35,760; 30→64 (1×1)
    /// 94·256 + 256 = 24,320; MLP 64·128+128 + 128·64+64 + 64·2+2 = 16,706 → 76,786.
    func testListingCountsBothModels() {
        let rows = ModelRegistry.listing(input: InputShape(t: 3, c: 3, h: 64, w: 64), classes: 2)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.spec.name, $0) })
        XCTAssertEqual(byName["unet-convlstm"]?.parameters, 7_094_595)
        XCTAssertEqual(byName["parcel-convlstm"]?.parameters, 76_786)
        XCTAssertEqual(byName["unet-convlstm"]?.spec.task, .segmentation)
    }

    /// A tile batch whose road mask is where band 0 of the first date is positive, so the
    /// mask is learnable from the input.
    func roadBatch(n: Int, seed: UInt64) throws -> (x: Tensor, targets: Tensor) {
        var rng = RNG(seed: seed)
        let s = tinyTile
        var xs = [Float](repeating: 0, count: n * s.t * s.c * s.h * s.w)
        var ts = [Float](repeating: 0, count: n * s.h * s.w)
        for b in 0..<n {
            for p in 0..<(s.h * s.w) {
                let road = rng.uniform(0, 1) < 0.3
                ts[b * s.h * s.w + p] = road ? 1 : 0
                for t in 0..<s.t { for c in 0..<s.c {
                    let i = (((b * s.t + t) * s.c + c) * s.h * s.w) + p
                    xs[i] = (road && c == 0 ? 1.5 : -0.5) + 0.3 * Float(rng.normal())
                } }
            }
        }
        return (try Tensor(shape: [n, s.t, s.c, s.h, s.w], scalars: xs), try Tensor(shape: [n, s.h, s.w, 1], scalars: ts))
    }

    /// Forward/backward, one step lowers the loss, and 32 tiles are learned (pixel accuracy).
    func testUNetConvLSTMLearnsARoadMask() throws {
        let net = try ModelRegistry.build("unet-convlstm", input: tinyTile, classes: 1,
                                          hyperparameters: ["filters": "4,8", "pmap": "2", "lstm": "8,8"], seed: 2)
        let (x, t) = try roadBatch(n: 32, seed: 9)
        let loss = try SegmentationLoss(alpha: 0.5)
        let opt = Adam(ParameterStore(net), learningRate: 0.01)
        let before = try loss(logits: try net.forward(x), targets: t).loss
        let dx = net.backward(try loss(logits: try net.forward(x), targets: t).grad)
        XCTAssertEqual(dx.shape, x.shape)
        try segmentationStep(net, opt, input: x, targets: t)
        XCTAssertLessThan(try loss(logits: try net.forward(x), targets: t).loss, before)
        var last = before
        for _ in 0..<60 { last = try segmentationStep(net, opt, input: x, targets: t) }
        net.setTraining(false)
        let z = try net.forward(x)
        var right = 0
        for i in 0..<z.count where (z[flat: i] > 0) == (t[flat: i] > 0.5) { right += 1 }
        let acc = Double(right) / Double(z.count)
        print("unet-convlstm: loss \(before) → \(last), pixel accuracy \(acc)")
        XCTAssertLessThan(last, 0.5 * before)
        XCTAssertGreaterThanOrEqual(acc, 0.95)
    }
}
