import Foundation
import GeoIO

/// A dataset is built in a hidden folder beside its destination (`.NAME.tmp`) and renamed into
/// place only when every file is complete: an error or a crash never leaves a folder that looks
/// finished, and an older dataset at the destination stays until the new one replaces it.
struct DatasetFolder {
    let output: String
    let temporary: String

    /// - Throws: `SamplesError.unwritable` when the destination is a file or a folder that is not
    ///   a dataset (it is never replaced), or the temporary folder cannot be made.
    init(output: String) throws {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        guard !url.lastPathComponent.isEmpty, url.path != "/" else { throw SamplesError.unwritable(path: output, "not a usable output folder") }
        self.output = url.path
        temporary = AtomicOutput.temporaryPath(for: url.path)
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: self.output, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SamplesError.unwritable(path: output, "exists and is a file; choose another -o") }
            let entries = (try? fm.contentsOfDirectory(atPath: self.output)) ?? []
            guard entries.isEmpty || entries.contains(DatasetManifest.fileName) else {
                throw SamplesError.unwritable(path: output, "exists and is not a sitscube dataset (no \(DatasetManifest.fileName)); choose another -o or remove it")
            }
        }
        do {
            try AtomicOutput.prepareFolder(of: self.output)
            try? fm.removeItem(atPath: temporary)
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        } catch {
            throw SamplesError.unwritable(path: output, "cannot create \(temporary): \(error)")
        }
    }

    func file(_ name: String) -> String { temporary + "/" + name }

    /// Moves the finished folder into place, replacing an older dataset.
    func commit() throws {
        let fm = FileManager.default
        let old = AtomicOutput.temporaryPath(for: output) + ".old"
        try? fm.removeItem(atPath: old)
        if fm.fileExists(atPath: output) {
            guard rename(output, old) == 0 else { throw SamplesError.unwritable(path: output, "cannot move the older dataset aside: \(String(cString: strerror(errno)))") }
        }
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(old, output)
            throw SamplesError.unwritable(path: output, "cannot rename \(temporary) into place: \(reason)")
        }
        try? fm.removeItem(atPath: old)
    }

    /// Removes the unfinished folder.
    func discard() { try? FileManager.default.removeItem(atPath: temporary) }
}
