import ArgumentParser

/// Subcommands whose stage has not landed yet. Each says so in one line and exits non-zero;
/// the issue that builds a stage replaces its entry here with a file of its own.
protocol PlannedCommand: ParsableCommand {
    static var issue: String { get }
}

extension PlannedCommand {
    func run() throws {
        throw CLIError.notBuilt(command: Self.configuration.commandName ?? "?", issue: Self.issue)
    }
}

struct SegmentsCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments", abstract: "Cut segmentation tiles with label masks from a cube.")
    static let issue = "datasets"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct PredictCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Classify a cube wall to wall into a map GeoTIFF.")
    static let issue = "predictor"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct PipelineCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Print a pipeline template or check a pipeline file.")
    static let issue = "pipelines"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct RunCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a pipeline file, resuming what is already done.")
    static let issue = "pipelines"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct SlurmCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Write (and optionally submit) Slurm scripts for a sharded pipeline.")
    static let issue = "pipelines"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
