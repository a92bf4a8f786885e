import Foundation

/// Writing under a temporary name and renaming when complete, so that a crash never leaves a
/// file that looks finished. The temporary name is deterministic (`.NAME.tmp` beside the final
/// file), so a re-run after a crash overwrites the leftover instead of piling up copies.
public enum AtomicOutput {
    /// The temporary path used for `path`.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".tmp").path
    }

    /// Checks that the folder of `path` exists (creating it when asked) and is writable.
    public static func prepareFolder(of path: String, create: Bool = true) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard create else { throw GeoIOError(.unwritable, path: path, "folder \(folder) does not exist") }
            do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw GeoIOError(.unwritable, path: path, "cannot create folder \(folder): \(error.localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw GeoIOError(.unwritable, path: path, "\(folder) is not a folder")
        }
        guard fm.isWritableFile(atPath: folder) else {
            throw GeoIOError(.unwritable, path: path, "folder \(folder) is not writable")
        }
    }

    /// Runs `body` with the temporary path, then renames it to `path`. On error the temporary
    /// file is removed and `path` is left as it was.
    public static func write<R>(_ path: String, _ body: (String) throws -> R) throws -> R {
        try prepareFolder(of: path)
        let tmp = temporaryPath(for: path)
        try? FileManager.default.removeItem(atPath: tmp)
        do {
            let result = try body(tmp)
            try commit(tmp, to: path)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
    }

    /// Writes bytes atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(path) { tmp in
            do { try data.write(to: URL(fileURLWithPath: tmp)) } catch {
                throw GeoIOError(.unwritable, path: path, "cannot write: \(error.localizedDescription)")
            }
        }
    }

    /// Renames a finished temporary file onto its final name (replacing any older file).
    public static func commit(_ tmp: String, to path: String) throws {
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            throw GeoIOError(.unwritable, path: path, "cannot rename \(tmp) into place: \(reason)")
        }
    }
}
