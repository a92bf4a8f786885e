import ArgumentParser
import Cube
import Foundation
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a pipeline file, resuming what is already done.",
        discussion: """
            Runs the stages (\(StageName.allCases.map(\.rawValue).joined(separator: ", "))) in order in the
            pipeline's workdir, each as a `sitscube` subcommand. A stage whose outputs are complete and
            whose inputs and settings are unchanged is skipped. With --shard I/N only the cube or predict
            stage runs, for shard I of N; a run of the same stage without --shard merges the shards.
            Writes report.md and report.html in the workdir.
            """)

    @Argument(help: "Pipeline file (YAML).") var file: String
    @Flag(name: .customLong("dry-run"), help: "Print the plan and what would be skipped; run nothing.") var dryRun = false
    @Option(help: "Start at this stage.") var from: String?
    @Option(help: "Stop after this stage.") var until: String?
    @Option(help: "Run only these stages (comma-separated).") var only: String?
    @Option(help: "Shard I/N of the cube or predict stage (default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT).") var shard: String?
    @Flag(help: "CI run: at most train.quick_epochs epochs and 2 folds.") var quick = false
    @Option(name: .customLong("set"), help: "Override a key, e.g. --set train.epochs=5 (repeatable).") var overrides: [String] = []

    static func stage(_ text: String, option: String) throws -> StageName {
        guard let s = StageName(rawValue: text) else {
            throw ValidationError("\(option) '\(text)': expected one of \(StageName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return s
    }

    func run() throws {
        let config = try PipelineFile.load(file, overrides: overrides)
        let runner = PipelineRunner(config: config, binary: SelfExecutable.path, quick: quick)
        let shardText = try shard.map { try Shard(parsing: $0).description } ?? Shard.fromEnvironment()?.description
        let stages = try runner.selectedStages(
            from: from.map { try Self.stage($0, option: "--from") }, until: until.map { try Self.stage($0, option: "--until") },
            only: (only ?? "").split(separator: ",").map { try Self.stage(String($0), option: "--only") }, shard: shardText)
        if dryRun {
            for (stage, decision) in runner.plan(stages) {
                let what: String
                switch decision {
                case .skip: what = "skip (up to date)"
                case .run(let reason): what = "run (\(reason))"
                case .runAfterUpstream: what = "run (after an earlier stage)"
                }
                print("\(stage.name.rawValue): \(shardText != nil ? "run shard \(shardText ?? "")" : what)")
                for c in stage.commands { print("    sitscube " + c.arguments.joined(separator: " ") + (c.stdoutFile.map { " > \($0)" } ?? "")) }
            }
            return
        }
        do { try runner.run(stages, sharded: shardText != nil) } catch {
            // The report still shows what finished and the settings of the failed run.
            if shardText == nil { try? RunReport(runner: runner).write() }
            throw error
        }
        guard shardText == nil else {
            print("shard \(shardText ?? "") done; run without --shard to merge")
            return
        }
        try RunReport(runner: runner).write()
        let l = runner.layout
        print("report: \(l.reportMarkdown) and \(l.reportHTML)")
        if FileManager.default.fileExists(atPath: l.map) { print("map: \(l.map)") }
        if FileManager.default.fileExists(atPath: l.quicklook) { print("quicklook: \(l.quicklook)") }
    }
}

/// The running `sitscube` executable, which the pipeline's stages run as child processes.
enum SelfExecutable {
    static var path: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
