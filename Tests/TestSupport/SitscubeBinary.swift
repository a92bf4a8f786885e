import Foundation
import XCTest

/// The `sitscube` executable built beside the test bundle, for end-to-end CLI tests.
public enum SitscubeBinary {
    /// The build's products folder: the test bundle (`…/sitscubePackageTests.xctest`) lives in it.
    public static let path: String = {
        let bundle = Bundle.main.bundleURL.path
        for candidate in [Bundle.main.bundleURL.deletingLastPathComponent(), URL(fileURLWithPath: bundle)] {
            let p = candidate.appendingPathComponent("sitscube").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        let arg0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        return arg0.appendingPathComponent("sitscube").path
    }()

    /// Runs `sitscube ARGS`, failing the test when the binary is missing.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> CommandResult {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CommandError(description: "sitscube binary not found at \(path); build the package before testing")
        }
        return try Command.run(path, arguments, allowFailure: true)
    }
}
