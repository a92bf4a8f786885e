/// A loss value and its gradient with respect to the loss's input.
public struct LossResult {
    public let loss: Float
    public let grad: Tensor
}

/// Softmax cross-entropy from logits, with optional class weights.
///
/// logits (…, C), one integer label per row. With weights w, the loss is
/// Σᵢ w_{yᵢ}·CEᵢ divided by N (`.batch`, Keras `class_weight`) or by Σᵢ w_{yᵢ}
/// (`.weightSum`, PyTorch `CrossEntropyLoss(weight:)`).
public struct CrossEntropyLoss {
    public enum Normalization { case batch, weightSum }
    public var classWeights: [Float]?
    public var normalization: Normalization

    public init(classWeights: [Float]? = nil, normalization: Normalization = .batch) {
        self.classWeights = classWeights
        self.normalization = normalization
    }

    /// - Throws: when the label count or a label value does not fit the logits.
    public func callAsFunction(logits: Tensor, labels: [Int]) throws -> LossResult {
        guard let c = logits.shape.last, c > 0, logits.count / c == labels.count else {
            throw NNError.shapeMismatch(what: "CrossEntropyLoss logits for \(labels.count) labels", expected: [labels.count, -1], actual: logits.shape)
        }
        if let w = classWeights, w.count != c {
            throw NNError.shapeMismatch(what: "CrossEntropyLoss class weights", expected: [c], actual: [w.count])
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= c }) {
            throw NNError.invalidArgument("label \(bad) outside 0..<\(c)")
        }
        let n = labels.count
        let grad = Tensor(zeros: logits.shape)
        softmaxRows(logits.ptr, grad.ptr, rows: n, cols: c)
        var total = 0.0, wsum = 0.0
        let gp = grad.ptr, xp = logits.ptr
        for i in 0..<n {
            let y = labels[i], w = Double(classWeights?[y] ?? 1)
            let row = xp + i * c
            var m = -Float.infinity
            for j in 0..<c { m = Swift.max(m, row[j]) }
            var s = 0.0
            for j in 0..<c { s += Double(_exp(row[j] - m)) }
            total += w * (_log(s) + Double(m) - Double(row[y]))
            wsum += w
        }
        let denom = normalization == .batch ? Double(n) : wsum
        for i in 0..<n {
            let y = labels[i], w = Float(Double(classWeights?[y] ?? 1) / denom)
            let g = gp + i * c
            g[y] -= 1
            for j in 0..<c { g[j] *= w }
        }
        return LossResult(loss: Float(total / denom), grad: grad)
    }
}

/// Binary cross-entropy, mean over all elements; targets in [0, 1], same shape.
/// `fromLogits` uses the stable form max(z,0) − z·t + log(1+e^{−|z|}); otherwise
/// probabilities are clipped to [ε, 1−ε] with ε = 1e-7 as Keras does.
public struct BinaryCrossEntropyLoss {
    public var fromLogits: Bool
    public init(fromLogits: Bool = true) { self.fromLogits = fromLogits }

    public func callAsFunction(_ input: Tensor, targets: Tensor) throws -> LossResult {
        guard input.shape == targets.shape else {
            throw NNError.shapeMismatch(what: "BinaryCrossEntropyLoss targets", expected: input.shape, actual: targets.shape)
        }
        let n = input.count
        let grad = Tensor(zeros: input.shape)
        let x = input.ptr, t = targets.ptr, g = grad.ptr
        var total = 0.0
        let invN = 1 / Float(n)
        if fromLogits {
            for i in 0..<n {
                let z = x[i]
                total += Double(Swift.max(z, 0) - z * t[i] + _logf(1 + _exp(-abs(z))))
                g[i] = (_sigmoid(z) - t[i]) * invN
            }
        } else {
            let eps: Float = 1e-7
            for i in 0..<n {
                let p = Swift.min(Swift.max(x[i], eps), 1 - eps)
                total -= Double(t[i] * _logf(p) + (1 - t[i]) * _logf(1 - p))
                g[i] = (p - t[i]) / (p * (1 - p)) * invN
            }
        }
        return LossResult(loss: Float(total / Double(n)), grad: grad)
    }
}

/// −log of the soft Jaccard index (IoU) of probabilities p and targets t over the
/// whole batch: J = (Σpt + ε) / (Σp + Σt − Σpt + ε). Seed 004 eq. 2 combines it
/// with cross-entropy as L = αH − (1−α)·log J.
public struct SoftJaccardLoss {
    public var smooth: Float
    public init(smooth: Float = 1e-7) { self.smooth = smooth }

    public func callAsFunction(_ probabilities: Tensor, targets: Tensor) throws -> LossResult {
        guard probabilities.shape == targets.shape else {
            throw NNError.shapeMismatch(what: "SoftJaccardLoss targets", expected: probabilities.shape, actual: targets.shape)
        }
        let n = probabilities.count, p = probabilities.ptr, t = targets.ptr
        var inter = 0.0, sp = 0.0, st = 0.0
        for i in 0..<n { inter += Double(p[i] * t[i]); sp += Double(p[i]); st += Double(t[i]) }
        let e = Double(smooth)
        let i1 = inter + e, u1 = sp + st - inter + e
        let grad = Tensor(zeros: probabilities.shape)
        let g = grad.ptr
        // ∂(−log J)/∂pᵢ = −tᵢ/(I+ε) + (1−tᵢ)/(U+ε)
        for k in 0..<n { g[k] = Float(-Double(t[k]) / i1 + (1 - Double(t[k])) / u1) }
        return LossResult(loss: Float(-_log(i1 / u1)), grad: grad)
    }
}
