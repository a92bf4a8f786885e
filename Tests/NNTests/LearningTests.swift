import XCTest
@testable import NN

/// End-to-end checks that the pieces train: the route is independent of the
/// gradient checks (a wrong sign or a lost term shows up as a model that does not learn).
final class LearningTests: XCTestCase {
    func testMLPLearnsXOR() throws {
        var rng = RNG(seed: 1)
        let model = Sequential([Linear(2, 8, rng: &rng), Activation(.tanh), Linear(8, 2, rng: &rng)])
        let opt = Adam(ParameterStore(model), learningRate: 0.05)
        let x = try Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = [0, 1, 1, 0]
        var loss: Float = 0
        for _ in 0..<300 { loss = try classificationStep(model, opt, input: x, labels: y) }
        XCTAssertLessThan(loss, 0.05)
        XCTAssertEqual(try model.forward(x).argmaxRows(), y)
    }

    /// A small CNN (conv, BN, ReLU, max-pool, dense) overfits 64 random samples.
    func testSmallCNNOverfits64Samples() throws {
        var rng = RNG(seed: 2)
        let model = Sequential([
            try Conv2D(2, 8, kernel: (3, 3), rng: &rng), BatchNorm(8), Activation(.relu), try MaxPool2D(),
            try Conv2D(8, 8, kernel: (3, 3), rng: &rng), Activation(.relu), Flatten(), Linear(8 * 3 * 3, 4, rng: &rng),
        ])
        let x = randomTensor([64, 6, 6, 2], seed: 3)
        var lr = RNG(seed: 4)
        let y = (0..<64).map { _ in Int(lr.next() % 4) }
        let opt = Adam(ParameterStore(model), learningRate: 0.01)
        for _ in 0..<150 { try classificationStep(model, opt, input: x, labels: y) }
        model.setTraining(false)
        let acc = zip(try model.forward(x).argmaxRows(), y).filter { $0 == $1 }.count
        XCTAssertEqual(acc, 64)
    }

    /// Same seed and thread count ⇒ bit-identical weights after training with
    /// dropout, batch norm and SGD.
    func testTrainingIsDeterministic() throws {
        func train() throws -> [Float] {
            var rng = RNG(seed: 10)
            let model = Sequential([
                try Conv2D(3, 4, kernel: (3, 3), rng: &rng), BatchNorm(4), Activation(.relu), try Dropout(0.3, rng: &rng),
                Flatten(), Linear(4 * 5 * 5, 3, rng: &rng),
            ])
            let store = ParameterStore(model)
            let opt = SGD(store, learningRate: 0.05, momentum: 0.9, decay: 1e-3)
            let x = randomTensor([32, 5, 5, 3], seed: 11)
            let y = (0..<32).map { $0 % 3 }
            for _ in 0..<10 { try classificationStep(model, opt, input: x, labels: y) }
            return store.flatValues.scalars
        }
        let a = try train(), b = try train()
        XCTAssertEqual(a, b)
    }
}
