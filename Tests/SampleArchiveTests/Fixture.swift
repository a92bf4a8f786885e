import Foundation
@testable import SampleArchive
import TestSupport

/// One small archive shared by the tests that only read it (generated once per test run).
enum Fixture {
    static let size = 64
    static let seed: UInt64 = 42

    private static let folder: TempFolder? = try? TempFolder("sitscube-sample")
    private static let generated: Result<String, Error> = Result {
        guard let folder else { throw SampleArchiveError.outputNotWritable(NSTemporaryDirectory(), "cannot create a temporary folder") }
        _ = try SampleArchive.generate(to: folder.path, seed: seed, size: size)
        return folder.path
    }

    /// The archive's folder. - Throws: whatever generating it threw.
    static func archive() throws -> String { try generated.get() }

    static func products(_ archive: String, sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: archive + "/" + sub)) ?? []).sorted().map { archive + "/" + sub + "/" + $0 }
    }
}
