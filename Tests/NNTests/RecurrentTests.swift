import XCTest
@testable import NN

/// Gradient checks, a reference step and learning checks for LSTM, GRU,
/// multi-head self-attention and the transformer block.
final class RecurrentTests: XCTestCase {
    func testLSTMGradients() throws {
        var rng = RNG(seed: 1)
        try gradCheck(LSTM(3, units: 4, returnSequences: true, rng: &rng), randomTensor([2, 5, 3], seed: 2))
        try gradCheck(LSTM(3, units: 4, returnSequences: false, rng: &rng), randomTensor([3, 4, 3], seed: 3))
    }

    func testGRUGradients() throws {
        var rng = RNG(seed: 4)
        let g = GRU(3, units: 4, returnSequences: true, rng: &rng)
        g.inputBias.value.assignScalars((0..<12).map { Float($0) * 0.05 - 0.3 })
        g.recurrentBias.value.assignScalars((0..<12).map { 0.2 - Float($0) * 0.03 })
        try gradCheck(g, randomTensor([2, 5, 3], seed: 5))
        try gradCheck(GRU(3, units: 4, returnSequences: false, rng: &rng), randomTensor([3, 4, 3], seed: 6))
    }

    /// One LSTM step written out from Ienco eqs. 1–6 with scalar loops.
    func testLSTMMatchesEquations() throws {
        var rng = RNG(seed: 7)
        let l = LSTM(2, units: 3, returnSequences: true, rng: &rng)
        XCTAssertEqual(l.bias.value.scalars, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])  // forget-gate bias 1
        l.bias.value.assignScalars((0..<12).map { Float($0) * 0.1 - 0.5 })
        let x = randomTensor([1, 2, 2], seed: 8)
        let y = try l.forward(x)
        var h = [Float](repeating: 0, count: 3), c = h
        func sig(_ v: Float) -> Float { 1 / (1 + expf(-v)) }
        for t in 0..<2 {
            var z = [Float](repeating: 0, count: 12)
            for g in 0..<12 {
                z[g] = l.bias.value[g]
                for f in 0..<2 { z[g] += x[0, t, f] * l.kernel.value[f, g] }
                for u in 0..<3 { z[g] += h[u] * l.recurrentKernel.value[u, g] }
            }
            for u in 0..<3 {
                let i = sig(z[u]), f = sig(z[3 + u]), yc = tanhf(z[6 + u]), o = sig(z[9 + u])
                c[u] = i * yc + f * c[u]
                h[u] = o * tanhf(c[u])
                XCTAssertEqual(y[0, t, u], h[u], accuracy: 1e-5)
            }
        }
    }

    /// Two GRU steps written out from the reset-after equations with scalar loops.
    func testGRUMatchesEquations() throws {
        var rng = RNG(seed: 15)
        let l = GRU(2, units: 3, returnSequences: true, rng: &rng)
        l.inputBias.value.assignScalars((0..<9).map { Float($0) * 0.1 - 0.4 })
        l.recurrentBias.value.assignScalars((0..<9).map { 0.3 - Float($0) * 0.07 })
        let x = randomTensor([1, 2, 2], seed: 16)
        let y = try l.forward(x)
        var h = [Float](repeating: 0, count: 3)
        func sig(_ v: Float) -> Float { 1 / (1 + expf(-v)) }
        for t in 0..<2 {
            var xz = [Float](repeating: 0, count: 9), hz = xz
            for g in 0..<9 {
                xz[g] = l.inputBias.value[g]
                hz[g] = l.recurrentBias.value[g]
                for f in 0..<2 { xz[g] += x[0, t, f] * l.kernel.value[f, g] }
                for u in 0..<3 { hz[g] += h[u] * l.recurrentKernel.value[u, g] }
            }
            var next = h
            for u in 0..<3 {
                let z = sig(xz[u] + hz[u]), r = sig(xz[3 + u] + hz[3 + u])
                let n = tanhf(xz[6 + u] + r * hz[6 + u])
                next[u] = z * h[u] + (1 - z) * n
                XCTAssertEqual(y[0, t, u], next[u], accuracy: 1e-5)
            }
            h = next
        }
    }

    func testAttentionGradients() throws {
        var rng = RNG(seed: 9)
        try gradCheck(try MultiHeadSelfAttention(modelDim: 4, heads: 2, rng: &rng), randomTensor([2, 3, 4], seed: 10))
        try gradCheck(try MultiHeadSelfAttention(modelDim: 3, heads: 2, keyDim: 3, rng: &rng), randomTensor([1, 4, 3], seed: 11))
        let block = try TransformerEncoderBlock(modelDim: 4, heads: 2, ffDim: 6, dropout: 0, rng: &rng)
        try gradCheck(block, randomTensor([2, 3, 4], seed: 12), rtol: 3e-2, atol: 5e-3)
    }

    /// Attention against a direct evaluation of softmax(QKᵀ/√d)V for one head.
    func testAttentionMatchesFormula() throws {
        var rng = RNG(seed: 13)
        let m = try MultiHeadSelfAttention(modelDim: 2, heads: 1, keyDim: 2, rng: &rng)
        for l in [m.query, m.key, m.value, m.output] { l.bias?.value.assignScalars([0.1, -0.2]) }
        let x = randomTensor([1, 3, 2], seed: 14)
        let y = try m.forward(x)
        func proj(_ l: Linear, _ t: Int) -> [Float] {
            (0..<2).map { o in l.bias!.value[o] + x[0, t, 0] * l.weight.value[0, o] + x[0, t, 1] * l.weight.value[1, o] }
        }
        for i in 0..<3 {
            let q = proj(m.query, i)
            let s = (0..<3).map { j -> Float in let k = proj(m.key, j); return (q[0] * k[0] + q[1] * k[1]) / Float(2).squareRoot() }
            let e = s.map { expf($0) }, z = e.reduce(0, +)
            var o: [Float] = [0, 0]
            for j in 0..<3 { let v = proj(m.value, j); o[0] += e[j] / z * v[0]; o[1] += e[j] / z * v[1] }
            for d in 0..<2 {
                let want = m.output.bias!.value[d] + o[0] * m.output.weight.value[0, d] + o[1] * m.output.weight.value[1, d]
                XCTAssertEqual(y[0, i, d], want, accuracy: 1e-5)
            }
        }
    }

    /// "Which of two tokens came first": sequences of length 8 with one A and one
    /// B at distinct positions, label 1 when A precedes B. All 56 orderings,
    /// features (isA, isB, t/8).
    private func orderTask() throws -> (Tensor, [Int]) {
        var xs: [Float] = [], ys: [Int] = []
        for a in 0..<8 { for b in 0..<8 where a != b {
            for t in 0..<8 { xs += [t == a ? 1 : 0, t == b ? 1 : 0, Float(t) / 8] }
            ys.append(a < b ? 1 : 0)
        } }
        return (try Tensor(shape: [56, 8, 3], scalars: xs), ys)
    }

    private func learnOrder(_ model: Layer, lr: Float, steps: Int) throws -> Int {
        let (x, y) = try orderTask()
        let opt = Adam(ParameterStore(model), learningRate: lr)
        for _ in 0..<steps { try classificationStep(model, opt, input: x, labels: y) }
        model.setTraining(false)
        return zip(try model.forward(x).argmaxRows(), y).filter { $0 == $1 }.count
    }

    func testLSTMLearnsOrder() throws {
        var rng = RNG(seed: 20)
        let m = Sequential([LSTM(3, units: 16, rng: &rng), Linear(16, 2, rng: &rng)])
        XCTAssertEqual(try learnOrder(m, lr: 0.02, steps: 200), 56)
    }

    func testGRULearnsOrder() throws {
        var rng = RNG(seed: 21)
        let m = Sequential([GRU(3, units: 16, rng: &rng), Linear(16, 2, rng: &rng)])
        XCTAssertEqual(try learnOrder(m, lr: 0.02, steps: 200), 56)
    }

    func testTransformerLearnsOrder() throws {
        var rng = RNG(seed: 22)
        let m = Sequential([
            Linear(3, 16, rng: &rng),
            try TransformerEncoderBlock(modelDim: 16, heads: 2, ffDim: 32, dropout: 0.1, rng: &rng),
            GlobalPool(.average), Linear(16, 2, rng: &rng),
        ])
        XCTAssertEqual(try learnOrder(m, lr: 0.01, steps: 300), 56)
    }
}
