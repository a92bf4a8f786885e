import Foundation
import Models
import NN
import Samples

/// Which rows of a dataset a training or an evaluation reads.
public enum DatasetRole: String, Sendable {
    case train, validation = "val", test, all
}

/// A `sitscube-dataset/1` folder (DESIGN.md §3) opened for training and evaluation:
/// `dataset.json`, `y.npy`, `samples.csv` (split and fold columns), and `x.npy`,
/// `features.npy`, `mask.npy` as present.
///
/// Memory: labels, splits and folds (a few bytes per sample) are always held. The sample
/// arrays are loaded once, already normalised, when they fit in `memoryBudget` bytes;
/// otherwise each batch reads its rows from the `.npy` files (a seek and a read per row),
/// so memory stays bounded by the batch size.
///
/// Normalisation (the dataset's train statistics, DESIGN.md §3): every x value becomes
/// (x − mean)/std with the band's (or the date's and band's) statistics, then NaN → 0.
/// With a `mask.npy` (parcels), pixels outside the parcel are 0 after normalising too, as
/// `x.npy` holds 0 there rather than a measured value. `features.npy` (T, 2C) holds per-date
/// band means then band standard deviations: means are normalised like x, standard deviations
/// only divided by std (a spread has no offset).
public final class TrainingDataset {
    public let folder: String
    public let manifest: DatasetManifest
    /// T × C × H × W of one sample.
    public let input: InputShape
    public let classCount: Int
    /// Class index of every row (y.npy).
    public let labels: [Int]
    /// `train`, `val` or `test` per row (samples.csv).
    public let splits: [String]
    /// Fold per row, −1 where none (samples.csv).
    public let folds: [Int]
    public let hasFeatures: Bool
    public let hasMask: Bool
    /// A `sitscube segments` dataset: labels.npy holds a 0/1 road mask per tile (seed 004 §III).
    public let hasPixelLabels: Bool

    private let xReader: NpyReader
    private let featureReader: NpyReader?
    private let maskReader: NpyReader?
    private let pixelLabelReader: NpyReader?
    /// labels.npy of every row, when x is held in memory.
    private var pixelLabelCache: [UInt8]?
    /// Normalised x (and features) of every row, when they fit the memory budget.
    private var xCache: [Float]?
    private var featureCache: [Float]?
    private let mean: [Float], inverseStd: [Float]

