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

struct TrainCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a model on a dataset.")
    static let issue = "model zoo"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct CVCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv", abstract: "Cross-validate a model over the dataset's folds.")
    static let issue = "model zoo"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}

struct EvaluateCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Score a trained model on a dataset split.")
    static let issue = "model zoo"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
