import Foundation

/// A fresh folder under the system temporary directory, removed when the value is released.
public final class TemporaryFolder {
    public let path: String

    public init(_ prefix: String = "sitscube-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`.
    public func file(_ relative: String) -> String { path + "/" + relative }

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
