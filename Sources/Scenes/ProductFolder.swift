import Foundation

/// The files of one folder, looked up by name without regard to case (USGS ships `.TIF`,
/// some mirrors `.tif`).
struct ProductFolder {
    let path: String
    let name: String
    private let byLowercase: [String: String]

    init(path: String) throws {
        self.path = path
        name = URL(fileURLWithPath: path).lastPathComponent
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw SceneError.badMetadata(path: path, "cannot list the folder")
        }
        var map: [String: String] = [:]
        for e in entries.sorted() { map[e.lowercased()] = e }
        byLowercase = map
    }

    var fileNames: [String] { byLowercase.values.sorted() }

    /// The full path of `fileName` when the folder holds it.
    func file(_ fileName: String) -> String? {
        byLowercase[fileName.lowercased()].map { path + "/" + $0 }
    }

    /// The first file (sorted by name) whose name ends with `suffix`.
    func file(endingWith suffix: String) -> String? {
        let s = suffix.lowercased()
        return byLowercase.keys.sorted().first { $0.hasSuffix(s) }.flatMap { byLowercase[$0] }.map { path + "/" + $0 }
    }
}
