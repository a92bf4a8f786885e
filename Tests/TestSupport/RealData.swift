import Foundation

/// The real products shared beside the repository (`../shared/realdata` from the package root).
/// Tests read them in place and never copy them into the repository.
public enum RealData {
    /// The package root, found from this file's location (Tests/TestSupport/RealData.swift).
    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// `../shared/realdata` beside the package root, or beside the main checkout when the package
    /// is a git worktree under `/work` (the same shared folder either way); nil when absent.
    public static let root: String? = {
        let candidates = [
            URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/realdata").path,
            ProcessInfo.processInfo.environment["SITSCUBE_REALDATA"] ?? "",
        ]
        return candidates.first { !$0.isEmpty && FileManager.default.fileExists(atPath: $0) }
    }()

    /// The path of `relative` under the real-data folder, or nil when it is not there.
    public static func path(_ relative: String) -> String? {
        guard let root else { return nil }
        let p = (root as NSString).appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    /// Files under `relative` whose names end with `suffix`, sorted.
    public static func files(under relative: String, suffix: String) -> [String] {
        guard let dir = path(relative), let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(suffix) }.sorted().map { (dir as NSString).appendingPathComponent($0) }
    }
}
