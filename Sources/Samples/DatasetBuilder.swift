import Foundation
import GeoIO

/// The two dataset stages end to end: labels → samples → splits → files (DESIGN.md §3).
public enum DatasetBuilder {
    /// Progress of one phase: (phase, done, total).
    public typealias ProgressHandler = (String, Int, Int) -> Void

    /// `sitscube patches`: size×size windows centred on labeled pixels (seed 000).
    /// - Throws: `SamplesError`, `CubeError` or `GeoIOError` naming the file and what is wrong;
    ///   nothing is left at `output` on error.
    @discardableResult
    public static func patches(cube cubeFolder: String, labels options: LabelOptions, settings: PatchSettings,
                               splits: SplitSettings, output: String, tool: String,
                               progress: ProgressHandler? = nil) throws -> DatasetManifest {
        try settings.validate()
        try splits.validate()
        let cube = try CubeSource(folder: cubeFolder)
        let labels = try LabelReader.pixels(options, grid: cube.grid)
        let folder = try DatasetFolder(output: output)
        do {
            let s = settings.size
            let x = try NpyWriter(path: folder.file("x.npy"), type: .float32, rowShape: [cube.timeCount, cube.bandCount, s, s])
            let (records, skipped) = try PatchSampler.run(cube: cube, labels: labels.labels, settings: settings, writer: x) {
                progress?("row bands", $0, $1)
            }
            var all = labels.skipped
            all.merge(skipped)
            let entry = DatasetManifest.Settings(size: s, pad: settings.pad.rawValue, keepNaN: settings.keepNaN,
                                                 perPolygon: options.perPolygon, maxPerClass: options.maxPerClass, resize: nil)
            let manifest = try finish(kind: "patches", folder: folder, cube: cube, labels: labels, options: options,
                                      records: records, skipped: all, writers: [x], splits: splits, settings: entry, tool: tool)
            try folder.commit()
            return manifest
        } catch {
            folder.discard()
            throw error
        }
    }

    /// `sitscube parcels`: each parcel's bounding box, zero outside, resized to size×size (seed 003).
    /// - Throws: as `patches`.
    @discardableResult
    public static func parcels(cube cubeFolder: String, labels options: LabelOptions, settings: ParcelSettings,
                               splits: SplitSettings, output: String, tool: String,
                               progress: ProgressHandler? = nil) throws -> DatasetManifest {
        try settings.validate()
        try splits.validate()
        let cube = try CubeSource(folder: cubeFolder)
        let labels = try LabelReader.polygons(options, grid: cube.grid)
        let folder = try DatasetFolder(output: output)
        do {
            let s = settings.size, T = cube.timeCount, C = cube.bandCount
            let writers = ParcelWriters(
                x: try NpyWriter(path: folder.file("x.npy"), type: .float32, rowShape: [T, C, s, s]),
                mask: try NpyWriter(path: folder.file("mask.npy"), type: .uint8, rowShape: [s, s]),
                features: try NpyWriter(path: folder.file("features.npy"), type: .float32, rowShape: [T, 2 * C]))
            let (records, skipped) = try ParcelCropper.run(cube: cube, labels: labels.labels, settings: settings, writers: writers) {
                progress?("parcels", $0, $1)
            }
            var all = labels.skipped
            all.merge(skipped)
            let entry = DatasetManifest.Settings(size: s, pad: nil, keepNaN: settings.keepNaN, perPolygon: nil, maxPerClass: nil,
                                                 resize: "mask-aware: area average when shrinking, bilinear when growing")
            let manifest = try finish(kind: "parcels", folder: folder, cube: cube, labels: labels, options: options,
                                      records: records, skipped: all, writers: [writers.x, writers.mask, writers.features],
                                      splits: splits, settings: entry, tool: tool)
            try folder.commit()
            return manifest
        } catch {
            folder.discard()
            throw error
        }
    }

