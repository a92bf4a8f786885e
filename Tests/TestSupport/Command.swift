import Foundation

/// The result of running an external program.
public struct CommandResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data
}

public struct CommandError: Error, CustomStringConvertible {
    public var description: String
}

/// Runs the GDAL command-line tools (gdalwarp, gdal_rasterize, gdalinfo, ogrinfo …) as the
/// independent reference that GeoIO's results are compared with.
public enum Command {
    /// Runs `program` (looked up on PATH) with `arguments`, capturing its output.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], allowFailure: Bool = false) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a large output cannot fill a pipe and block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        let result = CommandResult(status: process.terminationStatus,
                                   stdout: String(decoding: outData, as: UTF8.self),
                                   stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
        if result.status != 0 && !allowFailure {
            throw CommandError(description: "\(program) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// Whether `program` can be found on PATH.
    public static func exists(_ program: String) -> Bool {
        (try? run("which", [program], allowFailure: true).status) == 0
    }

    /// `gdalinfo -json` (with stats when asked) parsed as a dictionary.
    public static func gdalinfo(_ path: String, extra: [String] = []) throws -> [String: Any] {
        let r = try run("gdalinfo", ["-json"] + extra + [path])
        guard let json = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw CommandError(description: "gdalinfo -json \(path) is not a JSON object")
        }
        return json
    }

    /// `ogrinfo -json` is GDAL ≥ 3.7; with 3.6 the GeoJSON export of `ogr2ogr` is the machine-readable form.
    public static func ogrGeoJSON(_ path: String, layer: String? = nil, extra: [String] = []) throws -> [String: Any] {
        let r = try run("ogr2ogr", ["-f", "GeoJSON", "/vsistdout/"] + extra + [path] + (layer.map { [$0] } ?? []))
        guard let json = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw CommandError(description: "ogr2ogr GeoJSON of \(path) is not a JSON object")
        }
        return json
    }

    /// `gdallocationinfo -valonly` at many pixels (col, row) in one run (coordinates on stdin).
    public static func locationValues(_ path: String, _ pixels: [(col: Int, row: Int)], band: Int = 1) throws -> [Double?] {
        let input = pixels.map { "\($0.col) \($0.row)" }.joined(separator: "\\n")
        let r = try run("bash", ["-c", "printf '\(input)\\n' | gdallocationinfo -valonly -b \(band) \"$0\"", path])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        return Array(lines.prefix(pixels.count))
    }

    /// `gdallocationinfo -valonly` at pixel (col, row) of band `band`.
    public static func locationValue(_ path: String, col: Int, row: Int, band: Int = 1) throws -> Double? {
        let r = try run("gdallocationinfo", ["-valonly", "-b", "\(band)", path, "\(col)", "\(row)"])
        return Double(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `arguments[0]` (on PATH, or an absolute path) with the rest as its arguments; a
    /// non-zero exit is returned, not thrown.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> CommandResult {
        guard let program = arguments.first else { throw CommandError(description: "no program to run") }
        return try run(program, Array(arguments.dropFirst()), allowFailure: true)
    }

    /// Runs a Python 3 script given as text with `arguments`.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> CommandResult {
        let file = NSTemporaryDirectory() + "/sitscube-script-\(UUID().uuidString).py"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try run(["python3", file] + arguments)
    }

    /// The built `sitscube` executable, when it exists.
    public static var sitscubeBinary: String? {
        FileManager.default.isExecutableFile(atPath: SitscubeBinary.path) ? SitscubeBinary.path : nil
    }
}
