import Foundation

/// The run report, WORKDIR/report.md and report.html: effective settings, scenes used and
/// skipped, stage timings, dataset summary, training curves, metrics and confusion matrices,
/// and the map's quicklook. It reads only what the stages wrote, so it is rebuilt after every run.
public struct RunReport {
    public let config: PipelineConfig
    public let layout: WorkLayout
    public let stageRecords: [StageRecord]
    public let planner: StagePlanner

    public init(runner: PipelineRunner) {
        config = runner.planner.config
        layout = runner.layout
        planner = runner.planner
        stageRecords = StageName.allCases.compactMap { runner.record(of: $0) }
    }

    /// A block of the report, rendered into both Markdown and HTML.
    enum Block {
        case heading(String)
        case paragraph(String)
        case table([String], [[String]])
        case code([String])
        case image(String, alt: String)
        case svg(String)
    }

    func json(_ path: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    func blocks() -> [Block] {
        var b: [Block] = [.heading("sitscube run report"),
                          .paragraph("Pipeline \(config.source), work folder \(layout.root)." + (planner.quick ? " Quick run (CI): fewer epochs and folds." : ""))]

        b.append(.heading("Settings"))
        b.append(.code(config.effectiveLines))

        b.append(.heading("Stages"))
        b.append(.table(["stage", "seconds", "finished", "command"], stageRecords.map { r in
            [r.stage.rawValue, String(format: "%.1f", r.seconds), r.finished,
             r.commands.map { "sitscube " + $0.joined(separator: " ") }.joined(separator: "; ")]
        }))

        b.append(.heading("Scenes"))
        let used = Set(((json(layout.cube + "/cube.json")?["provenance"] as? [String: Any])?["scenes"] as? [String]) ?? [])
        if let scenes = json(layout.scenes) {
            let found = scenes["scenes"] as? [[String: Any]] ?? []
            let skipped = scenes["skipped"] as? [[String: Any]] ?? []
            b.append(.paragraph("\(found.count) scenes passed the filters, \(used.count) composited into the cube; \(skipped.count) products skipped."))
            b.append(.table(["id", "date", "platform", "cloud %", "in cube"], found.map { s in
                let id = s["id"] as? String ?? ""
                return [id, s["date"] as? String ?? "", s["platform"] as? String ?? "",
                        String(format: "%.1f", s["cloud_cover"] as? Double ?? .nan), used.contains(id) ? "yes" : "no (outside the windows)"]
            }))
            if !skipped.isEmpty {
                b.append(.table(["skipped product", "reason"], skipped.map { [$0["path"] as? String ?? "", $0["reason"] as? String ?? ""] }))
            }
        } else {
            b.append(.paragraph("No scene list yet (the scenes stage has not run)."))
        }

        if let cube = json(layout.cube + "/cube.json") {
            let bands = cube["bands"] as? [String] ?? []
            let times = (cube["times"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
            let grid = cube["grid"] as? [String: Any] ?? [:]
            b.append(.heading("Cube"))
            b.append(.paragraph("\(times.count) time steps (\(times.joined(separator: ", "))) × \(bands.count) bands (\(bands.joined(separator: ", "))), grid \(grid["width"] ?? "?")×\(grid["height"] ?? "?")."))
        }

        if let dataset = json(layout.dataset + "/dataset.json") {
            b.append(.heading("Dataset"))
            let shape = (dataset["shape"] as? [Any] ?? []).map { "\($0)" }.joined(separator: "×")
            var text = "\(dataset["kind"] ?? "?") dataset, x \(shape) (N×T×C×H×W)."
            if let counts = dataset["counts"] { text += " Samples: \(compact(counts))." }
            if let splits = dataset["splits"] { text += " Split settings: \(compact(splits))." }
            b.append(.paragraph(text))
            let classes = dataset["classes"] as? [[String: Any]] ?? []
            b.append(.table(["index", "code", "name"], classes.map { ["\($0["index"] ?? "")", "\($0["code"] ?? "")", "\($0["name"] ?? "")"] }))
        }

        for model in planner.models {
            var section: [Block] = []
            if let history = json(layout.modelFolder(model) + "/history.json") ?? jsonArray(layout.modelFolder(model) + "/history.json") {
                let series = Self.series(in: history)
                if !series.isEmpty { section.append(.svg(Self.curves(series, title: "\(model): training curves"))) }
            }
            if let report = json(layout.evaluation(model) + "/report.json") {
                var rows: [[String]] = []
                for key in ["oa", "kappa", "macro_f1", "micro_f1"] {
                    if let v = report[key] as? Double { rows.append([key, String(format: "%.4f", v)]) }
                }
                section.append(.table(["metric (test split)", "value"], rows))
                if let perClass = report["per_class"] as? [[String: Any]], let first = perClass.first {
                    let keys = first.keys.sorted()
                    section.append(.table(keys, perClass.map { c in keys.map { Self.cell(c[$0]) } }))
                }
                if let confusion = report["confusion"] as? [[Any]] {
                    section.append(.paragraph("Confusion matrix (rows: reference, columns: predicted):"))
                    section.append(.table([""] + confusion.indices.map { "\($0)" },
                                          confusion.enumerated().map { ["\($0.offset)"] + $0.element.map { Self.cell($0) } }))
                }
            }
            if let cv = json(layout.cv(model) + "/cv.json") ?? json(layout.cv(model) + "/report.json") {
                section.append(.paragraph("Cross-validation: \(compact(cv))"))
            }
            if !section.isEmpty { b.append(.heading("Model \(model)")); b += section }
        }

        if FileManager.default.fileExists(atPath: layout.map) {
            b.append(.heading("Map"))
            b.append(.paragraph("\(layout.map) (model \(planner.mapModel))."))
            if FileManager.default.fileExists(atPath: layout.quicklook) { b.append(.image("map.png", alt: "quicklook of the map with its legend")) }
        }
        return b
    }

    func jsonArray(_ path: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path),
              let array = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else { return nil }
        return ["epochs": array]
    }

    func compact(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "\(value)" }
        let text = String(decoding: data, as: UTF8.self)
        return text.count > 600 ? String(text.prefix(600)) + "…" : text
    }

    static func cell(_ v: Any?) -> String {
        switch v {
        case let d as Double where d != d.rounded(): return String(format: "%.4f", d)
        case let v?: return "\(v)"
        default: return ""
        }
    }

    /// Numeric per-epoch series in a history: arrays of numbers under any key ("train_loss":
    /// [...]), or an array of per-epoch objects ({"epoch": 1, "val_loss": 0.3, …}).
    static func series(in history: [String: Any]) -> [(String, [Double])] {
        var out: [(String, [Double])] = []
        for (key, value) in history.sorted(by: { $0.key < $1.key }) {
            if let numbers = value as? [NSNumber], numbers.count > 1 { out.append((key, numbers.map(\.doubleValue))) }
            else if let rows = value as? [[String: Any]], let first = rows.first {
                for k in first.keys.sorted() where k != "epoch" && first[k] is NSNumber {
                    let v = rows.compactMap { ($0[k] as? NSNumber)?.doubleValue }
                    if v.count == rows.count, v.count > 1 { out.append((k, v)) }
                }
            }
        }
        return out
    }

    /// Loss-like and accuracy-like curves as one inline SVG (each series scaled to its own range).
    static func curves(_ series: [(String, [Double])], title: String) -> String {
        let w = 640.0, h = 260.0, left = 40.0, top = 24.0, plotW = 440.0, plotH = 200.0
        let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<text x=\"\(left)\" y=\"14\">\(escape(title)) (each curve scaled to its own min–max)</text>"
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#999\"/>"
        for (i, (name, values)) in series.prefix(colours.count).enumerated() {
            let finite = values.filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { continue }
            let span = hi > lo ? hi - lo : 1
            let points = values.enumerated().filter { $0.element.isFinite }.map { j, v in
                String(format: "%.1f,%.1f", left + plotW * Double(j) / Double(max(1, values.count - 1)), top + plotH * (1 - (v - lo) / span))
            }
            svg += "<polyline fill=\"none\" stroke=\"\(colours[i])\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            let y = top + 12 + Double(i) * 16
            svg += "<rect x=\"\(left + plotW + 12)\" y=\"\(y - 8)\" width=\"10\" height=\"10\" fill=\"\(colours[i])\"/>"
            svg += String(format: "<text x=\"%.0f\" y=\"%.0f\">%@ %.4g→%.4g</text>", left + plotW + 26, y, escape(name), values.first ?? .nan, values.last ?? .nan)
        }
        return svg + "</svg>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public func markdown() -> String {
        var out: [String] = []
        var svgCount = 0
        for block in blocks() {
            switch block {
            case .heading(let t): out.append((out.isEmpty ? "# " : "## ") + t + "\n")
            case .paragraph(let t): out.append(t + "\n")
            case .code(let lines): out.append("```yaml\n" + lines.joined(separator: "\n") + "\n```\n")
            case .table(let header, let rows):
                guard !rows.isEmpty else { continue }
                func row(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
                out.append(([row(header), row(header.map { _ in "---" })] + rows.map(row)).joined(separator: "\n") + "\n")
            case .image(let path, let alt): out.append("![\(alt)](\(path))\n")
            case .svg:
                svgCount += 1
                out.append("Training curves: see report.html (figure \(svgCount)).\n")
            }
        }
        return out.joined(separator: "\n")
    }

    public func html() -> String {
        var body = ""
        for block in blocks() {
            switch block {
            case .heading(let t): body += body.isEmpty ? "<h1>\(Self.escape(t))</h1>\n" : "<h2>\(Self.escape(t))</h2>\n"
            case .paragraph(let t): body += "<p>\(Self.escape(t))</p>\n"
            case .code(let lines): body += "<pre>\(Self.escape(lines.joined(separator: "\n")))</pre>\n"
            case .table(let header, let rows):
                guard !rows.isEmpty else { continue }
                body += "<table><tr>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr>\n"
                body += rows.map { "<tr>" + $0.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</table>\n"
            case .image(let path, let alt): body += "<p><img src=\"\(path)\" alt=\"\(Self.escape(alt))\" style=\"max-width:100%\"></p>\n"
            case .svg(let svg): body += "<p>\(svg)</p>\n"
            }
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>sitscube run report</title>
            <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}pre{background:#f5f5f5;padding:1em}</style>
            </head><body>
            \(body)</body></html>

            """
    }

    /// Writes report.md and report.html into the work folder.
    public func write() throws {
        try writeAtomically(Data(markdown().utf8), to: layout.reportMarkdown)
        try writeAtomically(Data(html().utf8), to: layout.reportHTML)
    }
}
