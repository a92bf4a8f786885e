import Foundation
import TestSupport
import XCTest
@testable import Pipeline

/// The generated sbatch scripts: array jobs for the shards, afterok chains, and shell syntax
/// checked by bash itself.
final class SlurmScriptTests: XCTestCase {
    func scripts(stages: [StageName] = [.scenes, .cube, .samples, .train, .evaluate, .predict]) throws -> SlurmScripts {
        try SlurmScripts(binary: "/opt/sitscube/bin/sitscube", pipeline: "/home/u/flu.yaml", workingDirectory: "/home/u",
                         stages: stages, shards: 4, partition: "batch", logDirectory: "/home/u/work/slurm/logs")
    }

    func testArrayJobsPerShardedStageAndMergeJobs() throws {
        let s = try scripts().scripts()
        XCTAssertEqual(s.map(\.fileName), ["01-cube-shards.sbatch", "02-merge-train.sbatch", "03-map-shards.sbatch", "04-merge-map.sbatch"])
        XCTAssertEqual(s.map(\.dependsOn), [nil, 0, 1, 2])
        XCTAssertEqual(s[0].text, """
            #!/bin/bash
            #SBATCH --job-name=sitscube-cube
            #SBATCH --partition=batch
            #SBATCH --array=0-3
            #SBATCH --output=/home/u/work/slurm/logs/%x-%A_%a.out
            set -euo pipefail
            cd /home/u
            /opt/sitscube/bin/sitscube run /home/u/flu.yaml --only cube --shard "${SLURM_ARRAY_TASK_ID}/4"

            """)
        XCTAssertTrue(s[1].text.contains("/opt/sitscube/bin/sitscube run /home/u/flu.yaml --only scenes,cube,samples,train,evaluate\n"), s[1].text)
        XCTAssertFalse(s[1].text.contains("--array"))
        XCTAssertTrue(s[2].text.contains("--only predict --shard \"${SLURM_ARRAY_TASK_ID}/4\""))
        XCTAssertTrue(s[3].text.hasSuffix("run /home/u/flu.yaml --only predict\n"))
        // Without a map: two jobs.
        XCTAssertEqual(try scripts(stages: [.scenes, .cube, .samples, .train]).scripts().count, 2)
        XCTAssertThrowsError(try SlurmScripts(binary: "b", pipeline: "p", workingDirectory: "/", stages: [.cube], shards: 0, partition: nil, logDirectory: "/l"))
    }

    func testSubmitChainsAfterokWithKillOnInvalidDep() throws {
        let text = try scripts().submitScript(folder: "/home/u/work/slurm")
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("job0=$(sbatch --parsable /home/u/work/slurm/01-cube-shards.sbatch)"))
        XCTAssertTrue(lines.contains("job1=$(sbatch --parsable --dependency=afterok:${job0} --kill-on-invalid-dep=yes /home/u/work/slurm/02-merge-train.sbatch)"))
        XCTAssertTrue(lines.contains("job2=$(sbatch --parsable --dependency=afterok:${job1} --kill-on-invalid-dep=yes /home/u/work/slurm/03-map-shards.sbatch)"))
        XCTAssertTrue(lines.contains("job3=$(sbatch --parsable --dependency=afterok:${job2} --kill-on-invalid-dep=yes /home/u/work/slurm/04-merge-map.sbatch)"))
    }

    func testScriptsAreValidBashAndTheArrayIndexBecomesTheShard() throws {
        let tmp = try TempFolder("slurm-scripts")
        let s = try SlurmScripts(binary: "/bin/echo", pipeline: "/p.yaml", workingDirectory: tmp.path, stages: [.cube, .predict],
                                 shards: 4, partition: nil, logDirectory: tmp.path + "/logs")
        try s.write(to: tmp.path + "/scripts")
        for file in s.scripts().map(\.fileName) + ["submit.sh"] {
            let r = try Command.run("bash", ["-n", tmp.path + "/scripts/" + file], allowFailure: true)
            XCTAssertEqual(r.status, 0, "\(file): \(r.stderr)")
        }
        // Run the array script as Slurm would for task 3: the command it runs, echoed.
        let r = try Command.run("env", ["SLURM_ARRAY_TASK_ID=3", "bash", tmp.path + "/scripts/01-cube-shards.sbatch"])
        XCTAssertEqual(r.stdout, "run /p.yaml --only cube --shard 3/4\n")
    }
}
