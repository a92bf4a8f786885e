import Foundation

/// sbatch scripts for a pipeline on a Slurm cluster: the cube as an array job of N shards, a
/// merge-and-train job, the map as an array job, and a merge of the map; each later job waits on
/// the one before with `afterok` and `--kill-on-invalid-dep=yes`, so a failed shard cancels the
/// rest instead of leaving them pending forever.
public struct SlurmScripts {
    public struct Script: Equatable {
        public let fileName: String
        public let text: String
        /// Index of the script this one depends on (afterok), if any.
        public let dependsOn: Int?
    }

    public let binary: String
    public let pipeline: String
    public let workingDirectory: String
    public let shards: Int
    public let partition: String?
    public let logDirectory: String
    public let stages: [StageName]
    public let quick: Bool

    public init(binary: String, pipeline: String, workingDirectory: String, stages: [StageName], shards: Int,
                partition: String?, logDirectory: String, quick: Bool = false) throws {
        guard (1...10_000).contains(shards) else { throw RunError("--shards must be between 1 and 10000, not \(shards)") }
        self.binary = binary
        self.pipeline = pipeline
        self.workingDirectory = workingDirectory
        self.stages = stages
        self.shards = shards
        self.partition = partition
        self.logDirectory = logDirectory
        self.quick = quick
    }

    static func quote(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-=:,@+".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func script(name: String, array: Bool, commands: [[String]]) -> String {
        var lines = ["#!/bin/bash", "#SBATCH --job-name=sitscube-\(name)"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if array {
            lines.append("#SBATCH --array=0-\(shards - 1)")
            lines.append("#SBATCH --output=\(logDirectory)/%x-%A_%a.out")
        } else {
            lines.append("#SBATCH --output=\(logDirectory)/%x-%j.out")
        }
        lines += ["set -euo pipefail", "cd \(Self.quote(workingDirectory))"]
        for c in commands {
            lines.append(([binary, "run", pipeline] + c + (quick ? ["--quick"] : [])).map {
                $0.hasPrefix("$") || $0.hasPrefix("\"$") ? $0 : Self.quote($0)
            }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The scripts in submission order.
    public func scripts() -> [Script] {
        let shard = "\"${SLURM_ARRAY_TASK_ID}/\(shards)\""
        let beforeMap = stages.filter { $0 != .predict }.map(\.rawValue).joined(separator: ",")
        var out = [
            Script(fileName: "01-cube-shards.sbatch", text: script(name: "cube", array: true, commands: [["--only", "cube", "--shard", shard]]), dependsOn: nil),
            Script(fileName: "02-merge-train.sbatch", text: script(name: "merge-train", array: false, commands: [["--only", beforeMap]]), dependsOn: 0),
        ]
        if stages.contains(.predict) {
            out.append(Script(fileName: "03-map-shards.sbatch", text: script(name: "map", array: true, commands: [["--only", "predict", "--shard", shard]]), dependsOn: 1))
            out.append(Script(fileName: "04-merge-map.sbatch", text: script(name: "merge-map", array: false, commands: [["--only", "predict"]]), dependsOn: 2))
        }
        return out
    }

    /// A shell script that submits them with their dependencies and prints the job ids.
    public func submitScript(folder: String) -> String {
        var lines = ["#!/bin/bash", "# Submits the pipeline's jobs; each waits on the one before (afterok).", "set -euo pipefail",
                     "mkdir -p \(Self.quote(logDirectory))"]
        for (i, s) in scripts().enumerated() {
            let path = Self.quote(folder + "/" + s.fileName)
            if let d = s.dependsOn {
                lines.append("job\(i)=$(sbatch --parsable --dependency=afterok:${job\(d)} --kill-on-invalid-dep=yes \(path))")
            } else {
                lines.append("job\(i)=$(sbatch --parsable \(path))")
            }
            lines.append("echo \"\(s.fileName) ${job\(i)}\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the scripts and submit.sh into `folder`; returns submit.sh's path.
    @discardableResult
    public func write(to folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        for s in scripts() { try writeAtomically(Data(s.text.utf8), to: folder + "/" + s.fileName) }
        let submit = folder + "/submit.sh"
        try writeAtomically(Data(submitScript(folder: folder).utf8), to: submit)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: submit)
        return submit
    }
}
