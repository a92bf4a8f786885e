import Foundation
import TestSupport
import XCTest
@testable import Cube

/// `sitscube cube --shard I/N` then a run without it: the same bytes as one unsharded build,
/// whatever block side each run would pick, and a shard re-run resumes from its staged blocks.
final class ShardTests: XCTestCase {
    func testThreeShardsAndMergeEqualOneBuild() throws {
        let archive = try SampleArchiveFixture.path()
        let tmp = try TempFolder("cube-shards")
        let common = ["--sensor", "landsat", "--from", "2000-01-01", "--to", "2002-12-31", "--threads", "2"]
        let single = try SitscubeBinary.run(["cube", archive, "-o", tmp.path + "/single", "--block", "40"] + common)
        XCTAssertEqual(single.status, 0, single.stderr)

        let sharded = tmp.path + "/sharded"
        for i in 0..<3 {
            let r = try SitscubeBinary.run(["cube", archive, "-o", sharded, "--block", "24", "--shard", "\(i)/3"] + common)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let staged = try FileManager.default.subpathsOfDirectory(atPath: sharded + "/.shards").filter { $0.hasSuffix(".bin") }
        XCTAssertEqual(staged.count, 9)  // 64 px in 24-px blocks: 3 × 3
        // A block lost (a killed shard): re-running the shards computes only that one.
        try FileManager.default.removeItem(atPath: sharded + "/.shards/" + staged.sorted()[4])
        var recomputed = 0
        for i in 0..<3 {
            let r = try SitscubeBinary.run(["cube", archive, "-o", sharded, "--block", "24", "--shard", "\(i)/3"] + common)
            recomputed += Int(r.stdout.firstMatch(of: #/staged (\d+) blocks/#)?.1 ?? "-100") ?? -100
        }
        XCTAssertEqual(recomputed, 1)

        // The merge picks the shards' 24-px side without being told.
        let merge = try SitscubeBinary.run(["cube", archive, "-o", sharded] + common)
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(merge.stdout.contains("9 of 9 blocks from shards"), merge.stdout)
        let files = (FileManager.default.subpaths(atPath: tmp.path + "/single") ?? []).filter { $0.hasSuffix(".tif") || $0.hasSuffix(".json") || $0.hasSuffix(".vrt") }
        XCTAssertEqual(files.count, 6 + 6 + 2)
        for f in files {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.path + "/single/" + f), FileManager.default.contents(atPath: sharded + "/" + f), f)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sharded + "/.shards"))
    }

    func testShardArgumentsAreCheckedNotTrapped() throws {
        for bad in ["3/3", "-1/2", "1", "a/b", "0/0"] {
            let r = try SitscubeBinary.run(["cube", "/nonexistent", "-o", "/tmp/x", "--shard", bad])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains("shard"), r.stderr)
        }
    }
}
