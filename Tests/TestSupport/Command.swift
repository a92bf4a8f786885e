import Foundation

/// Runs external programs (gdalinfo, python3, the sitscube binary) for tests that check our
/// output through an independent route.
public enum Command {
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `arguments[0]` found on PATH (or an absolute path) and waits for it.
    @discardableResult
    public static func run(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = Process()
        if arguments.first?.hasPrefix("/") == true {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        // stderr goes to a file, stdout to a pipe read to the end: neither can fill up and block the child.
        let errPath = NSTemporaryDirectory() + "/sitscube-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errHandle.close()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a Python 3 script given as text with `arguments`; its stdout is returned.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> Result {
        let file = NSTemporaryDirectory() + "/sitscube-script-\(UUID().uuidString).py"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try run(["python3", file] + arguments)
    }

    /// The built `sitscube` executable beside the test bundle (`.build/<config>/sitscube`).
    public static var sitscubeBinary: String? {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        for _ in 0..<3 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("sitscube").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
