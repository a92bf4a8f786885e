import Foundation
import TestSupport
import XCTest

/// `sitscube predict` end to end: a run killed after a few tiles resumes into the same map as
/// an uninterrupted run, and shards assemble into the same map too.
final class PredictCommandTests: XCTestCase {
    typealias F = PredictionFixture

    func testKilledRunResumesAndShardsAssembleToTheSameMap() throws {
        let dir = try TempFolder("predict-cli")
        try F.writeCube(dir.file("cube"), width: 64, height: 48)
        try F.patchModel(dir.file("model.safetensors"))
        let common = [dir.file("model.safetensors"), dir.file("cube"), "--tile", "8", "--threads", "1", "--batch", "4"]

        let whole = try SitscubeBinary.run(["predict"] + common + ["-o", dir.file("whole.tif")])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let expected = try F.bytes(dir.file("whole.tif"))

        // Kill after a few tiles are staged.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SitscubeBinary.path)
        process.arguments = ["predict"] + common + ["-o", dir.file("killed.tif")]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let parts = dir.file("killed.tif.parts")
        let deadline = Date().addingTimeInterval(120)
        func staged() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: parts)) ?? []).filter { $0.hasPrefix("tile-") }.count }
        while staged() < 3 && process.isRunning && Date() < deadline { usleep(5000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("killed.tif")), "killed before the map was written")
        let done = staged()
        XCTAssertGreaterThanOrEqual(done, 3)
        XCTAssertLessThan(done, 48, "killed before the last tile")
        let resumed = try SitscubeBinary.run(["predict"] + common + ["-o", dir.file("killed.tif")])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssert(resumed.stderr.contains("resuming: \(done) tiles already done") || resumed.stderr.contains("resuming"), resumed.stderr)
        XCTAssertEqual(try F.bytes(dir.file("killed.tif")), expected)

        // Two shards, then the assembly run.
        for shard in ["0/2", "1/2"] {
            let r = try SitscubeBinary.run(["predict"] + common + ["-o", dir.file("sharded.tif"), "--shard", shard])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssert(r.stdout.contains("shard \(shard) done"), r.stdout)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("sharded.tif")))
        }
        let assembled = try SitscubeBinary.run(["predict"] + common + ["-o", dir.file("sharded.tif")])
        XCTAssertEqual(assembled.status, 0, assembled.stderr)
        XCTAssert(assembled.stdout.contains("0 pixels predicted in 0 tiles (48 resumed)"), assembled.stdout)
        XCTAssertEqual(try F.bytes(dir.file("sharded.tif")), expected)

        // A changed input is not mixed with staged tiles of another job.
        try FileManager.default.createDirectory(atPath: dir.file("other.tif.parts"), withIntermediateDirectories: true)
        _ = try SitscubeBinary.run(["predict"] + common + ["-o", dir.file("other.tif"), "--shard", "1/2"])
        let changed = try SitscubeBinary.run(["predict"] + common + ["-o", dir.file("other.tif"), "--tile", "16"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssert(changed.stderr.contains("holds tiles of another prediction"), changed.stderr)
    }
}
