import ArgumentParser
import Foundation
import GeoIO
import Samples

/// Label-file flags shared by `patches` and `parcels`.
struct LabelFieldOptions: ParsableArguments {
    @Option(help: "Attribute holding the class code (integers, or text coded 1…K in sorted order).")
    var field: String?

    @Option(name: .customLong("name-field"), help: "Attribute holding the class name (default: `name` when the layer has it and it names each code one way).")
    var nameField: String?

    @Option(name: .customLong("group-field"), help: "Attribute whose value keeps samples in one split and fold (default: each feature, so all pixels of a polygon stay together).")
    var groupField: String?

    @Option(help: "Layer of a multi-layer vector file (default: the first).")
    var layer: String?

    @Option(help: "CRS of the label coordinates, for a CSV (default EPSG:4326 lon/lat; x/y columns need it) or a file without one.")
    var crs: String?

    func options(path: String, defaultField: String?, seed: UInt64, perPolygon: Int? = nil, maxPerClass: Int? = nil) throws -> LabelOptions {
        guard let f = field ?? defaultField else { throw ValidationError("--field is required: name the attribute holding the class code") }
        return LabelOptions(path: path, layer: layer, field: f, nameField: nameField, groupField: groupField, crs: crs,
                            perPolygon: perPolygon, maxPerClass: maxPerClass, seed: seed)
    }
}

/// Split flags shared by `patches` and `parcels` (FLU study defaults: 75/10/15, 3 folds).
struct SplitOptions: ParsableArguments {
    @Option(help: "Train, validation and test shares, stratified by class.")
    var split: String = "75,10,15"

    @Option(help: "Stratified folds written as the fold column (0 for none).")
    var folds: Int = 3

    @Option(help: "Seed of every random choice (splits, folds, sampling); the same seed gives the same files.")
    var seed: UInt64 = 42

    @Flag(help: "Repeat train samples of smaller classes until each class has as many as the largest.")
    var oversample = false

    @Option(help: "Worker threads for reading the cube.")
    var threads: Int = 2

    func settings() throws -> SplitSettings {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        let s = SplitSettings(fractions: try SplitSettings.parseFractions(split), folds: folds, seed: seed, oversample: oversample)
        try s.validate()
        return s
    }
}

/// Progress and the closing summary of the dataset stages.
enum DatasetReport {
    /// Plain progress lines on stderr, one per phase step.
    static func progress() -> DatasetBuilder.ProgressHandler {
        var bars: [String: (bar: Progress, done: Int)] = [:]
        return { phase, done, total in
            var entry = bars[phase] ?? (Progress(total: total, unit: phase), 0)
            if done > entry.done {
                entry.bar.advance(by: done - entry.done)
                entry.done = done
                if done >= total { entry.bar.finish() }
            }
            bars[phase] = entry
        }
    }

    /// The summary printed after a run (stdout).
    static func summary(_ m: DatasetManifest, output: String) -> String {
        var lines = ["\(output): \(m.kind), x \(m.shape.map(String.init).joined(separator: "×")) (N×T×C×H×W), \(m.classes.count) classes"]
        lines.append("  splits: " + SplitName.allCases.map { "\($0.rawValue) \(m.counts.bySplit[$0.rawValue] ?? 0)" }.joined(separator: ", ")
                     + (m.counts.byFold.isEmpty ? "" : "; folds " + m.counts.byFold.map(String.init).joined(separator: "/"))
                     + (m.counts.oversampled > 0 ? "; \(m.counts.oversampled) oversampled copies" : ""))
        for c in m.counts.byClass {
            lines.append("  \(c.index) \(c.name) (code \(c.code)): \(c.total) — train \(c.train), val \(c.val), test \(c.test)")
        }
        let skipped = m.skipped.values.reduce(0, +)
        if skipped > 0 {
            lines.append("  skipped \(skipped): " + m.skipped.keys.sorted().map { "\($0) \(m.skipped[$0] ?? 0)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
