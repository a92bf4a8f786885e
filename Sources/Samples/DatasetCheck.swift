import Foundation

/// Checks a dataset folder against its manifest: every array present, with the dtype and shape
/// `dataset.json` states, and as many samples.csv lines as rows.
public enum DatasetCheck {
    /// - Returns: the manifest and one line per problem (empty when the folder is sound).
    /// - Throws: `SamplesError.badDataset` when `dataset.json` is missing or unreadable.
    public static func run(folder: String) throws -> (manifest: DatasetManifest, problems: [String]) {
        let manifest = try DatasetManifest.read(from: folder)
        var problems: [String] = []
        for name in manifest.arrays.keys.sorted() {
            guard let entry = manifest.arrays[name] else { continue }
            let path = folder + "/" + entry.file
            do {
                let reader = try NpyReader(path: path)
                let expected = NpyType(rawValue: entry.dtype)
                if reader.header.type != expected { problems.append("\(entry.file): dtype \(reader.header.type.rawValue), dataset.json says \(entry.dtype)") }
                if reader.header.shape != entry.shape { problems.append("\(entry.file): shape \(reader.header.shape), dataset.json says \(entry.shape)") }
            } catch {
                problems.append("\(error)")
            }
        }
        if let text = try? String(contentsOfFile: folder + "/samples.csv", encoding: .utf8) {
            let lines = text.split(separator: "\n").count - 1
            if lines != manifest.shape[0] { problems.append("samples.csv: \(lines) samples, dataset.json says \(manifest.shape[0])") }
        } else {
            problems.append("samples.csv: missing or unreadable")
        }
        return (manifest, problems)
    }
}
