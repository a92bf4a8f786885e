/// Inverted dropout: in training, zeroes each element with probability `rate` and
/// scales survivors by 1/(1−rate); identity in evaluation. Masks come from the
/// layer's own seeded generator, so runs repeat exactly.
public final class Dropout: Layer {
    public let rate: Float
    public private(set) var training = true
    private var rng: RNG
    private var mask: Tensor?, y: Tensor?, dx: Tensor?
    private var applied = false

    /// - Throws: ``NNError/invalidArgument`` unless 0 ≤ rate < 1.
    public init(_ rate: Float, rng: inout RNG) throws {
        guard rate >= 0, rate < 1 else { throw NNError.invalidArgument("dropout rate must be in [0, 1), got \(rate)") }
        self.rate = rate
        self.rng = rng.split()
    }

    public func setTraining(_ training: Bool) { self.training = training }

    /// Where the mask generator stands, so a resumed training draws the masks an
    /// uninterrupted one would.
    public var generatorState: [UInt64] {
        get { rng.state }
        set { if let g = RNG(state: newValue) { rng = g } }
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        applied = training && rate > 0
        guard applied else { return x }
        let mask = Tensor.reuse(self.mask, x.shape), y = Tensor.reuse(self.y, x.shape)
        let keep = 1 / (1 - rate), mp = mask.ptr, xp = x.ptr, yp = y.ptr
        for i in 0..<x.count {
            mp[i] = rng.uniform() < rate ? 0 : keep
            yp[i] = xp[i] * mp[i]
        }
        self.mask = mask
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard applied else { return dy }
        guard let mask else { preconditionFailure("Dropout.backward before forward") }
        let dx = Tensor.reuse(self.dx, mask.shape)
        let mp = mask.ptr, gp = dy.ptr, dp = dx.ptr
        for i in 0..<mask.count { dp[i] = gp[i] * mp[i] }
        self.dx = dx
        return dx
    }
}
