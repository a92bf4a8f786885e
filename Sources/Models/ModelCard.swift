import Foundation

/// Everything `predict` needs besides the weights (DESIGN.md §3 "Model"): the bands and time
/// labels the model was trained on, the class table, the normalisation and the border policy.
///
/// It travels in the safetensors `__metadata__` next to ``Network/architectureMetadata``, one
/// JSON-valued key per field (``metadata``), so Python's `safetensors` shows each field readably.
public struct ModelCard: Codable, Equatable, Sendable {
    public static let formatTag = "sitscube-model/1"

    /// One class: the code on the map, its name, its output index and an optional RGB colour.
    public struct ClassEntry: Codable, Equatable, Sendable {
        public var code: Int
        public var name: String
        public var index: Int
        /// [r, g, b] in 0…255; nil lets the map writer pick from its default palette.
        public var color: [Int]?
        public init(code: Int, name: String, index: Int, color: [Int]? = nil) {
            self.code = code; self.name = name; self.index = index; self.color = color
        }
    }

    /// z-score statistics applied as (x − mean) / std before the model sees a value.
    public struct Normalization: Codable, Equatable, Sendable {
        /// "band": one row of C values for every date; "date_band": T rows of C values.
        public var scope: String
        public var mean: [[Double]]
        public var std: [[Double]]
        public init(scope: String, mean: [[Double]], std: [[Double]]) {
            self.scope = scope; self.mean = mean; self.std = std
        }

        /// (mean, std) of band c at date t, whatever the scope.
        public func statistics(time t: Int, band c: Int) -> (mean: Double, std: Double) {
            let row = scope == "date_band" ? min(t, mean.count - 1) : 0
            guard row >= 0, row < mean.count, c < mean[row].count, row < std.count, c < std[row].count else { return (0, 1) }
            let s = std[row][c]
            return (mean[row][c], s > 0 && s.isFinite ? s : 1)
        }

        /// Checks the rows and columns agree with T dates and C bands.
        public func validate(times t: Int, bands c: Int) throws {
            let rows = scope == "date_band" ? t : 1
            guard scope == "band" || scope == "date_band" else {
                throw ModelError.badModelFile("normalization scope must be band or date_band, got '\(scope)'")
            }
            guard mean.count == rows, std.count == rows, mean.allSatisfy({ $0.count == c }), std.allSatisfy({ $0.count == c }) else {
                throw ModelError.badModelFile("normalization (\(scope)) must hold \(rows) row(s) of \(c) values for \(t) dates and \(c) bands")
            }
        }
    }

    public var format: String = ModelCard.formatTag
    /// Cube band names in the order the model reads them.
    public var bands: [String]
    /// Cube time labels (`2000-H1` …) in order.
    public var times: [String]
    public var classes: [ClassEntry]
    public var normalization: Normalization
    /// What was done with patches crossing the cube border when the dataset was cut:
    /// "skip", "reflect" or "nan" (see `sitscube patches --pad`). `predict` pads the same way
    /// ("skip" maps the border pixels as nodata).
    public var border: String
    /// "patches", "parcels" or "segments": the dataset kind trained on.
    public var datasetKind: String
    /// Free-form training summary (epochs run, best epoch, validation macro F1, preset …).
    public var training: [String: String]

    public init(bands: [String], times: [String], classes: [ClassEntry], normalization: Normalization,
                border: String, datasetKind: String, training: [String: String] = [:]) {
        self.bands = bands; self.times = times; self.classes = classes; self.normalization = normalization
        self.border = border; self.datasetKind = datasetKind; self.training = training
    }

    enum Key {
        static let format = "format"
        static let bands = "bands"
        static let times = "times"
        static let classTable = "class_table"
        static let normalization = "normalization"
        static let border = "border"
        static let datasetKind = "dataset_kind"
        static let training = "training"
    }

    /// The card as safetensors metadata entries (string → string, JSON where structured).
    public func metadata() throws -> [String: String] {
        func json<T: Encodable>(_ value: T) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        return [Key.format: format, Key.bands: try json(bands), Key.times: try json(times),
                Key.classTable: try json(classes), Key.normalization: try json(normalization),
                Key.border: border, Key.datasetKind: datasetKind, Key.training: try json(training)]
    }

    /// Reads a card back from a model file's metadata.
    /// - Throws: `ModelError.badModelFile` naming the missing or malformed key.
    public init(metadata: [String: String]) throws {
        func field<T: Decodable>(_ key: String, _ type: T.Type) throws -> T {
            guard let text = metadata[key] else {
                throw ModelError.badModelFile("metadata lacks '\(key)'; train the model with `sitscube train` so it carries bands, times, classes and normalization")
            }
            do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                throw ModelError.badModelFile("metadata '\(key)' is not valid: \(error)")
            }
        }
        format = metadata[Key.format] ?? ModelCard.formatTag
        guard format == ModelCard.formatTag else {
            throw ModelError.badModelFile("format '\(format)' is not \(ModelCard.formatTag)")
        }
        bands = try field(Key.bands, [String].self)
        times = try field(Key.times, [String].self)
        classes = try field(Key.classTable, [ClassEntry].self)
        normalization = try field(Key.normalization, Normalization.self)
        border = metadata[Key.border] ?? "skip"
        datasetKind = metadata[Key.datasetKind] ?? "patches"
        training = (try? field(Key.training, [String: String].self)) ?? [:]
        try normalization.validate(times: times.count, bands: bands.count)
        guard Set(classes.map(\.index)) == Set(0..<classes.count) else {
            throw ModelError.badModelFile("class_table indices must be 0..<\(classes.count)")
        }
    }
}

/// A model file as `predict` and `evaluate` see it: a neural network or a random forest, with its card.
public enum TrainedModel {
    case network(Network)
    case forest(RandomForest)

    /// Reads `model.safetensors`, whichever kind it holds (random forests carry `model: rf`).
    public static func read(from url: URL) throws -> (model: TrainedModel, card: ModelCard, metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.badModelFile("cannot read \(url.path): \(error.localizedDescription)")
        }
        let header: [String: String]
        do { header = try SafetensorsIO.decode(data).metadata } catch {
            throw ModelError.badModelFile("\(url.lastPathComponent): \(error)")
        }
        if header[Network.MetadataKey.model] == "rf" {
            let (forest, meta) = try RandomForest.decode(data)
            return (.forest(forest), try ModelCard(metadata: meta), meta)
        }
        let (network, meta) = try Network.read(from: url)
        return (.network(network), try ModelCard(metadata: meta), meta)
    }
}
