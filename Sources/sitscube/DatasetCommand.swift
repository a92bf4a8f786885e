import ArgumentParser
import Foundation
import Samples

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Inspect a training dataset (`dataset info DATASET`).",
        subcommands: [DatasetInfoCommand.self])
}

struct DatasetInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise a dataset: shape, bands, times, classes per split, skipped labels, normalisation, provenance; and check its arrays.")

    @Argument(help: "Dataset folder (with dataset.json).")
    var dataset: String

    func run() throws {
        let (m, problems) = try DatasetCheck.run(folder: dataset)
        var lines = [DatasetReport.summary(m, output: dataset)]
        lines.append("  bands: \(m.bands.joined(separator: ","))")
        lines.append("  times: \(m.times.joined(separator: ","))")
        lines.append("  arrays: " + m.arrays.keys.sorted().compactMap { k in m.arrays[k].map { "\($0.file) \($0.dtype) (\($0.shape.map(String.init).joined(separator: ", ")))" } }.joined(separator: "; "))
        var settings = "size \(m.settings.size)"
        if let pad = m.settings.pad { settings += ", pad \(pad)" }
        settings += m.settings.keepNaN ? ", NaN kept" : ", NaN skipped"
        if let n = m.settings.perPolygon { settings += ", \(n) per polygon" }
        if let n = m.settings.maxPerClass { settings += ", at most \(n) per class" }
        lines.append("  settings: \(settings); split \(m.splits.fractions.map { String(format: "%g", $0) }.joined(separator: "/")), seed \(m.splits.seed), grouped by \(m.splits.groupedBy)")
        let n = m.normalization
        lines.append("  normalization: z-score per \(n.scope == "band" ? "band" : "date and band") from the \(n.statisticsFrom) split"
                     + (n.scope == "band" ? ", mean " + (n.mean.first ?? []).map { String(format: "%.4g", $0) }.joined(separator: " ")
                         + ", std " + (n.std.first ?? []).map { String(format: "%.4g", $0) }.joined(separator: " ") : ""))
        lines.append("  cube: \(m.provenance.cube.path) (cube.json sha256 \(m.provenance.cube.manifestSHA256.prefix(16))…)")
        lines.append("  labels: \(m.provenance.labels.path) field \(m.provenance.labels.field) (sha256 \(m.provenance.labels.sha256.prefix(16))…)")
        lines.append(problems.isEmpty ? "  check: every array matches dataset.json" : "  problems:\n" + problems.map { "    " + $0 }.joined(separator: "\n"))
        print(lines.joined(separator: "\n"))
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
