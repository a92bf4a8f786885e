import ArgumentParser

struct SampleDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Generate the synthetic sample archive (Landsat C2 L2, Sentinel-2 L2A) and its labels.")

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String

    func run() throws {
        throw CLIError.notBuilt(command: "sample-data", issue: "foundation")
    }
}
