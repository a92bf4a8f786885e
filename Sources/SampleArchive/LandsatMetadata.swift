import Foundation

/// A Landsat Collection 2 MTL document: groups of key/value pairs under LANDSAT_METADATA_FILE,
/// written both as ODL text (`_MTL.txt`) and JSON (`_MTL.json`) with the group and key names
/// and order of real USGS files (see `realdata/landsat-c2l2-stactools`).
struct MTLDocument {
    enum Value {
        /// Quoted in ODL ("LANDSAT_7").
        case text(String)
        /// Bare in ODL (numbers, dates, times of day as USGS writes them).
        case bare(String)

        var raw: String {
            switch self {
            case let .text(s), let .bare(s): return s
            }
        }
    }

    var groups: [(name: String, items: [(String, Value)])] = []

    mutating func group(_ name: String, _ items: [(String, Value)]) { groups.append((name, items)) }

    /// ODL, two spaces per level, closed by END.
    var odl: String {
        var lines = ["GROUP = LANDSAT_METADATA_FILE"]
        for g in groups {
            lines.append("  GROUP = \(g.name)")
            for (key, value) in g.items {
                switch value {
                case let .text(s): lines.append("    \(key) = \"\(s)\"")
                case let .bare(s): lines.append("    \(key) = \(s)")
                }
            }
            lines.append("  END_GROUP = \(g.name)")
        }
        lines.append("END_GROUP = LANDSAT_METADATA_FILE")
        lines.append("END")
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON as USGS writes it: every value a string, keys in ODL order.
    var json: String {
        let body = groups.map { g in
            let items = g.items.map { "\(JSONText.quote($0.0)): \(JSONText.quote($0.1.raw))" }.joined(separator: ", ")
            return "\(JSONText.quote(g.name)): {\(items)}"
        }.joined(separator: ", ")
        return "{\"LANDSAT_METADATA_FILE\": {\(body)}}"
    }
}

/// Minimal JSON text building with a fixed key order (JSONSerialization does not keep one).
enum JSONText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    /// A number with a fixed number of decimals, trailing zeros kept (deterministic text).
    static func number(_ value: Double, decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
