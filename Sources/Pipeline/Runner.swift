import Foundation
import GeoIO
import Logging

/// What a finished stage leaves in WORKDIR/.sitscube/stages/NAME.json.
public struct StageRecord: Codable, Equatable, Sendable {
    public var stage: StageName
    /// Digest of the stage's command lines and its inputs' fingerprints.
    public var inputsHash: String
    /// Fingerprint of each product after success.
    public var products: [String: String]
    public var seconds: Double
    public var finished: String
    public var commands: [[String]]
}

/// A run's problem: a stage that failed, or options that do not fit together.
public struct RunError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What the runner decides for one stage.
public enum StageDecision: Equatable, Sendable {
    case run(reason: String)
    case skip
    /// In a dry run: an earlier stage runs, so this one runs after it whatever it finds now.
    case runAfterUpstream
}

/// Runs a pipeline's stages in order as child processes of the `sitscube` binary, skipping
/// each stage whose outputs are complete and whose inputs and settings are unchanged.
public struct PipelineRunner {
    public let planner: StagePlanner
    /// The `sitscube` executable the stages run with.
    public let binary: String
    public var logger = Logger(label: "sitscube.run")

    public init(config: PipelineConfig, binary: String, quick: Bool = false) {
        planner = StagePlanner(config: config, quick: quick)
        self.binary = binary
    }

    public var layout: WorkLayout { planner.layout }

    /// The stages from `from` (or only `only`), with `shard` for the shardable ones.
    public func selectedStages(from: StageName? = nil, until: StageName? = nil, only: [StageName] = [], shard: String? = nil) throws -> [Stage] {
        let all = planner.stages(shard: shard)
        let names = all.map(\.name)
        for name in only + [from, until].compactMap({ $0 }) where !names.contains(name) {
            throw RunError("stage '\(name.rawValue)' is not part of this pipeline (its stages: \(names.map(\.rawValue).joined(separator: ", ")))")
        }
        var chosen = all
        if !only.isEmpty { chosen = all.filter { only.contains($0.name) } }
        if let from, let i = names.firstIndex(of: from) { chosen = chosen.filter { (names.firstIndex(of: $0.name) ?? 0) >= i } }
        if let until, let i = names.firstIndex(of: until) { chosen = chosen.filter { (names.firstIndex(of: $0.name) ?? 0) <= i } }
        if shard != nil, let other = chosen.first(where: { !$0.name.shardable }) {
            throw RunError("--shard splits only the cube and predict stages, and '\(other.name.rawValue)' was selected; add --only cube or --only predict (a run without --shard then merges the shards)")
        }
        return chosen
    }

    func recordPath(_ name: StageName) -> String { layout.records + "/\(name.rawValue).json" }

    public func record(of name: StageName) -> StageRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(name)) else { return nil }
        return try? JSONDecoder().decode(StageRecord.self, from: data)
    }

    /// Digest of the command lines, the current fingerprints of the inputs, and the records of
    /// the stages before it: a stage that ran again makes every later stage run again, even
    /// where the folder fingerprints (paths, sizes, manifests) happen to be equal.
    func inputsHash(_ stage: Stage) -> String {
        var text = stage.commands.map { $0.arguments.joined(separator: "\u{0}") + "\u{1}" + ($0.stdoutFile ?? "") }.joined(separator: "\n")
        for input in stage.inputs { text += "\n" + input + "=" + Fingerprint.of(input) }
        for earlier in StageName.allCases.prefix(while: { $0 != stage.name }) {
            if let r = record(of: earlier) { text += "\n" + earlier.rawValue + "@" + r.finished + "/" + r.inputsHash }
        }
        return Fingerprint.text(text)
    }

    /// Whether a stage must run: its record, outputs and inputs as they are now.
    public func decide(_ stage: Stage) -> StageDecision {
        guard let record = record(of: stage.name) else { return .run(reason: "never completed") }
        if let missing = stage.outputs.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
            return .run(reason: "\(missing) is missing")
        }
        if let changed = stage.products.first(where: { record.products[$0] != Fingerprint.of($0) }) {
            return .run(reason: "\(changed) changed since it was written")
        }
        if record.inputsHash != inputsHash(stage) { return .run(reason: "inputs or settings changed") }
        return .skip
    }

    /// The plan of a dry run: each stage and what would happen to it.
    public func plan(_ stages: [Stage]) -> [(Stage, StageDecision)] {
        var upstreamRuns = false
        return stages.map { stage in
            let d = decide(stage)
            if upstreamRuns, d == .skip { return (stage, .runAfterUpstream) }
            if d != .skip { upstreamRuns = true }
            return (stage, d)
        }
    }

    /// Runs the stages; returns what each did ("ran" / "skipped") in order.
    @discardableResult
    public func run(_ stages: [Stage], sharded: Bool = false) throws -> [(StageName, Bool)] {
        var done: [(StageName, Bool)] = []
        try FileManager.default.createDirectory(atPath: layout.records, withIntermediateDirectories: true)
        for stage in stages {
            if !sharded, decide(stage) == .skip {
                logger.info("stage \(stage.name.rawValue): up to date, skipped")
                done.append((stage.name, false))
                continue
            }
            logger.info("stage \(stage.name.rawValue): running")
            let hash = inputsHash(stage)
            let start = Date()
            for command in stage.commands { try execute(command) }
            let seconds = Date().timeIntervalSince(start)
            done.append((stage.name, true))
            // A shard's run leaves staged pieces, not the stage's outputs: nothing to record.
            guard !sharded else { continue }
            if let missing = stage.outputs.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                throw RunError("stage \(stage.name.rawValue) finished but did not write \(missing)")
            }
            let record = StageRecord(stage: stage.name, inputsHash: hash,
                                     products: Dictionary(uniqueKeysWithValues: stage.products.map { ($0, Fingerprint.of($0)) }),
                                     seconds: seconds, finished: Self.timestamp(),
                                     commands: stage.commands.map(\.arguments))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try writeAtomically(try encoder.encode(record), to: recordPath(stage.name))
            logger.info("stage \(stage.name.rawValue): done in \(String(format: "%.1f", seconds)) s")
        }
        return done
    }

    /// UTC time to the millisecond: two runs of a stage get different records.
    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }

    /// Runs one `sitscube` child; its progress and logs pass through to this terminal.
    func execute(_ command: StageCommand) throws {
        let shown = (["sitscube"] + command.arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        logger.info("$ \(shown)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = command.arguments
        var tmp: String?
        if let out = command.stdoutFile {
            try FileManager.default.createDirectory(atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let t = out + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
            _ = FileManager.default.createFile(atPath: t, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: t) else { throw RunError("cannot write \(t)") }
            process.standardOutput = handle
            tmp = t
        }
        do { try process.run() } catch {
            throw RunError("cannot start \(binary): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal || process.terminationStatus != 0 {
            if let tmp { try? FileManager.default.removeItem(atPath: tmp) }
            throw RunError("stage command failed (exit \(process.terminationStatus)): \(shown)")
        }
        if let tmp, let out = command.stdoutFile {
            try AtomicOutput.commit(tmp, to: out)
        }
    }
}

/// Writes bytes under a temporary name and renames them into place.
func writeAtomically(_ data: Data, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try AtomicOutput.write(data, to: path)
}