    /// Opens `folder`; arrays smaller than `memoryBudget` bytes are loaded whole.
    /// - Throws: ``TrainingError/badDataset`` naming the file and what is wrong.
    public init(folder: String, memoryBudget: Int = 2 << 30) throws {
        self.folder = folder
        manifest = try DatasetManifest.read(from: folder)
        let s = manifest.shape
        input = InputShape(t: s[1], c: s[2], h: s[3], w: s[4])
        classCount = manifest.classes.count
        let jsonPath = folder + "/" + DatasetManifest.fileName
        guard input.t >= 1, input.c >= 1, input.h >= 1, input.w >= 1, s[0] >= 1 else {
            throw TrainingError.badDataset(path: jsonPath, "shape \(s) must be positive")
        }
        guard classCount >= 1, Set(manifest.classes.map(\.index)) == Set(0..<classCount) else {
            throw TrainingError.badDataset(path: jsonPath, "class indices must be 0..<\(classCount)")
        }
        let n = s[0]
        xReader = try NpyReader(path: folder + "/x.npy")
        guard xReader.header.shape == s, xReader.header.type == .float32 else {
            throw TrainingError.badDataset(path: folder + "/x.npy", "holds \(xReader.header.type.descr) \(xReader.header.shape), dataset.json says float32 \(s)")
        }
        let yReader = try NpyReader(path: folder + "/y.npy")
        guard yReader.header.shape == [n], yReader.header.type == .int32 else {
            throw TrainingError.badDataset(path: folder + "/y.npy", "must be int32 of shape [\(n)], is \(yReader.header.type.descr) \(yReader.header.shape)")
        }
        let y = try yReader.readAll(as: Int32.self).map(Int.init)
        let k = classCount
        if let bad = y.firstIndex(where: { $0 < 0 || $0 >= k }) {
            throw TrainingError.badDataset(path: folder + "/y.npy", "row \(bad) holds class index \(y[bad]), outside 0..<\(k)")
        }
        labels = y
        (splits, folds) = try Self.readSplits(folder + "/samples.csv", rows: n)

        let featurePath = folder + "/features.npy", maskPath = folder + "/mask.npy"
        if FileManager.default.fileExists(atPath: featurePath) {
            let r = try NpyReader(path: featurePath)
            guard r.header.shape == [n, input.t, 2 * input.c], r.header.type == .float32 else {
                throw TrainingError.badDataset(path: featurePath, "must be float32 (N, T, 2C) = [\(n), \(input.t), \(2 * input.c)], is \(r.header.shape)")
            }
            featureReader = r
        } else { featureReader = nil }
        if FileManager.default.fileExists(atPath: maskPath) {
            let r = try NpyReader(path: maskPath)
            guard r.header.shape == [n, input.h, input.w], r.header.type == .uint8 else {
                throw TrainingError.badDataset(path: maskPath, "must be uint8 (N, H, W) = [\(n), \(input.h), \(input.w)], is \(r.header.shape)")
            }
            maskReader = r
        } else { maskReader = nil }
        hasFeatures = featureReader != nil
        hasMask = maskReader != nil
        if manifest.kind == "segments" {
            let path = folder + "/labels.npy"
            guard FileManager.default.fileExists(atPath: path) else {
                throw TrainingError.badDataset(path: path, "missing; a segments dataset holds its road masks there")
            }
            let r = try NpyReader(path: path)
            guard r.header.shape == [n, input.h, input.w], r.header.type == .uint8 else {
                throw TrainingError.badDataset(path: path, "must be uint8 (N, H, W) = [\(n), \(input.h), \(input.w)], is \(r.header.type.descr) \(r.header.shape)")
            }
            guard classCount == 2 else {
                throw TrainingError.badDataset(path: jsonPath, "a segments dataset has 2 classes (background, road), this one \(classCount)")
            }
            pixelLabelReader = r
        } else { pixelLabelReader = nil }
        hasPixelLabels = pixelLabelReader != nil

        // Per (t, c) statistics, whatever the scope.
        let norm = manifest.normalization
        let rows = norm.scope == "date_band" ? input.t : 1, bands = input.c
        guard norm.scope == "band" || norm.scope == "date_band", norm.mean.count == rows, norm.std.count == rows,
              norm.mean.allSatisfy({ $0.count == bands }), norm.std.allSatisfy({ $0.count == bands }) else {
            throw TrainingError.badDataset(path: jsonPath, "normalization (\(norm.scope)) must hold \(rows) row(s) of \(bands) values")
        }
        var mean = [Float](), inv = [Float]()
        for t in 0..<input.t {
            let r = norm.scope == "date_band" ? t : 0
            for c in 0..<input.c {
                let sd = norm.std[r][c]
                mean.append(Float(norm.mean[r][c]))
                inv.append(sd > 0 && sd.isFinite ? Float(1 / sd) : 1)
            }
        }
        self.mean = mean
        inverseStd = inv

        let xBytes = n * input.t * input.c * input.h * input.w * 4
        let featureBytes = hasFeatures ? n * input.t * 2 * input.c * 4 : 0
        if xBytes + featureBytes <= memoryBudget {
            var all = [Float](repeating: 0, count: n * sampleSize)
            try all.withUnsafeMutableBufferPointer { try readX(rows: Array(0..<n), into: $0.baseAddress!) }
            xCache = all
            if let r = pixelLabelReader {
                let all = try r.readAll(as: UInt8.self)
                try Self.checkBinary(all, path: r.path, pixels: input.h * input.w, firstRow: 0)
                pixelLabelCache = all
            }
            if hasFeatures {
                var f = [Float](repeating: 0, count: n * featureSize)
                try f.withUnsafeMutableBufferPointer { try readFeatures(rows: Array(0..<n), into: $0.baseAddress!) }
                featureCache = f
            }
        }
    }

    public var count: Int { labels.count }
    /// Values in one sample of x: T·C·H·W.
    public var sampleSize: Int { input.t * input.c * input.h * input.w }
    /// Values in one sample of features: T·2C.
    public var featureSize: Int { input.t * 2 * input.c }
    /// Number of folds in the fold column (0 when the dataset has none).
    public var foldCount: Int { manifest.splits.folds }

