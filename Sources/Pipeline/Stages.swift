import Foundation

/// The stages of a pipeline, in order. Each runs one `sitscube` subcommand (DESIGN.md §4) as a
/// child process, so a stage is exactly what a user would type, and re-runs alone.
public enum StageName: String, CaseIterable, Codable, Sendable {
    case scenes, cube, samples, train, evaluate, cv, predict

    /// Stages whose work splits over `--shard I/N` (grid blocks / map tiles); a run of the same
    /// stage without a shard merges the shards' staged pieces into the single-machine output.
    public var shardable: Bool { self == .cube || self == .predict }
}

/// One child command of a stage.
public struct StageCommand: Equatable, Sendable {
    /// Arguments after the `sitscube` binary.
    public var arguments: [String]
    /// File that receives the child's standard output (nil: the terminal).
    public var stdoutFile: String?
}

/// A stage as planned from a pipeline file: its commands, the paths it reads and writes.
public struct Stage: Equatable, Sendable {
    public let name: StageName
    public var commands: [StageCommand]
    /// Files and folders whose content decides the outputs (besides the arguments).
    public var inputs: [String]
    /// Files that exist only once the stage is complete (each command writes them last).
    public var outputs: [String]
    /// Files and folders the stage writes, fingerprinted after success: a later change to them
    /// (a deleted or edited file) makes the stage run again.
    public var products: [String]

    init(name: StageName, commands: [StageCommand], inputs: [String], outputs: [String], products: [String]? = nil) {
        self.name = name
        self.commands = commands
        self.inputs = inputs
        self.outputs = outputs
        self.products = products ?? outputs
    }
}

/// Paths inside the work folder.
public struct WorkLayout: Sendable {
    public let root: String
    public init(_ root: String) { self.root = root }
    public var scenes: String { root + "/scenes.json" }
    public var cube: String { root + "/cube" }
    public var dataset: String { root + "/dataset" }
    public func modelFolder(_ name: String) -> String { root + "/models/" + name }
    public func model(_ name: String) -> String { modelFolder(name) + "/model.safetensors" }
    public func evaluation(_ name: String) -> String { modelFolder(name) + "/eval" }
    public func cv(_ name: String) -> String { root + "/cv/" + name }
    public var map: String { root + "/map.tif" }
    public var quicklook: String { root + "/map.png" }
    public var probabilities: String { root + "/probabilities.tif" }
    public var confidence: String { root + "/confidence.tif" }
    public var records: String { root + "/.sitscube/stages" }
    public var reportMarkdown: String { root + "/report.md" }
    public var reportHTML: String { root + "/report.html" }
}

/// Builds the stages' command lines from a validated pipeline.
public struct StagePlanner: Sendable {
    public let config: PipelineConfig
    public let quick: Bool
    public let layout: WorkLayout

    public init(config: PipelineConfig, quick: Bool = false) {
        self.config = config
        self.quick = quick
        layout = WorkLayout(config.text(PipelineSchema.workdir) ?? "work")
    }

    private typealias S = PipelineSchema

    /// Every stage the pipeline holds, in order; `shard` goes to the shardable ones.
    public func stages(shard: String? = nil) -> [Stage] {
        var all = [scenesStage(), cubeStage(shard: shard), samplesStage(), trainStage()]
        if config.flag(S.evaluate) { all.append(evaluateStage()) }
        if (config.int(S.cvFolds) ?? 0) > 0 { all.append(cvStage()) }
        if config.flag(S.predictEnabled) { all.append(predictStage(shard: shard)) }
        return all
    }

    func filterArguments() -> [String] {
        var a = ["--sensor", config.text(S.sensor) ?? "all"]
        let platforms = config.texts(S.platforms), tiles = config.texts(S.tiles)
        if !platforms.isEmpty { a += ["--platform", platforms.joined(separator: ",")] }
        if !tiles.isEmpty { a += ["--tile", tiles.joined(separator: ",")] }
        if let f = config.text(S.from) { a += ["--from", f] }
        if let t = config.text(S.to) { a += ["--to", t] }
        a += ["--max-cloud", SettingValue.number(config.number(S.maxCloud) ?? 50).description]
        if config.flag(S.landCloud) { a.append("--land-cloud") }
        return a
    }

    var archive: String { config.text(S.archive) ?? "" }

    func scenesStage() -> Stage {
        Stage(name: .scenes, commands: [StageCommand(arguments: ["scenes", archive, "--json"] + filterArguments(), stdoutFile: layout.scenes)],
              inputs: [archive], outputs: [layout.scenes])
    }

