import Foundation
import XCTest
@testable import SampleArchive
import TestSupport

/// `sitscube sample-data` as a user runs it: bad flags and folders, and the default size budget.
final class CommandTests: XCTestCase {
    func testBadSizeAndBadFolderGiveOneClearLine() throws {
        let binary = try XCTUnwrap(Command.sitscubeBinary, "build the sitscube executable first")
        let folder = try TempFolder()
        let tooSmall = try Command.run([binary, "sample-data", "-o", folder.file("a"), "--size", "5"])
        XCTAssertNotEqual(tooSmall.status, 0)
        XCTAssertTrue(tooSmall.stderr.contains("--size 5"), tooSmall.stderr)
        let negativeSeed = try Command.run([binary, "sample-data", "-o", folder.file("a"), "--seed", "-3"])
        XCTAssertNotEqual(negativeSeed.status, 0)

        let file = folder.file("plain-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let notFolder = try Command.run([binary, "sample-data", "-o", file, "--size", "32"])
        XCTAssertNotEqual(notFolder.status, 0)
        XCTAssertTrue(notFolder.stderr.contains(file), notFolder.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("a")), "nothing written on bad flags")

        XCTAssertThrowsError(try SampleArchive.generate(to: folder.file("b"), size: 4096)) { error in
            XCTAssertEqual(error as? SampleArchiveError, .invalidSize(4096, SampleArchive.sizeRange))
        }
    }

    /// The default archive stays under ~150 MB so `make demo` stays quick.
    func testDefaultArchiveIsWithinTheSizeBudget() throws {
        let folder = try TempFolder()
        let start = Date()
        let report = try SampleArchive.generate(to: folder.path)
        let seconds = Date().timeIntervalSince(start)
        let bytes = TempFolder.totalBytes(under: folder.path)
        XCTAssertLessThan(bytes, 150_000_000, "archive is \(bytes / 1_000_000) MB")
        XCTAssertEqual(report.landsatScenes, 76)
        XCTAssertEqual(report.sentinelProducts, 23)
        XCTAssertGreaterThan(report.points, 200)
        print("default archive: \(bytes / 1_000_000) MB in \(String(format: "%.1f", seconds)) s")
    }
}
