import Foundation

/// Classification scores from a confusion matrix, as the seed papers report them:
/// overall accuracy, Cohen's kappa, per-class precision/recall/F1, micro and macro F1
/// (seed 000 §3 Table 3, seed 002 §4.2, seed 003 §4).
///
/// `counts[i][j]` is the number of samples of true class i predicted as class j.
/// A class with no predictions has precision 0, one with no samples recall 0, and F1 is 0
/// when precision + recall is 0 (scikit-learn's `zero_division=0`). Macro F1 averages over the
/// classes that occur in the truth or the predictions (scikit-learn's default `labels`): a class
/// absent from a small test split neither counts as 0 nor as 1. Micro F1 equals OA for
/// single-label classification.
public struct ClassificationMetrics: Equatable, Sendable {
    public struct PerClass: Equatable, Sendable {
        public var precision: Double, recall: Double, f1: Double
        /// True samples of the class.
        public var support: Int
    }

    public let counts: [[Int]]
    public let total: Int
    public let overallAccuracy: Double
    public let kappa: Double
    public let perClass: [PerClass]
    public let macroF1: Double
    public let microF1: Double

    /// Scores of a K×K confusion matrix.
    public init(confusion counts: [[Int]]) {
        self.counts = counts
        let k = counts.count
        let n = counts.reduce(0) { $0 + $1.reduce(0, +) }
        total = n
        let diagonal = (0..<k).reduce(0) { $0 + counts[$1][$1] }
        let rowSums = counts.map { $0.reduce(0, +) }
        let columnSums = (0..<k).map { j in counts.reduce(0) { $0 + $1[j] } }
        overallAccuracy = n > 0 ? Double(diagonal) / Double(n) : 0
        // κ = (p_o − p_e) / (1 − p_e), p_e = Σ row_i·col_i / n² (Cohen 1960).
        let expected = n > 0 ? (0..<k).reduce(0.0) { $0 + Double(rowSums[$1]) * Double(columnSums[$1]) } / (Double(n) * Double(n)) : 0
        kappa = expected < 1 ? (overallAccuracy - expected) / (1 - expected) : (overallAccuracy == 1 ? 1 : 0)
        let scores = (0..<k).map { i in
            let tp = Double(counts[i][i])
            let precision = columnSums[i] > 0 ? tp / Double(columnSums[i]) : 0
            let recall = rowSums[i] > 0 ? tp / Double(rowSums[i]) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return PerClass(precision: precision, recall: recall, f1: f1, support: rowSums[i])
        }
        perClass = scores
        let present = (0..<k).filter { rowSums[$0] > 0 || columnSums[$0] > 0 }
        macroF1 = present.isEmpty ? 0 : present.reduce(0) { $0 + scores[$1].f1 } / Double(present.count)
        // Σ TP / (Σ TP + Σ FP) = Σ TP / n: micro precision = micro recall = micro F1 = OA.
        microF1 = overallAccuracy
    }

    /// Scores of predictions against true class indices in 0..<classes.
    public init(truth: [Int], predicted: [Int], classes: Int) {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (t, p) in zip(truth, predicted) where t >= 0 && t < classes && p >= 0 && p < classes { counts[t][p] += 1 }
        self.init(confusion: counts)
    }

    /// Each row divided by its sum (the recall view); all-zero rows stay zero.
    public var normalized: [[Double]] {
        counts.map { row in
            let s = row.reduce(0, +)
            return row.map { s > 0 ? Double($0) / Double(s) : 0 }
        }
    }
}