    /// The grid as `sitscube cube --grid` reads it.
    var gridArgument: String? {
        if let like = config.text(S.gridLike) { return "like:" + like }
        guard let epsg = config.int(S.gridEPSG), let res = config.number(S.gridResolution) else { return nil }
        var g = "EPSG:\(epsg),\(SettingValue.number(res))"
        if let e = config.numbers(S.gridExtent) { g += "," + e.map { SettingValue.number($0).description }.joined(separator: ",") }
        return g
    }

    func cubeStage(shard: String?) -> Stage {
        var a = ["cube", archive, "-o", layout.cube] + filterArguments()
        a += ["--windows", config.text(S.windows) ?? "half-year", "--reducer", config.text(S.reducer) ?? "median"]
        let bands = config.texts(S.bands)
        if !bands.isEmpty { a += ["--bands", bands.joined(separator: ",")] }
        let indices = config.texts(S.indices)
        a += ["--indices", indices.isEmpty ? "none" : indices.joined(separator: ",")]
        if config.flag(S.indicesBeforeComposite) { a.append("--indices-before-composite") }
        a += ["--fill", config.text(S.fillMethod) ?? "linear", "--fill-ends", config.text(S.fillEnds) ?? "nearest"]
        if let g = gridArgument { a += ["--grid", g] }
        if let b = config.int(S.maskBuffer), b > 0 { a += ["--buffer", "\(b)"] }
        if config.flag(S.maskSnow) { a.append("--mask-snow") }
        if config.flag(S.maskDark) { a.append("--mask-dark") }
        if config.flag(S.maskSaturated) { a.append("--mask-saturated") }
        if let c = config.int(S.cloudConfidence) { a += ["--cloud-confidence", "\(c)"] }
        a += ["--resampling", config.text(S.resampling) ?? "bilinear", "--memory", config.text(S.memory) ?? "1GiB"]
        if let b = config.int(S.block) { a += ["--block", "\(b)"] }
        if let shard { a += ["--shard", shard] }
        var inputs = [archive]
        if let like = config.text(S.gridLike) { inputs.append(like) }
        return Stage(name: .cube, commands: [StageCommand(arguments: a, stdoutFile: nil)], inputs: inputs,
                     outputs: [layout.cube + "/cube.json"], products: [layout.cube])
    }

    /// Folds of the dataset; --quick keeps at most 2.
    var datasetFolds: Int {
        let f = config.int(S.folds) ?? 3
        return quick ? min(f, 2) : f
    }

    var cvFolds: Int {
        let f = config.int(S.cvFolds) ?? 0
        return quick ? min(f, 2) : f
    }

    /// Labels kept per class; --quick caps it at samples.quick_max_per_class so CI trains in seconds.
    var maxPerClass: Int? {
        let n = config.int(S.maxPerClass)
        guard quick else { return n }
        let cap = config.int(S.quickMaxPerClass) ?? 60
        return min(n ?? cap, cap)
    }

    func samplesStage() -> Stage {
        let kind = config.text(S.samplesKind) ?? "patches"
        let labels = config.text(S.labels) ?? ""
        var a: [String]
        switch kind {
        case "segments":
            a = ["segments", layout.cube, "--labels", labels, "--size", "\(config.int(S.size) ?? 512)"]
            if let d = config.int(S.dilate), d > 0 { a += ["--dilate", "\(d)"] }
            a += ["-o", layout.dataset]
        default:
            a = kind == "parcels" ? ["parcels", layout.cube, "--parcels", labels] : ["patches", layout.cube, "--labels", labels]
            a += ["-o", layout.dataset, "--size", "\(config.int(S.size) ?? 9)"]
            if let f = config.text(S.field) { a += ["--field", f] }
            if let f = config.text(S.nameField) { a += ["--name-field", f] }
            if let f = config.text(S.groupField) { a += ["--group-field", f] }
            if kind == "patches" {
                a += ["--pad", config.text(S.pad) ?? "skip"]
                if let n = config.int(S.perPolygon) { a += ["--per-polygon", "\(n)"] }
                if let n = maxPerClass { a += ["--max-per-class", "\(n)"] }
            }
            if config.flag(S.keepNaN) { a.append("--keep-nan") }
            let split = (config.numbers(S.split) ?? [75, 10, 15]).map { SettingValue.number($0).description }
            a += ["--split", split.joined(separator: ","), "--folds", "\(datasetFolds)", "--seed", "\(config.int(S.seed) ?? 42)"]
            if config.flag(S.oversample) { a.append("--oversample") }
        }
        return Stage(name: .samples, commands: [StageCommand(arguments: a, stdoutFile: nil)],
                     inputs: [layout.cube, labels], outputs: [layout.dataset + "/dataset.json"], products: [layout.dataset])
    }

