import Foundation
import GeoIO

/// The staging folder beside the map (`MAP.tif.parts/`): one file per finished tile, written
/// atomically, so a killed run (or other shards) leave only whole tiles behind. `job.json`
/// records what the tiles were computed from; a run with different inputs refuses the folder.
///
/// A tile file holds, for the tile's pixels in row order: the map values (UInt16 little endian),
/// then the probability bands (UInt8 percent, band after band) and the two confidence bands
/// when asked for.
struct TileStore {
    let folder: String
    let signature: [String: String]

    static let jobFile = "job.json"

    /// Opens or creates the folder; throws when it holds tiles of another job.
    init(folder: String, signature: [String: String]) throws {
        self.folder = folder
        self.signature = signature
        let fm = FileManager.default
        let jobPath = folder + "/" + Self.jobFile
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let mine = try encoder.encode(signature)
        if let existing = fm.contents(atPath: jobPath) {
            let theirs = (try? JSONDecoder().decode([String: String].self, from: existing)) ?? [:]
            if theirs != signature {
                let keys = Set(theirs.keys).union(signature.keys).filter { theirs[$0] != signature[$0] }.sorted()
                throw PredictionError.badStaging(path: folder, "holds tiles of another prediction (differs in \(keys.joined(separator: ", "))); delete the folder to start over")
            }
        } else {
            do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw PredictionError.badStaging(path: folder, "cannot create the staging folder: \(error.localizedDescription)")
            }
            try AtomicOutput.write(mine, to: jobPath)
        }
    }

    func path(tile k: Int) -> String { folder + String(format: "/tile-%06d.bin", k) }

    /// Whether tile k is finished: its file exists with the expected size.
    func isDone(tile k: Int, bytes: Int) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(tile: k)),
              let size = attributes[.size] as? NSNumber else { return false }
        return size.intValue == bytes
    }

    func write(tile k: Int, _ data: Data) throws {
        try AtomicOutput.write(data, to: path(tile: k))
    }

    func read(tile k: Int, bytes: Int) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(tile: k)), data.count == bytes else {
            throw PredictionError.badStaging(path: path(tile: k), "tile file is missing or not \(bytes) bytes; run predict again to redo it")
        }
        return data
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}
