/// Small helpers shared by training loops: batching and one optimisation step.
extension Tensor {
    /// Rows `indices` of the leading axis, copied into `into` when it is large enough
    /// (mini-batch assembly without fresh allocations).
    public func gatherRows(_ indices: [Int], into out: Tensor? = nil) throws -> Tensor {
        guard rank >= 1 else { throw NNError.shapeMismatch(what: "gatherRows", expected: [-1], actual: shape) }
        let per = count / Swift.max(shape[0], 1)
        if let bad = indices.first(where: { $0 < 0 || $0 >= shape[0] }) {
            throw NNError.invalidArgument("row \(bad) outside 0..<\(shape[0])")
        }
        let y = Tensor.reuse(out, [indices.count] + shape.dropFirst())
        for (i, r) in indices.enumerated() { (y.ptr + i * per).update(from: ptr + r * per, count: per) }
        return y
    }

    /// Index of the largest element of each row of a (…, C) tensor.
    public func argmaxRows() -> [Int] {
        guard let c = shape.last, c > 0 else { return [] }
        return (0..<(count / c)).map { r in
            var best = 0
            for j in 1..<c where ptr[r * c + j] > ptr[r * c + best] { best = j }
            return best
        }
    }
}

/// One step of supervised classification: zero gradients, forward, softmax
/// cross-entropy, backward, optional clipping by global norm, optimizer update.
/// - Returns: the loss before the update.
@discardableResult
public func classificationStep(_ model: Layer, _ optimizer: Optimizer, input: Tensor, labels: [Int],
                               loss: CrossEntropyLoss = CrossEntropyLoss(), clipNorm: Float? = nil) throws -> Float {
    try optimizationStep(model, optimizer, input: input, clipNorm: clipNorm) { try loss(logits: $0, labels: labels) }
}

/// One step with any loss of the logits: zero gradients, forward, `loss`, backward, optional
/// clipping by global norm, optimizer update.
/// - Returns: the loss before the update.
@discardableResult
public func optimizationStep(_ model: Layer, _ optimizer: Optimizer, input: Tensor, clipNorm: Float? = nil,
                             loss: (Tensor) throws -> LossResult) throws -> Float {
    optimizer.store.zeroGrad()
    let l = try loss(try model.forward(input))
    _ = model.backward(l.grad)
    if let c = clipNorm { optimizer.store.clipGradNorm(c) }
    optimizer.step()
    return l.loss
}
