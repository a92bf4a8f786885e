import Foundation

/// A fresh folder under the system temporary directory, removed when the value is released.
public final class TempFolder {
    public let path: String

    /// Creates `/tmp/sitscube-<prefix>-<uuid>/`.
    public init(_ prefix: String = "test") throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("sitscube-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        // A test may have made it read-only; give permissions back so it can be removed.
        chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Names of the entries in the folder (hidden ones included), sorted.
    public func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