    /// The rows of `role`: by the split column, or with `fold` K by the fold column
    /// (fold K is validation and test, every other fold trains; oversampled copies, fold −1,
    /// are left out so no copy of a held-out sample trains).
    public func rows(_ role: DatasetRole, fold: Int? = nil) throws -> [Int] {
        if let k = fold {
            guard foldCount > 0 else {
                throw TrainingError.invalidOption("--fold \(k): dataset \(folder) has no folds; make it with `sitscube patches … --folds K`")
            }
            guard k >= 0, k < foldCount else {
                throw TrainingError.invalidOption("--fold \(k) is out of range: dataset \(folder) has folds 0..<\(foldCount)")
            }
            switch role {
            case .train: return folds.indices.filter { folds[$0] >= 0 && folds[$0] != k }
            case .validation, .test: return folds.indices.filter { folds[$0] == k }
            case .all: return Array(0..<count)
            }
        }
        switch role {
        case .all: return Array(0..<count)
        default: return splits.indices.filter { splits[$0] == role.rawValue }
        }
    }

    /// Normalised x of `rows` into `out` (rows.count × sampleSize values).
    public func fillX(rows: [Int], into out: UnsafeMutablePointer<Float>) throws {
        if let cache = xCache {
            cache.withUnsafeBufferPointer { src in
                for (i, r) in rows.enumerated() { (out + i * sampleSize).update(from: src.baseAddress! + r * sampleSize, count: sampleSize) }
            }
        } else {
            try readX(rows: rows, into: out)
        }
    }

    /// Normalised features of `rows` into `out` (rows.count × featureSize values).
    public func fillFeatures(rows: [Int], into out: UnsafeMutablePointer<Float>) throws {
        guard hasFeatures else {
            throw TrainingError.badDataset(path: folder + "/features.npy", "missing; models reading per-date statistics need a parcels dataset")
        }
        if let cache = featureCache {
            cache.withUnsafeBufferPointer { src in
                for (i, r) in rows.enumerated() { (out + i * featureSize).update(from: src.baseAddress! + r * featureSize, count: featureSize) }
            }
        } else {
            try readFeatures(rows: rows, into: out)
        }
    }

    /// The 0/1 road masks (labels.npy) of `rows` as Float into `out` (rows.count × H·W values),
    /// the targets of seed 004's loss.
    public func fillPixelLabels(rows: [Int], into out: UnsafeMutablePointer<Float>) throws {
        guard let reader = pixelLabelReader else {
            throw TrainingError.badDataset(path: folder + "/labels.npy", "missing; per-pixel labels come from a `sitscube segments` dataset")
        }
        let hw = input.h * input.w
        if let cache = pixelLabelCache {
            for (i, r) in rows.enumerated() { for p in 0..<hw { out[i * hw + p] = Float(cache[r * hw + p]) } }
            return
        }
        for run in Self.runs(rows) {
            let raw = try reader.read(rows: run.first, count: run.count, as: UInt8.self)
            try Self.checkBinary(raw, path: reader.path, pixels: hw, firstRow: run.first)
            for k in 0..<(run.count * hw) { out[run.at * hw + k] = Float(raw[k]) }
        }
    }

    /// labels.npy must hold only 0 and 1.
    private static func checkBinary(_ values: [UInt8], path: String, pixels: Int, firstRow: Int) throws {
        if let bad = values.firstIndex(where: { $0 > 1 }) {
            throw TrainingError.badDataset(path: path, "row \(firstRow + bad / pixels) holds \(values[bad]); masks must be 0 (background) or 1 (road)")
        }
    }

    /// The pixels (index r·W + c within a patch) that carry the sample's label: the parcel's
    /// pixels where mask.npy exists (the centre when a mask is empty), else the centre pixel.
    public func labeledPixels(row: Int) throws -> [Int] {
        let centre = (input.h / 2) * input.w + input.w / 2
        guard let reader = maskReader else { return [centre] }
        let mask = try reader.read(rows: row, count: 1, as: UInt8.self)
        let inside = mask.indices.filter { mask[$0] != 0 }
        return inside.isEmpty ? [centre] : inside
    }

    /// The centre pixel's series of `rows`, flattened t-major (feature t·C + c), or the
    /// features flattened (t·2C + j) for parcels: what the random forest reads
    /// (seed 001 §III-B, seed 002 §3.3).
    public func forestFeatures(rows: [Int]) throws -> (values: [Float], columns: Int) {
        if hasFeatures {
            var f = [Float](repeating: 0, count: rows.count * featureSize)
            try f.withUnsafeMutableBufferPointer { try fillFeatures(rows: rows, into: $0.baseAddress!) }
            return (f, featureSize)
        }
        let tc = input.t * input.c, hw = input.h * input.w, centre = (input.h / 2) * input.w + input.w / 2
        let chunk = 1024
        var buffer = [Float](repeating: 0, count: min(chunk, max(rows.count, 1)) * sampleSize)
        var out = [Float](repeating: 0, count: rows.count * tc)
        for start in stride(from: 0, to: rows.count, by: chunk) {
            let part = Array(rows[start..<min(rows.count, start + chunk)])
            try buffer.withUnsafeMutableBufferPointer { try fillX(rows: part, into: $0.baseAddress!) }
            for i in 0..<part.count {
                for j in 0..<tc { out[(start + i) * tc + j] = buffer[i * sampleSize + j * hw + centre] }
            }
        }
        return (out, tc)
    }