    var models: [String] { config.texts(S.models) }

    /// `sitscube train` for one model; --quick caps the epochs at train.quick_epochs.
    public func trainArguments(model: String) -> [String] {
        var a = ["train", layout.dataset, "--model", model, "-o", layout.model(model)] + trainingOptions(model: model)
        if let f = config.int(S.trainFold) { a += ["--fold", "\(f)"] }
        return a
    }

    /// The settings `train` and `cv` share, so each fold trains as the kept model did.
    func trainingOptions(model: String) -> [String] {
        var a: [String] = []
        if let p = config.text(S.preset) { a += ["--preset", p] }
        let quickEpochs = config.int(S.quickEpochs) ?? 2
        if quick { a += ["--epochs", "\(min(config.int(S.epochs) ?? quickEpochs, quickEpochs))"] }
        else if let e = config.int(S.epochs) { a += ["--epochs", "\(e)"] }
        if let b = config.int(S.batch) { a += ["--batch", "\(b)"] }
        if let o = config.text(S.optimizer) { a += ["--optimizer", o] }
        if let lr = config.number(S.lr) { a += ["--lr", "\(lr)"] }
        a += ["--seed", "\(config.int(S.seed) ?? 42)"]
        if let p = config.int(S.patience) { a += ["--patience", "\(p)"] }
        for h in hyperparameters(model: model) { a += ["--hp", h] }
        return a
    }

    /// train.hp items for one model: "key=value" goes to every model, "MODEL:key=value" to that
    /// model only (architectures take different keys).
    public func hyperparameters(model: String) -> [String] {
        config.texts(S.hp).compactMap { item in
            guard let colon = item.firstIndex(of: ":"), let eq = item.firstIndex(of: "="), colon < eq else { return item }
            return item[..<colon] == model ? String(item[item.index(after: colon)...]) : nil
        }
    }

    func trainStage() -> Stage {
        Stage(name: .train, commands: models.map { StageCommand(arguments: trainArguments(model: $0), stdoutFile: nil) },
              inputs: [layout.dataset], outputs: models.map { layout.model($0) }, products: models.map { layout.modelFolder($0) })
    }

    func evaluateStage() -> Stage {
        Stage(name: .evaluate,
              commands: models.map { StageCommand(arguments: ["evaluate", layout.model($0), layout.dataset, "--split", "test", "-o", layout.evaluation($0)], stdoutFile: nil) },
              inputs: models.map { layout.model($0) } + [layout.dataset], outputs: models.map { layout.evaluation($0) + "/report.json" }, products: models.map { layout.evaluation($0) })
    }

    func cvStage() -> Stage {
        Stage(name: .cv,
              commands: models.map {
                  StageCommand(arguments: ["cv", layout.dataset, "--model", $0, "--folds", "\(cvFolds)", "-o", layout.cv($0)] + trainingOptions(model: $0), stdoutFile: nil)
              },
              inputs: [layout.dataset], outputs: models.map { layout.cv($0) })
    }

    public var mapModel: String { config.text(S.predictModel) ?? models.first ?? "" }

    func predictStage(shard: String?) -> Stage {
        var a = ["predict", layout.model(mapModel), layout.cube, "-o", layout.map]
        var inputs = [layout.model(mapModel), layout.cube]
        if let m = config.text(S.predictMask) { a += ["--mask", m]; inputs.append(m) }
        if config.flag(S.probabilities) { a += ["--probabilities", layout.probabilities] }
        if config.flag(S.confidence) { a += ["--confidence", layout.confidence] }
        a += ["--tile", "\(config.int(S.tile) ?? 512)"]
        if config.flag(S.quicklook) { a += ["--quicklook", layout.quicklook] }
        if let shard { a += ["--shard", shard] }
        var outputs = [layout.map]
        if config.flag(S.quicklook) { outputs.append(layout.quicklook) }
        return Stage(name: .predict, commands: [StageCommand(arguments: a, stdoutFile: nil)], inputs: inputs, outputs: outputs)
    }
}
