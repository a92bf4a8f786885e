import ArgumentParser
import Pipeline

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Print a pipeline template or check a pipeline file.",
        subcommands: [Template.self, Check.self])

    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a fully commented pipeline file with every key and its default.")
        func run() throws { print(PipelineTemplate.text(), terminator: "") }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a pipeline file without running it; prints the effective settings.")
        @Argument(help: "Pipeline file (YAML).") var file: String
        @Option(name: .customLong("set"), help: "Override a key, e.g. --set train.epochs=5 (repeatable).") var overrides: [String] = []
        @Flag(help: "Print the effective settings.") var verbose = false

        func run() throws {
            let config = try PipelineFile.load(file, overrides: overrides)
            if verbose { config.effectiveLines.forEach { print($0) } }
            let stages = StagePlanner(config: config).stages().map(\.name.rawValue)
            print("\(file): valid; stages \(stages.joined(separator: " → "))")
        }
    }
}