    // MARK: Reading and normalising

    /// Runs of consecutive rows (at most `limit` long) as (position in `rows`, first row, count):
    /// each run is one read, so loading a whole dataset is a few large reads, not one per row.
    private static func runs(_ rows: [Int], limit: Int = 1024) -> [(at: Int, first: Int, count: Int)] {
        var out: [(Int, Int, Int)] = []
        var i = 0
        while i < rows.count {
            var n = 1
            while i + n < rows.count, n < limit, rows[i + n] == rows[i] + n { n += 1 }
            out.append((i, rows[i], n))
            i += n
        }
        return out
    }

    private func readX(rows: [Int], into out: UnsafeMutablePointer<Float>) throws {
        let hw = input.h * input.w, tc = input.t * input.c
        for run in Self.runs(rows) {
            let raw = try xReader.read(rows: run.first, count: run.count, as: Float.self)
            let masks = try maskReader?.read(rows: run.first, count: run.count, as: UInt8.self)
            for k in 0..<run.count {
                let src = k * sampleSize, dst = out + (run.at + k) * sampleSize
                for j in 0..<tc {
                    let m = mean[j], s = inverseStd[j]
                    for p in 0..<hw {
                        let v = (raw[src + j * hw + p] - m) * s
                        dst[j * hw + p] = v.isNaN ? 0 : v
                    }
                }
                if let masks {
                    // Outside the parcel x.npy holds 0, not a measurement: 0 after normalising too.
                    for p in 0..<hw where masks[k * hw + p] == 0 {
                        for j in 0..<tc { dst[j * hw + p] = 0 }
                    }
                }
            }
        }
    }

    private func readFeatures(rows: [Int], into out: UnsafeMutablePointer<Float>) throws {
        guard let reader = featureReader else { return }
        let c = input.c
        for run in Self.runs(rows) {
            let raw = try reader.read(rows: run.first, count: run.count, as: Float.self)
            for i in 0..<run.count {
                let src = i * featureSize, dst = out + (run.at + i) * featureSize
                for t in 0..<input.t {
                    for j in 0..<(2 * c) {
                        let k = t * c + j % c
                        let value = raw[src + t * 2 * c + j]
                        let v = j < c ? (value - mean[k]) * inverseStd[k] : value * inverseStd[k]
                        dst[t * 2 * c + j] = v.isNaN ? 0 : v
                    }
                }
            }
        }
    }

    /// The split and fold columns of samples.csv.
    private static func readSplits(_ path: String, rows n: Int) throws -> ([String], [Int]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TrainingError.badDataset(path: path, "missing or unreadable")
        }
        var lines = text.split(whereSeparator: \.isNewline)
        guard !lines.isEmpty else { throw TrainingError.badDataset(path: path, "empty") }
        let header = csvFields(String(lines.removeFirst()))
        guard let splitColumn = header.firstIndex(of: "split"), let foldColumn = header.firstIndex(of: "fold") else {
            throw TrainingError.badDataset(path: path, "header must name the split and fold columns, got \(header.joined(separator: ","))")
        }
        guard lines.count == n else { throw TrainingError.badDataset(path: path, "has \(lines.count) rows, x.npy has \(n)") }
        var splits = [String](), folds = [Int]()
        splits.reserveCapacity(n); folds.reserveCapacity(n)
        for (i, line) in lines.enumerated() {
            let f = csvFields(String(line))
            guard f.count == header.count, ["train", "val", "test"].contains(f[splitColumn]), let fold = Int(f[foldColumn]), fold >= -1 else {
                throw TrainingError.badDataset(path: path, "row \(i + 1): expected \(header.count) fields with split train|val|test and an integer fold ≥ −1")
            }
            splits.append(f[splitColumn])
            folds.append(fold)
        }
        return (splits, folds)
    }

    /// One RFC 4180 line: fields split at commas outside double quotes, "" inside quotes is ".
    static func csvFields(_ line: String) -> [String] {
        var fields = [String](), field = "", quoted = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? chars.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true } else if ch == "," { fields.append(field); field = "" } else { field.append(ch) }
        }
        fields.append(field)
        return fields
    }
}
