/// Every key of a pipeline file, declared once: its path, type, range or choices, default and
/// help. Validation (`PipelineFile`), the commented template (`PipelineTemplate`) and the typed
/// reads of the stages (`PipelineConfig`) all come from this table, in the manner of FORCE's
/// parameter registration.

/// A setting's value as the file gives it (and as the effective settings are written back).
public enum SettingValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case number(Double)
    case text(String)
    case flag(Bool)
    case texts([String])
    case numbers([Double])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Bool.self) { self = .flag(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .text(v) }
        else if let v = try? c.decode([Double].self) { self = .numbers(v) }
        else { self = .texts(try c.decode([String].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .number(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        case .flag(let v): try c.encode(v)
        case .texts(let v): try c.encode(v)
        case .numbers(let v): try c.encode(v)
        }
    }

    /// As it would be written in YAML.
    public var description: String {
        switch self {
        case .int(let v): return "\(v)"
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
        case .text(let v): return v.isEmpty || v.contains(where: { ":#,[]{}".contains($0) }) ? "\"\(v)\"" : v
        case .flag(let v): return v ? "true" : "false"
        case .texts(let v): return "[" + v.map { SettingValue.text($0).description }.joined(separator: ", ") + "]"
        case .numbers(let v): return "[" + v.map { SettingValue.number($0).description }.joined(separator: ", ") + "]"
        }
    }
}

/// What a key accepts.
public enum SettingKind: Sendable {
    case int(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    /// Free text, or one of `choices` when given.
    case text(choices: [String]?)
    case flag
    /// A list of text items, each one of `choices` when given.
    case texts(choices: [String]?)
    /// A list of numbers, each in `range`, of exactly `count` items when given.
    case numbers(ClosedRange<Double>, count: Int?)

    var name: String {
        switch self {
        case .int(let r): return "an integer from \(r.lowerBound) to \(r.upperBound)"
        case .number(let r): return "a number from \(SettingValue.number(r.lowerBound)) to \(SettingValue.number(r.upperBound))"
        case .text(let choices): return choices.map { "one of " + $0.joined(separator: ", ") } ?? "text"
        case .flag: return "true or false"
        case .texts(let choices): return "a list" + (choices.map { " of " + $0.joined(separator: ", ") } ?? " of text")
        case .numbers(let r, let count):
            return "a list of " + (count.map { "\($0) " } ?? "") + "numbers from \(SettingValue.number(r.lowerBound)) to \(SettingValue.number(r.upperBound))"
        }
    }
}

/// One key of the file.
public struct SettingKey: Sendable, Hashable {
    /// Dotted path: "train.epochs", or "archive" at the top level.
    public let path: String
    public let kind: SettingKind
    /// nil: no default (the stage leaves the choice to the command, or the key is required).
    public let defaultValue: SettingValue?
    public let required: Bool
    public let help: String

    init(_ path: String, _ kind: SettingKind, _ defaultValue: SettingValue? = nil, required: Bool = false, _ help: String) {
        self.path = path
        self.kind = kind
        self.defaultValue = defaultValue
        self.required = required
        self.help = help
    }

    public var section: String? { path.contains(".") ? String(path.split(separator: ".")[0]) : nil }
    public var name: String { String(path.split(separator: ".").last ?? "") }

    public static func == (a: SettingKey, b: SettingKey) -> Bool { a.path == b.path }
    public func hash(into h: inout Hasher) { h.combine(path) }
}

/// The sections of a pipeline file, in stage order, with their help lines.
public enum PipelineSchema {
    public static let sections: [(name: String, help: String)] = [
        ("scenes", "Which scenes of the archive take part (`sitscube scenes` filters)."),
        ("grid", "The cube's grid (default: the first scene's grid)."),
        ("mask", "Cloud and shadow masking of each scene (QA_PIXEL / SCL)."),
        ("composite", "Time windows and the reducer over each window's valid observations."),
        ("fill", "Gap filling in time of what stays NaN after compositing."),
        ("samples", "Training samples cut from the cube: patches, parcels or segments."),
        ("train", "Models, training settings and cross-validation."),
        ("predict", "The wall-to-wall map."),
    ]

    static let bandNames = ["coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "swir1", "swir2", "thermal"]
    static let presets = ["seed000", "seed001", "seed002", "seed003", "seed004"]
    static let anyCount = 0...1_000_000
    static let positive = 1e-12...1e12

    // MARK: top level
    public static let archive = SettingKey("archive", .text(choices: nil), required: true, "Scene archive folder (Landsat C2 L2 / Sentinel-2 L2A products, searched recursively).")
    public static let workdir = SettingKey("workdir", .text(choices: nil), .text("work"), "Folder every stage writes into (cube/, dataset/, models/, map.tif, report.md).")
    public static let seed = SettingKey("seed", .int(0...2_147_483_647), .int(42), "Seed of every random choice (splits, folds, sampling, weights).")
    public static let bands = SettingKey("bands", .texts(choices: bandNames), .texts([]), "Reflectance bands of the cube ([] = every band all scenes share).")
    public static let indices = SettingKey("indices", .texts(choices: nil), .texts(["ndvi", "ndmi"]), "Indices appended after the bands: ndvi, ndmi, ndwi, bi, nd:A:B ([] = none).")

    // MARK: scenes
    public static let sensor = SettingKey("scenes.sensor", .text(choices: ["landsat", "sentinel2", "all"]), .text("all"), "Sensor family.")
    public static let platforms = SettingKey("scenes.platforms", .texts(choices: nil), .texts([]), "Platforms such as LANDSAT_5, LANDSAT_7, SENTINEL_2A ([] = all).")
    public static let tiles = SettingKey("scenes.tiles", .texts(choices: nil), .texts([]), "WRS-2 path/rows (008059) or MGRS tiles (29RKH) ([] = all).")
    public static let from = SettingKey("scenes.from", .text(choices: nil), nil, "First acquisition date, YYYY-MM-DD (default: the first scene).")
    public static let to = SettingKey("scenes.to", .text(choices: nil), nil, "Last acquisition date, YYYY-MM-DD (default: the last scene).")
    public static let maxCloud = SettingKey("scenes.max_cloud", .number(0...100), .number(50), "Maximum scene cloud cover in percent.")
    public static let landCloud = SettingKey("scenes.land_cloud", .flag, .flag(false), "Use Landsat's CLOUD_COVER_LAND instead of CLOUD_COVER.")

    // MARK: grid
    public static let gridLike = SettingKey("grid.like", .text(choices: nil), nil, "Take the grid of this GeoTIFF.")
    public static let gridEPSG = SettingKey("grid.epsg", .int(1...999_999), nil, "EPSG code of the grid's CRS (with resolution).")
    public static let gridResolution = SettingKey("grid.resolution", .number(positive), nil, "Pixel size in CRS units (with epsg).")
    public static let gridExtent = SettingKey("grid.extent", .numbers(-1e9...1e9, count: 4), nil, "xmin, ymin, xmax, ymax in the grid's CRS (with epsg).")

    // MARK: mask
    public static let maskBuffer = SettingKey("mask.buffer", .int(0...100), .int(0), "Grow clouds and shadows by this many pixels.")
    public static let maskSnow = SettingKey("mask.snow", .flag, .flag(false), "Also mask snow and ice.")
    public static let maskDark = SettingKey("mask.dark", .flag, .flag(false), "Also mask Sentinel-2 dark areas (SCL 2).")
    public static let maskSaturated = SettingKey("mask.saturated", .flag, .flag(false), "Also mask saturated pixels (Landsat QA_RADSAT).")
    public static let cloudConfidence = SettingKey("mask.cloud_confidence", .int(1...3), nil, "Also mask Landsat cloud confidence at or above this level (1 low, 2 medium, 3 high).")
    public static let resampling = SettingKey("mask.resampling", .text(choices: ["nearest", "bilinear", "cubic", "average"]), .text("bilinear"), "Resampling of scenes off the grid.")

    // MARK: composite
    public static let windows = SettingKey("composite.windows", .text(choices: nil), .text("half-year"), "half-year, quarter, month, year, scene, or START:END[,START:END…].")
    public static let reducer = SettingKey("composite.reducer", .text(choices: nil), .text("median"), "median, mean, min, max or pNN.")
    public static let indicesBeforeComposite = SettingKey("composite.indices_before_composite", .flag, .flag(false), "Compute indices per scene and composite them.")
    public static let memory = SettingKey("composite.memory", .text(choices: nil), .text("1GiB"), "Memory for block buffers (512MiB, 1GiB…).")
    public static let block = SettingKey("composite.block", .int(16...4096), nil, "Fixed block side in pixels (default: from memory); shards split the grid's blocks.")

    // MARK: fill
    public static let fillMethod = SettingKey("fill.method", .text(choices: ["linear", "none"]), .text("linear"), "Gap filling in time.")
    public static let fillEnds = SettingKey("fill.ends", .text(choices: ["nearest", "none"]), .text("nearest"), "Leading and trailing gaps: nearest valid value, or NaN.")

    // MARK: samples
    public static let samplesKind = SettingKey("samples.kind", .text(choices: ["patches", "parcels", "segments"]), .text("patches"), "patches (labelled windows), parcels (polygon crops) or segments (tiles with label masks).")
    public static let labels = SettingKey("samples.labels", .text(choices: nil), required: true, "Labels: points/polygons (GeoJSON, GPKG, SHP, CSV) or a label raster; parcel polygons for parcels; lines or polygons for segments.")
    public static let field = SettingKey("samples.field", .text(choices: nil), nil, "Attribute holding the class code (default: the command's).")
    public static let nameField = SettingKey("samples.name_field", .text(choices: nil), nil, "Attribute holding the class name.")
    public static let groupField = SettingKey("samples.group_field", .text(choices: nil), nil, "Attribute keeping samples together in one split and fold.")
    public static let size = SettingKey("samples.size", .int(1...4096), .int(9), "Window side in pixels: odd for patches (9 in seed 000), 32 for parcels, 512 for segments.")
    public static let pad = SettingKey("samples.pad", .text(choices: ["skip", "reflect", "nan"]), .text("skip"), "Patches crossing the cube border.")
    public static let keepNaN = SettingKey("samples.keep_nan", .flag, .flag(false), "Keep samples holding NaN.")
    public static let perPolygon = SettingKey("samples.per_polygon", .int(1...anyCount.upperBound), nil, "At most this many pixels per polygon.")
    public static let maxPerClass = SettingKey("samples.max_per_class", .int(1...anyCount.upperBound), nil, "At most this many labels per class.")
    public static let quickMaxPerClass = SettingKey("samples.quick_max_per_class", .int(1...anyCount.upperBound), .int(60), "Patches: at most this many labels per class under `sitscube run --quick` (CI).")
    public static let split = SettingKey("samples.split", .numbers(0...100, count: 3), .numbers([75, 10, 15]), "Train, validation and test shares in percent.")
    public static let folds = SettingKey("samples.folds", .int(0...100), .int(3), "Stratified folds in the fold column (0 for none).")
    public static let oversample = SettingKey("samples.oversample", .flag, .flag(false), "Repeat train samples of smaller classes up to the largest.")
    public static let dilate = SettingKey("samples.dilate", .int(0...1000), .int(0), "Segments: widen line labels by this many pixels.")

    // MARK: train
    public static let models = SettingKey("train.models", .texts(choices: nil), .texts(["cnn-lstm"]), "Models to train (`sitscube models` lists them); rf is the random forest.")
    public static let preset = SettingKey("train.preset", .text(choices: presets), nil, "Training settings of a paper (optimizer, lr, epochs, batch).")
    public static let epochs = SettingKey("train.epochs", .int(1...100_000), nil, "Epochs (overrides the preset).")
    public static let batch = SettingKey("train.batch", .int(1...1_000_000), nil, "Batch size (overrides the preset).")
    public static let optimizer = SettingKey("train.optimizer", .text(choices: ["sgd", "adam", "rmsprop"]), nil, "Optimizer (overrides the preset).")
    public static let lr = SettingKey("train.lr", .number(positive), nil, "Learning rate (overrides the preset).")
    public static let patience = SettingKey("train.patience", .int(1...100_000), nil, "Early stopping after this many epochs without a better validation loss.")
    public static let trainFold = SettingKey("train.fold", .int(0...99), nil, "Train on the other folds and validate on this one.")
    public static let hp = SettingKey("train.hp", .texts(choices: nil), .texts([]), "Hyper-parameters as key=value (every model) or MODEL:key=value (that model only).")
    public static let cvFolds = SettingKey("train.cv_folds", .int(0...100), .int(0), "Cross-validate each model over this many folds (0: no cross-validation).")
    public static let evaluate = SettingKey("train.evaluate", .flag, .flag(true), "Score each model on the test split.")
    public static let quickEpochs = SettingKey("train.quick_epochs", .int(1...1000), .int(2), "Epochs under `sitscube run --quick` (CI).")

    // MARK: predict
    public static let predictEnabled = SettingKey("predict.enabled", .flag, .flag(true), "Make the map.")
    public static let predictModel = SettingKey("predict.model", .text(choices: nil), nil, "Which trained model maps (default: the first of train.models).")
    public static let predictMask = SettingKey("predict.mask", .text(choices: nil), nil, "Raster on the cube's grid: only non-zero pixels are classified.")
    public static let probabilities = SettingKey("predict.probabilities", .flag, .flag(false), "Also write probabilities.tif (one UInt8 percent band per class).")
    public static let confidence = SettingKey("predict.confidence", .flag, .flag(false), "Also write confidence.tif.")
    public static let tile = SettingKey("predict.tile", .int(16...8192), .int(512), "Tile side of the predictor in pixels.")
    public static let quicklook = SettingKey("predict.quicklook", .flag, .flag(true), "Also write map.png with its legend.")

    /// Every key, in template order.
    public static let keys: [SettingKey] = [
        archive, workdir, seed, bands, indices,
        sensor, platforms, tiles, from, to, maxCloud, landCloud,
        gridLike, gridEPSG, gridResolution, gridExtent,
        maskBuffer, maskSnow, maskDark, maskSaturated, cloudConfidence, resampling,
        windows, reducer, indicesBeforeComposite, memory, block,
        fillMethod, fillEnds,
        samplesKind, labels, field, nameField, groupField, size, pad, keepNaN, perPolygon, maxPerClass, quickMaxPerClass, split, folds, oversample, dilate,
        models, preset, epochs, batch, optimizer, lr, patience, trainFold, hp, cvFolds, evaluate, quickEpochs,
        predictEnabled, predictModel, predictMask, probabilities, confidence, tile, quicklook,
    ]

    static let byPath: [String: SettingKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

    /// Names valid at the top level: the top-level keys and the sections.
    static var topLevelNames: [String] { keys.filter { $0.section == nil }.map(\.path) + sections.map(\.name) }

    static func keys(in section: String) -> [SettingKey] { keys.filter { $0.section == section } }
}
