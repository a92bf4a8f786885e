import Foundation

/// Plain SVG figures for the evaluation report: no plotting library, any browser shows them.
enum SVGPlots {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A heat map of the row-normalised confusion matrix with the counts written in each cell.
    static func confusion(_ c: EvaluationReport.Confusion) -> String {
        let k = c.classes.count, cell = 48, left = 120, top = 40
        let width = left + k * cell + 20, height = top + k * cell + 110
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<text x=\"\(left)\" y=\"20\" font-size=\"13\">Confusion matrix (rows: truth, columns: prediction)</text>\n"
        for i in 0..<k {
            let y = top + i * cell
            s += "<text x=\"\(left - 6)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"end\">\(escape(c.classes[i]))</text>\n"
            for j in 0..<k {
                let v = i < c.normalized.count && j < c.normalized[i].count ? c.normalized[i][j] : 0
                let shade = Int((1 - v) * 255)
                let x = left + j * cell
                s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),255)\" stroke=\"#888\"/>\n"
                let count = i < c.counts.count && j < c.counts[i].count ? c.counts[i][j] : 0
                s += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" fill=\"\(v > 0.5 ? "white" : "black")\">\(count)</text>\n"
            }
        }
        for j in 0..<k {
            let x = left + j * cell + cell / 2, y = top + k * cell + 8
            s += "<text x=\"\(x)\" y=\"\(y)\" transform=\"rotate(45 \(x) \(y))\">\(escape(c.classes[j]))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// Two panels over the epochs: training and validation loss; validation OA and macro F1.
    static func learningCurves(_ h: [EpochRecord]) -> String {
        let pw = 360, ph = 220, margin = 50, width = 2 * (pw + margin) + 20, height = ph + 2 * margin
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"11\">\n"
        func panel(_ x0: Int, _ title: String, _ series: [(String, String, [Double])], fixedMax: Double?) {
            let values = series.flatMap(\.2).filter(\.isFinite)
            let top = fixedMax ?? max(values.max() ?? 1, 1e-9)
            let n = max(h.count - 1, 1)
            s += "<text x=\"\(x0)\" y=\"\(margin - 20)\" font-size=\"13\">\(title)</text>\n"
            s += "<rect x=\"\(x0)\" y=\"\(margin)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"#888\"/>\n"
            s += "<text x=\"\(x0 - 4)\" y=\"\(margin + 4)\" text-anchor=\"end\">\(String(format: "%.3g", top))</text>\n"
            s += "<text x=\"\(x0 - 4)\" y=\"\(margin + ph)\" text-anchor=\"end\">0</text>\n"
            s += "<text x=\"\(x0 + pw / 2)\" y=\"\(margin + ph + 30)\" text-anchor=\"middle\">epoch (1–\(h.count))</text>\n"
            for (i, (name, colour, ys)) in series.enumerated() {
                let points = ys.enumerated().map { e, v -> String in
                    let x = Double(x0) + Double(pw) * Double(e) / Double(n)
                    let y = Double(margin + ph) - Double(ph) * min(max(v.isFinite ? v / top : 0, 0), 1)
                    return String(format: "%.1f,%.1f", x, y)
                }.joined(separator: " ")
                s += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
                s += "<text x=\"\(x0 + 8)\" y=\"\(margin + 16 + 14 * i)\" fill=\"\(colour)\">\(name)</text>\n"
            }
        }
        panel(margin, "Loss", [("train loss", "#1f77b4", h.map(\.loss)), ("val loss", "#ff7f0e", h.map(\.valLoss))], fixedMax: nil)
        panel(2 * margin + pw + 20, "Validation scores", [("val OA", "#2ca02c", h.map(\.valOA)), ("val macro F1", "#d62728", h.map(\.valMacroF1))], fixedMax: 1)
        return s + "</svg>\n"
    }
}
