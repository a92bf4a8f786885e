import Foundation
import NN

/// Softmax cross-entropy over the labeled pixels of segmentation logits (N, H, W, K): seed 002
/// §2.2.2 trains the fully convolutional `cnn2d-stack` "through the mask", on the pixels whose
/// class is known. Every labeled pixel of sample i carries the sample's label; the loss is
/// the mean over all labeled pixels of the batch (weighted by class weights when given), and
/// unlabeled pixels get zero gradient.
struct MaskedPixelCrossEntropy {
    var classWeights: [Float]?

    /// The loss and ∂loss/∂logits.
    func callAsFunction(logits: Tensor, labels: [Int], pixels: [[Int]]) throws -> (loss: Float, grad: Tensor) {
        guard logits.rank == 4, logits.shape[0] == labels.count, labels.count == pixels.count else {
            throw NNError.shapeMismatch(what: "masked pixel cross-entropy logits", expected: [labels.count, -1, -1, -1], actual: logits.shape)
        }
        let k = logits.shape[3], hw = logits.shape[1] * logits.shape[2]
        let grad = Tensor(zeros: logits.shape)
        var total = 0.0, weightSum = 0.0
        var probabilities = [Double](repeating: 0, count: k)
        try logits.withUnsafeMutableBufferPointer { x in
            try grad.withUnsafeMutableBufferPointer { g in
                for (i, label) in labels.enumerated() {
                    guard label >= 0, label < k else { throw NNError.invalidArgument("label \(label) outside 0..<\(k)") }
                    let w = Double(classWeights?[label] ?? 1)
                    for p in pixels[i] {
                        let row = (i * hw + p) * k
                        var m = -Double.infinity
                        for j in 0..<k { m = max(m, Double(x[row + j])) }
                        var s = 0.0
                        for j in 0..<k { probabilities[j] = exp(Double(x[row + j]) - m); s += probabilities[j] }
                        total += w * (log(s) + m - Double(x[row + label]))
                        weightSum += w
                        for j in 0..<k { g[row + j] = Float(w * (probabilities[j] / s - (j == label ? 1 : 0))) }
                    }
                }
                if weightSum > 0 { for j in 0..<g.count { g[j] /= Float(weightSum) } }
            }
        }
        return (Float(weightSum > 0 ? total / weightSum : 0), grad)
    }

    /// Per-sample class scores (N, K): the logits summed over each sample's labeled pixels,
    /// so a sample's prediction is the class its labeled pixels favour together.
    static func sampleLogits(_ logits: Tensor, pixels: [[Int]]) throws -> Tensor {
        let n = logits.shape[0], k = logits.shape[3], hw = logits.shape[1] * logits.shape[2]
        let out = Tensor(zeros: [n, k])
        logits.withUnsafeMutableBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    for p in pixels[i] { for j in 0..<k { o[i * k + j] += x[(i * hw + p) * k + j] } }
                }
            }
        }
        return out
    }
}
