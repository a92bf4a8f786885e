import ArgumentParser
import Logging

/// The `sitscube` command: one subcommand per stage (DESIGN.md §4).
@main
struct Sitscube: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sitscube",
        abstract: "Satellite image time series: scene archives → data cubes → training datasets → classified maps.",
        version: version,
        subcommands: [
            ScenesCommand.self, MaskCommand.self, CubeCommand.self,
            CompositeCommand.self, IndicesCommand.self, FillCommand.self,
            PatchesCommand.self, ParcelsCommand.self, SegmentsCommand.self, DatasetCommand.self,
            ModelsCommand.self, TrainCommand.self, CVCommand.self, EvaluateCommand.self,
            PredictCommand.self, PipelineCommand.self, RunCommand.self, SlurmCommand.self,
            SampleDataCommand.self,
        ])

    static func main() {
        CLILogging.bootstrap()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
