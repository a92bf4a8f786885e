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

    /// Every regular file below `root`, as paths relative to it, sorted.
    public static func files(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let next = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + next, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(next)
            }
        }
        return out.sorted()
    }

    /// Total size in bytes of the files below `root`.
    public static func totalBytes(under root: String) -> Int {
        files(under: root).reduce(0) { sum, f in
            let size = (try? FileManager.default.attributesOfItem(atPath: root + "/" + f)[.size] as? NSNumber)?.intValue ?? 0
            return sum + size
        }
    }
}