    /// Splits, oversampling, y.npy, normalisation, samples.csv and dataset.json, shared by both kinds.
    /// `writers[0]` is x; every writer gets the oversampled copies.
    static func finish<L>(kind: String, folder: DatasetFolder, cube: CubeSource, labels: LabelSet<L>, options: LabelOptions,
                          records original: [SampleRecord], skipped: SkipCounts, writers: [NpyWriter],
                          splits settings: SplitSettings, settings entry: DatasetManifest.Settings, tool: String) throws -> DatasetManifest {
        guard !original.isEmpty else {
            throw SamplesError.noSamples("no sample left from \(labels.labels.count) labels; skipped: \(skipped.summaryLines.joined(separator: "; "))")
        }
        // Classes still present after skipping, renumbered 0..K−1 with their names.
        let names = Dictionary(labels.classes.classes.map { ($0.code, [$0.name]) }, uniquingKeysWith: { a, _ in a })
        let classes = ClassTable(codes: original.map(\.code), names: names)
        let classIndex = original.map { classes.index(of: $0.code) ?? 0 }
        let (splitNames, foldIndex) = Splitter.assign(classes: classIndex, groups: original.map(\.group), settings: settings)

        var records = original, splits = splitNames, folds = foldIndex, indices = classIndex
        let copies = settings.oversample ? Splitter.oversample(classes: classIndex, splits: splitNames, seed: settings.seed) : []
        for i in copies {
            for w in writers { try w.appendCopy(ofRow: i) }
            records.append(original[i]); splits.append(.train); folds.append(-1); indices.append(classIndex[i])
        }
        for w in writers { try w.finish() }
        try NpyWriter.write(indices.map { Int32($0) }, type: .int32, shape: [indices.count], to: folder.file("y.npy"))

        // Statistics from the original train samples only (copies would weight classes twice).
        let use = (0..<records.count).map { $0 < original.count && splits[$0] == .train }
        let x = try NpyReader(path: folder.file("x.npy"))
        let mask = kind == "parcels" ? try NpyReader(path: folder.file("mask.npy")) : nil
        let normalization = try StatsAccumulator.compute(x: x, mask: mask, rows: use, timeCount: cube.timeCount,
                                                         bandCount: cube.bandCount, perDate: kind == "parcels")

        try write(SamplesCSV.text(records: records, classes: classes, splits: splits, folds: folds), to: folder.file("samples.csv"))

        let n = records.count, T = cube.timeCount, C = cube.bandCount, s = entry.size
        var arrays = [
            "x": DatasetManifest.ArrayEntry(file: "x.npy", dtype: "float32", shape: [n, T, C, s, s]),
            "y": DatasetManifest.ArrayEntry(file: "y.npy", dtype: "int32", shape: [n]),
        ]
        if kind == "parcels" {
            arrays["mask"] = DatasetManifest.ArrayEntry(file: "mask.npy", dtype: "uint8", shape: [n, s, s])
            arrays["features"] = DatasetManifest.ArrayEntry(file: "features.npy", dtype: "float32", shape: [n, T, 2 * C])
        }
        let (bySplit, byClass) = counts(classes: classes, indices: indices, splits: splits)
        let byFold = settings.folds >= 2 ? (0..<settings.folds).map { f in folds.filter { $0 == f }.count } : []
        let manifest = DatasetManifest(
            format: DatasetManifest.formatTag, kind: kind, shape: [n, T, C, s, s], axes: "NTCHW",
            bands: cube.manifest.bands, times: cube.manifest.times.map(\.label), classes: classes.classes,
            arrays: arrays, normalization: normalization,
            splits: DatasetManifest.Splits(fractions: settings.fractions, folds: settings.folds >= 2 ? settings.folds : 0, seed: settings.seed,
                                           oversample: settings.oversample, groupedBy: labels.groupField ?? "feature"),
            counts: DatasetManifest.Counts(total: n, bySplit: bySplit, byClass: byClass, byFold: byFold, oversampled: copies.count),
            skipped: skipped.byName, settings: entry,
            provenance: DatasetManifest.Provenance(
                cube: DatasetManifest.CubeSource(path: cube.folder, manifestSHA256: try SHA256.file(cube.folder + "/cube.json"),
                                                 settingsDigest: cube.manifest.provenance.settingsDigest),
                labels: DatasetManifest.LabelSource(path: options.path, sha256: try SHA256.file(options.path), layer: options.layer,
                                                    field: labels.field, nameField: labels.nameField, groupField: labels.groupField,
                                                    crs: options.crs),
                tool: tool))
        try write(String(decoding: try manifest.encoded(), as: UTF8.self) + "\n", to: folder.file(DatasetManifest.fileName))
        return manifest
    }

    /// Samples per split, and per class and split, for dataset.json.
    static func counts(classes: ClassTable, indices: [Int], splits: [SplitName]) -> (bySplit: [String: Int], byClass: [DatasetManifest.ClassCount]) {
        var bySplit: [String: Int] = [:]
        for name in SplitName.allCases { bySplit[name.rawValue] = splits.filter { $0 == name }.count }
        let byClass = classes.classes.map { c -> DatasetManifest.ClassCount in
            var k = [SplitName: Int]()
            for (i, sp) in splits.enumerated() where indices[i] == c.index { k[sp, default: 0] += 1 }
            let train = k[.train] ?? 0, val = k[.val] ?? 0, test = k[.test] ?? 0
            return DatasetManifest.ClassCount(code: c.code, name: c.name, index: c.index, train: train, val: val, test: test, total: train + val + test)
        }
        return (bySplit, byClass)
    }

    static func write(_ text: String, to path: String) throws {
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw SamplesError.unwritable(path: path, "cannot write: \(error.localizedDescription)")
        }
    }
}
