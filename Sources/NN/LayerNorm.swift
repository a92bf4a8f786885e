/// Layer normalisation over the last axis with a learned scale and shift
/// (Ba et al. 2016), as in a transformer encoder block.
public final class LayerNorm: Layer {
    public let features: Int
    public let epsilon: Float
    public let gamma: Parameter, beta: Parameter
    private var xhat: Tensor?, y: Tensor?, dx: Tensor?
    private var invStd: [Float] = []

    public init(_ features: Int, epsilon: Float = 1e-5) {
        self.features = features
        self.epsilon = epsilon
        gamma = Parameter(Tensor(repeating: 1, shape: [features]))
        beta = Parameter(Tensor(zeros: [features]))
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        let c = features
        guard x.rank >= 1, x.shape.last == c else {
            throw NNError.shapeMismatch(what: "LayerNorm(\(c)) input", expected: [-1, c], actual: x.shape)
        }
        let rows = x.count / c
        let xhat = Tensor.reuse(self.xhat, x.shape), y = Tensor.reuse(self.y, x.shape)
        if invStd.count < rows { invStd = [Float](repeating: 0, count: rows) }
        let xp = x.ptr, hp = xhat.ptr, yp = y.ptr, g = gamma.value.ptr, b = beta.value.ptr
        invStd.withUnsafeMutableBufferPointer { inv in
            for r in 0..<rows {
                let o = r * c
                var s: Float = 0
                for j in 0..<c { s += xp[o + j] }
                let mu = s / Float(c)
                var v: Float = 0
                for j in 0..<c { let d = xp[o + j] - mu; v += d * d }
                let iv = 1 / (v / Float(c) + epsilon).squareRoot()
                inv[r] = iv
                for j in 0..<c { let h = (xp[o + j] - mu) * iv; hp[o + j] = h; yp[o + j] = g[j] * h + b[j] }
            }
        }
        self.xhat = xhat
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat else { preconditionFailure("LayerNorm.backward before forward") }
        let c = features, rows = xhat.count / c
        let dx = Tensor.reuse(self.dx, xhat.shape)
        let hp = xhat.ptr, gp = dy.ptr, dxp = dx.ptr, gam = gamma.value.ptr, dg = gamma.grad.ptr, db = beta.grad.ptr
        invStd.withUnsafeBufferPointer { inv in
            for r in 0..<rows {
                let o = r * c
                var s1: Float = 0, s2: Float = 0
                for j in 0..<c {
                    let g = gp[o + j] * gam[j]
                    s1 += g; s2 += g * hp[o + j]
                    dg[j] += gp[o + j] * hp[o + j]; db[j] += gp[o + j]
                }
                let m1 = s1 / Float(c), m2 = s2 / Float(c)
                for j in 0..<c { dxp[o + j] = inv[r] * (gp[o + j] * gam[j] - m1 - hp[o + j] * m2) }
            }
        }
        self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] { [("gamma", gamma), ("beta", beta)] }
}
