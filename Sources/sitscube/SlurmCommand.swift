import ArgumentParser
import Foundation
import Pipeline

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Write (and optionally submit) Slurm scripts for a sharded pipeline.",
        discussion: """
            Writes 01-cube-shards.sbatch (array of N cube shards), 02-merge-train.sbatch (merges the cube,
            then samples, train, evaluate, cv), 03-map-shards.sbatch (array of N map shards),
            04-merge-map.sbatch (merges the map, writes the report) and submit.sh, which submits them
            chained with --dependency=afterok and --kill-on-invalid-dep=yes.
            """)

    @Argument(help: "Pipeline file (YAML).") var file: String
    @Option(help: "Shards per array job.") var shards: Int = 4
    @Option(help: "Slurm partition.") var partition: String?
    @Flag(help: "Submit the jobs with sbatch after writing them.") var submit = false
    @Flag(help: "Pass --quick to every run.") var quick = false
    @Option(name: .shortAndLong, help: "Folder for the scripts (default: WORKDIR/slurm).") var output: String?

    func run() throws {
        let config = try PipelineFile.load(file)
        let planner = StagePlanner(config: config, quick: quick)
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : cwd + "/" + p }
        let folder = absolute(output ?? planner.layout.root + "/slurm")
        let scripts = try SlurmScripts(binary: SelfExecutable.path, pipeline: absolute(file), workingDirectory: cwd,
                                       stages: planner.stages().map(\.name), shards: shards, partition: partition,
                                       logDirectory: folder + "/logs", quick: quick)
        let submitPath = try scripts.write(to: folder)
        print("wrote \(scripts.scripts().map(\.fileName).joined(separator: ", ")) and submit.sh in \(folder)")
        guard submit else {
            print("submit with: bash \(submitPath)")
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [submitPath]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CLIError.invalid("submitting with \(submitPath) failed (exit \(p.terminationStatus))") }
    }
}
