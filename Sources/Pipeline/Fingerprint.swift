import Foundation

/// Content digests that decide whether a stage must run again.
enum Fingerprint {
    /// A file: its size and a hash of its bytes. A folder: each file's relative path and size,
    /// and the bytes of its JSON manifests (cube.json, dataset.json, report.json…); hidden
    /// entries (staging areas) are left out. A missing path: "missing".
    static func of(_ path: String) -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return "missing" }
        if !isDir.boolValue { return file(path) }
        var hasher = FNV()
        let files = (FileManager.default.subpaths(atPath: path) ?? []).filter { rel in
            !rel.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted()
        for rel in files {
            let full = path + "/" + rel
            var sub: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { continue }
            let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? -1
            hasher.add("\(rel)\u{0}\(size)\u{0}")
            if rel.hasSuffix(".json") { hasher.add(file(full)) }
        }
        return "dir:" + hasher.hex
    }

    static func file(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "unreadable" }
        defer { try? handle.close() }
        var hasher = FNV()
        var size = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.add(chunk)
            size += chunk.count
        }
        return "\(size):" + hasher.hex
    }

    static func text(_ text: String) -> String {
        var h = FNV()
        h.add(text)
        return h.hex
    }
}

/// FNV-1a 64-bit, stable across processes (Swift's `Hasher` is seeded per process).
struct FNV {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) { add(Data(text.utf8)) }

    mutating func add(_ data: Data) {
        data.withUnsafeBytes { raw in
            for byte in raw {
                h ^= UInt64(byte)
                h &*= 0x100_0000_01b3
            }
        }
    }

    var hex: String { String(h, radix: 16) }
}
