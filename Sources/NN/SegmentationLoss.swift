/// The joint segmentation loss of seed 004 eq. 2 (after Iglovikov et al. 2017):
///
///     L = α·H − (1 − α)·log J
///
/// on logits z and binary targets t of the same shape (e.g. (N, H, W, 1) for a road
/// mask): p = σ(z); H is the mean binary cross-entropy (``BinaryCrossEntropyLoss``
/// from logits) and J the soft Jaccard index of p and t over the whole batch
/// (``SoftJaccardLoss``). The gradient is with respect to the logits:
/// α·∂H/∂z + (1 − α)·∂(−log J)/∂p · p(1 − p).
/// Seed 004 leaves α to tuning; the default 0.5 weighs both terms equally (a choice).
public struct SegmentationLoss {
    public let alpha: Float
    public let smooth: Float
    private let crossEntropy = BinaryCrossEntropyLoss(fromLogits: true)

    /// - Throws: when α is outside [0, 1] or the smoothing term is negative.
    public init(alpha: Float = 0.5, smooth: Float = 1e-7) throws {
        guard alpha >= 0, alpha <= 1 else { throw NNError.invalidArgument("segmentation loss α must be in [0, 1], got \(alpha)") }
        guard smooth >= 0, smooth.isFinite else { throw NNError.invalidArgument("soft Jaccard smoothing must be ≥ 0, got \(smooth)") }
        self.alpha = alpha
        self.smooth = smooth
    }

    /// - Throws: when the targets' shape differs from the logits'.
    public func callAsFunction(logits: Tensor, targets: Tensor) throws -> LossResult {
        guard logits.shape == targets.shape else {
            throw NNError.shapeMismatch(what: "SegmentationLoss targets", expected: logits.shape, actual: targets.shape)
        }
        let h = try crossEntropy(logits, targets: targets)
        let p = Tensor(zeros: logits.shape)
        for i in 0..<logits.count { p.ptr[i] = _sigmoid(logits.ptr[i]) }
        let j = try SoftJaccardLoss(smooth: smooth)(p, targets: targets)
        let grad = h.grad  // a fresh tensor owned by this call: combine in place
        let a = alpha, b = 1 - alpha
        for i in 0..<grad.count {
            let pi = p.ptr[i]
            grad.ptr[i] = a * grad.ptr[i] + b * j.grad.ptr[i] * pi * (1 - pi)
        }
        return LossResult(loss: a * h.loss + b * j.loss, grad: grad)
    }
}

/// One step of segmentation training with ``SegmentationLoss``: zero gradients,
/// forward, loss against the 0/1 `targets` (same shape as the logits), backward,
/// optional clipping by global norm, optimizer update. The counterpart of
/// ``classificationStep(_:_:input:labels:loss:clipNorm:)`` for seed 004.
/// - Returns: the loss before the update.
@discardableResult
public func segmentationStep(_ model: Layer, _ optimizer: Optimizer, input: Tensor, targets: Tensor,
                             alpha: Float = 0.5, clipNorm: Float? = nil) throws -> Float {
    let loss = try SegmentationLoss(alpha: alpha)
    return try optimizationStep(model, optimizer, input: input, clipNorm: clipNorm) { try loss(logits: $0, targets: targets) }
}
