import Foundation

/// A small sample archive (`sitscube sample-data --size 64`), generated once per test run and
/// shared by the tests of every stage.
public enum SampleArchiveFixture {
    public static let size = 64

    private static let generated: Result<String, Error> = {
        do {
            let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("sitscube-fixture-\(ProcessInfo.processInfo.processIdentifier)")
            if !FileManager.default.fileExists(atPath: folder + "/README.txt") {
                let r = try SitscubeBinary.run(["sample-data", "-o", folder, "--size", "\(size)"])
                guard r.status == 0 else { throw CommandError(description: "sample-data failed: \(r.stderr)") }
            }
            return .success(folder)
        } catch {
            return .failure(error)
        }
    }()

    /// The archive folder (landsat/, sentinel2/, labels/).
    public static func path() throws -> String { try generated.get() }
}
