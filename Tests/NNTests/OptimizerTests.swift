import XCTest
@testable import NN

/// A layer holding one parameter vector: the variable of a test quadratic.
private final class Holder: Layer {
    let p: Parameter
    init(_ v: [Float]) throws { p = Parameter(try Tensor(shape: [v.count], scalars: v)) }
    func forward(_ x: Tensor) throws -> Tensor { x }
    func backward(_ dy: Tensor) -> Tensor { dy }
    var namedParameters: [(String, Parameter)] { [("p", p)] }
}

/// L(p) = ½(p₀² + 3p₁²) from p = (1, −2): ∇L = (p₀, 3p₁). Expected values were
/// computed by hand from each optimizer's documented update (checked in numpy).
final class OptimizerTests: XCTestCase {
    private func run(_ make: (ParameterStore) -> Optimizer, steps: Int) throws -> [Float] {
        let h = try Holder([1, -2])
        let store = ParameterStore(h)
        let opt = make(store)
        for _ in 0..<steps {
            store.zeroGrad()
            let v = h.p.value
            h.p.grad[flat: 0] += v[flat: 0]
            h.p.grad[flat: 1] += 3 * v[flat: 1]
            opt.step()
        }
        return h.p.value.scalars
    }

    func testSGD() throws {
        // step 1: v = −0.1·(1, −6) = (−0.1, 0.6), p = (0.9, −1.4)
        assertClose(try run({ SGD($0, learningRate: 0.1) }, steps: 1), [0.9, -1.4], tol: 1e-6)
        // momentum 0.9, decay 0.01: step 2 uses lr 0.1/1.01
        assertClose(try run({ SGD($0, learningRate: 0.1, momentum: 0.9, decay: 0.01) }, steps: 2), [0.72089109, -0.44415842], tol: 1e-6)
        // Nesterov step 1: p + 0.9·v − 0.1·g = (0.81, −0.86)
        assertClose(try run({ SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true, decay: 0.01) }, steps: 1), [0.81, -0.86], tol: 1e-6)
        assertClose(try run({ SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true, decay: 0.01) }, steps: 2), [0.57662376, 0.11134653], tol: 1e-6)
    }

    func testAdamAndAdamW() throws {
        // Adam's first step moves each coordinate by lr against the gradient's sign.
        assertClose(try run({ Adam($0, learningRate: 0.1) }, steps: 1), [0.9, -1.9], tol: 1e-6)
        assertClose(try run({ Adam($0, learningRate: 0.1) }, steps: 2), [0.80041223, -1.80016649], tol: 1e-6)
        // AdamW: p·(1 − 0.1·0.1) first, then the Adam step: (0.89, −1.88).
        assertClose(try run({ Adam($0, learningRate: 0.1, weightDecay: 0.1) }, steps: 1), [0.89, -1.88], tol: 1e-6)
        assertClose(try run({ Adam($0, learningRate: 0.1, weightDecay: 0.1) }, steps: 2), [0.78157186, -1.76140895], tol: 1e-6)
    }

    func testRMSprop() throws {
        // a = 0.1·g² = (0.1, 3.6); p −= 0.01·g/√a = (1 − 0.0316228, −2 + 0.0316228)
        assertClose(try run({ RMSprop($0, learningRate: 0.01) }, steps: 1), [0.9683772, -1.9683772], tol: 1e-6)
        assertClose(try run({ RMSprop($0, learningRate: 0.01, decay: 0.5) }, steps: 2), [0.95331777, -1.95319883], tol: 1e-6)
    }

    func testClipByGlobalNorm() throws {
        let h = try Holder([0, 0])
        let store = ParameterStore(h)
        h.p.grad[flat: 0] = 3; h.p.grad[flat: 1] = 4
        XCTAssertEqual(store.clipGradNorm(1), 5, accuracy: 1e-6)
        assertClose(h.p.grad.scalars, [0.6, 0.8], tol: 1e-5)
        store.clipGradNorm(10)  // below the limit: unchanged
        assertClose(h.p.grad.scalars, [0.6, 0.8], tol: 1e-5)
    }

    func testStorePacksParametersIntoOneBuffer() throws {
        var rng = RNG(seed: 1)
        let model = Sequential([Linear(3, 4, rng: &rng), BatchNorm(4), Linear(4, 2, rng: &rng)])
        let before = model.parameters.map(\.value.scalars)
        let store = ParameterStore(model)
        XCTAssertEqual(store.count, 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2)
        XCTAssertEqual(model.parameters.map(\.value.scalars), before)  // values survive packing
        // Writing the flat buffer is seen by the layers: one layout.
        store.flatValues[flat: 0] = 42
        XCTAssertEqual((model.layers[0] as? Linear)?.weight.value[flat: 0], 42)
        XCTAssertEqual(store.named.map(\.name).filter { $0.contains("running") }, ["1.running_mean", "1.running_var"])
    }
}
