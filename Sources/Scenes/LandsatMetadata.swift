import Foundation

/// The MTL of a Landsat Collection 2 product, from `_MTL.txt` (ODL) or `_MTL.json`, as
/// group → key → value text. Both files carry the same groups under LANDSAT_METADATA_FILE.
struct LandsatMetadata {
    var groups: [String: [String: String]] = [:]
    let path: String

    /// - Throws: `SceneError.badMetadata` when the file cannot be read or parsed.
    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SceneError.badMetadata(path: path, "cannot read the MTL file")
        }
        if path.lowercased().hasSuffix(".json") {
            try parseJSON(data)
        } else {
            guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
                throw SceneError.badMetadata(path: path, "the MTL file is not text")
            }
            parseODL(text)
        }
        if groups.isEmpty { throw SceneError.badMetadata(path: path, "the MTL file holds no metadata groups") }
    }

    /// ODL: `GROUP = NAME` … `KEY = VALUE` … `END_GROUP = NAME`; string values are quoted.
    private mutating func parseODL(_ text: String) {
        var stack: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            switch key {
            case "GROUP": stack.append(value)
            case "END_GROUP": _ = stack.popLast()
            default: groups[stack.last ?? "", default: [:]][key] = value
            }
        }
    }

    private mutating func parseJSON(_ data: Data) throws {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SceneError.badMetadata(path: path, "the MTL JSON is not a JSON object")
        }
        let top = (root["LANDSAT_METADATA_FILE"] as? [String: Any]) ?? root
        for (group, content) in top {
            guard let fields = content as? [String: Any] else { continue }
            for (key, value) in fields {
                groups[group, default: [:]][key] = "\(value)"
            }
        }
    }

    /// The value of `key`, in `group` when given, else in any group (first match by group name).
    func value(_ key: String, in group: String? = nil) -> String? {
        if let group { return groups[group]?[key] }
        for name in groups.keys.sorted() { if let v = groups[name]?[key] { return v } }
        return nil
    }

    func number(_ key: String, in group: String? = nil) -> Double? { value(key, in: group).flatMap { Double($0) } }
}
