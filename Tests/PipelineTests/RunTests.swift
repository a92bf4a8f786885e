import Foundation
import TestSupport
import Cube
import XCTest
@testable import Pipeline

/// `sitscube run` on the sample archive, through the stages that exist: resume, skip, rerun,
/// a killed run, and shards merged into the single-machine bytes.
final class RunTests: XCTestCase {
    func pipeline(in tmp: TempFolder, workdir: String, extra: String = "") throws -> String {
        let archive = try SampleArchiveFixture.path()
        let text = """
            archive: \(archive)
            workdir: \(workdir)
            scenes: {sensor: landsat, from: 2000-01-01, to: 2005-12-31}
            composite: {block: 24}
            samples: {labels: \(archive)/labels/points.geojson, field: class}
            train: {models: [cnn-lstm]}
            predict: {mask: \(archive)/labels/forest_loss.tif, tile: 32}
            \(extra)
            """
        let path = tmp.path + "/p-\(UUID().uuidString.prefix(6)).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every regular file under `folder` (hidden ones left out) with its bytes.
    func files(_ folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for rel in FileManager.default.subpaths(atPath: folder) ?? [] where !rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            var dir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + rel, isDirectory: &dir), !dir.boolValue else { continue }
            out[rel] = FileManager.default.contents(atPath: folder + "/" + rel)
        }
        return out
    }

    func run(_ args: [String]) throws -> CommandResult {
        let r = try SitscubeBinary.run(["run"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r
    }

    /// The stages that ran, from the runner's log lines.
    func ran(_ r: CommandResult) -> [String] {
        r.stderr.split(separator: "\n").compactMap { line in
            line.firstMatch(of: #/stage (\w+): running/#).map { String($0.1) }
        }
    }

    func testResumeSkipsCompleteStagesAndRerunsFromADeletedOutput() throws {
        let tmp = try TempFolder("pipeline-resume")
        let work = tmp.path + "/work"
        let p = try pipeline(in: tmp, workdir: work)

        let first = try run([p, "--until", "samples"])
        XCTAssertEqual(ran(first), ["scenes", "cube", "samples"])
        let before = try files(work + "/cube").merging(try files(work + "/dataset").mapKeys { "dataset/" + $0 }) { a, _ in a }
        XCTAssertNotNil(before["cube.json"])
        XCTAssertNotNil(before["dataset/x.npy"])

        // Unchanged: everything skipped, the dry run says so.
        XCTAssertEqual(ran(try run([p, "--until", "samples"])), [])
        let dry = try run([p, "--dry-run"]).stdout
        XCTAssertTrue(dry.contains("cube: skip (up to date)"), dry)
        XCTAssertTrue(dry.contains("train: run (never completed)"), dry)

        // The dataset deleted: only that stage runs, and gives the same bytes.
        try FileManager.default.removeItem(atPath: work + "/dataset/x.npy")
        XCTAssertTrue(try run([p, "--dry-run"]).stdout.contains("samples: run (/"), "a changed product is named")
        XCTAssertEqual(ran(try run([p, "--until", "samples"])), ["samples"])
        XCTAssertEqual(FileManager.default.contents(atPath: work + "/dataset/x.npy"), before["dataset/x.npy"])

        // A cube time step deleted: the cube and everything after it run again, same bytes.
        try FileManager.default.removeItem(atPath: work + "/cube/2003-H1.tif")
        XCTAssertEqual(ran(try run([p, "--until", "samples"])), ["cube", "samples"])
        let after = try files(work + "/cube").merging(try files(work + "/dataset").mapKeys { "dataset/" + $0 }) { a, _ in a }
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted())
        for (k, v) in before { XCTAssertEqual(after[k], v, k) }

        // A changed setting re-runs the stage it reaches and those after it, not the cube.
        let p2 = try pipeline(in: tmp, workdir: work, extra: "seed: 5")
        XCTAssertEqual(ran(try run([p2, "--until", "samples"])), ["samples"])

        // The report holds the settings, the scenes and the dataset.
        let report = try String(contentsOfFile: work + "/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("seed: 5"))
        let scenes = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/scenes.json"))) as? [String: Any]
        let count = (scenes?["scenes"] as? [Any])?.count ?? -1
        XCTAssertTrue(report.contains("\(count) scenes passed the filters"), report)
        XCTAssertTrue(report.contains("patches dataset, x "), report)
        XCTAssertTrue(try String(contentsOfFile: work + "/report.html", encoding: .utf8).contains("<h2>Stages</h2>"))
    }

    func testAKilledRunResumesToTheSameBytes() throws {
        let tmp = try TempFolder("pipeline-kill")
        let work = tmp.path + "/work", clean = tmp.path + "/clean"
        let p = try pipeline(in: tmp, workdir: work)
        _ = try run([p, "--until", "samples"])
        try FileManager.default.moveItem(atPath: work, toPath: clean)
        let killed = work
        // Kill the runner and its child at a random point of the run (SIGKILL to the process group).
        var rng = SystemRandomNumberGenerator()
        let delay = Double.random(in: 0.3...4.0, using: &rng)
        let killer = """
            import os, signal, subprocess, sys, time
            p = subprocess.Popen(sys.argv[1:-1], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(float(sys.argv[-1]))
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            """
        _ = try Command.python(killer, [SitscubeBinary.path, "run", p, "--until", "samples", "\(delay)"])
        _ = try run([p, "--until", "samples"])
        let a = try files(clean), b = try files(killed)
        let compared = a.keys.filter { !$0.hasPrefix("report") && $0 != "scenes.json" }
        XCTAssertTrue(compared.contains("dataset/x.npy"))
        for k in compared { XCTAssertEqual(a[k], b[k], "\(k) after a kill at \(delay) s") }
    }

    func testShardedCubePlusMergeEqualsTheSingleMachineCube() throws {
        let tmp = try TempFolder("pipeline-shards")
        let single = tmp.path + "/single", sharded = tmp.path + "/sharded"
        _ = try run([try pipeline(in: tmp, workdir: single), "--only", "cube"])
        let p = try pipeline(in: tmp, workdir: sharded)
        for i in 0..<3 {
            let r = try run([p, "--only", "cube", "--shard", "\(i)/3"])
            XCTAssertTrue(r.stdout.contains("shard \(i)/3 done"), r.stdout)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sharded + "/cube/cube.json"), "a shard writes no cube")
        let staged = try FileManager.default.subpathsOfDirectory(atPath: sharded + "/cube/.shards").filter { $0.hasSuffix(".bin") }
        XCTAssertEqual(staged.count, 9, "24-px blocks split the 64-px grid into 3×3 blocks")
        let merge = try run([p, "--only", "cube"])
        XCTAssertEqual(ran(merge), ["cube"])
        let a = try files(single + "/cube"), b = try files(sharded + "/cube")
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        XCTAssertTrue(a.keys.contains("2000-H1.tif"))
        for (k, v) in a { XCTAssertEqual(b[k], v, k) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sharded + "/cube/.shards"), "the merge clears the staging area")
    }

    func testShardedMapPlusMergeEqualsTheSingleMachineMap() throws {
        let tmp = try TempFolder("pipeline-map-shards")
        let single = tmp.path + "/single"
        _ = try run([try pipeline(in: tmp, workdir: single), "--quick"])
        // The same work folder up to the model, then the map in 3 shards plus the merge.
        let sharded = tmp.path + "/sharded"
        try FileManager.default.copyItem(atPath: single, toPath: sharded)
        try FileManager.default.removeItem(atPath: sharded + "/map.tif")
        let p = try pipeline(in: tmp, workdir: sharded)
        for i in 0..<3 { _ = try run([p, "--only", "predict", "--shard", "\(i)/3", "--quick"]) }
        _ = try run([p, "--only", "predict", "--quick"])
        XCTAssertEqual(FileManager.default.contents(atPath: single + "/map.tif"), FileManager.default.contents(atPath: sharded + "/map.tif"))
    }

    func testShardDefaultsFromSlurmArrayVariables() throws {
        let env = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try Shard.fromEnvironment(env)?.description, "2/4")
        XCTAssertNil(try Shard.fromEnvironment([:]))
        XCTAssertEqual(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"])?.description, "3/4")
        XCTAssertThrowsError(try Shard(parsing: "3/3"))
        XCTAssertThrowsError(try Shard(parsing: "a/3"))
        // Contiguous ranges that cover every block once.
        let shards = try (0..<3).map { try Shard(index: $0, count: 3).range(of: 10) }
        XCTAssertEqual(shards, [0..<3, 3..<6, 6..<10])
    }
}

extension Dictionary {
    func mapKeys(_ f: (Key) -> Key) -> [Key: Value] { Dictionary(uniqueKeysWithValues: map { (f($0.key), $0.value) }) }
}
