/// The commented template `sitscube pipeline template` prints, generated from `PipelineSchema`,
/// so it lists every key with its type, range and default and never drifts from validation.
public enum PipelineTemplate {
    public static func text() -> String {
        var lines = [
            "# sitscube pipeline: one study, run with `sitscube run FILE` (check it with `sitscube pipeline check FILE`).",
            "# Every key is shown with its default; keys commented out have no default.",
            "# Relative paths are relative to the folder `sitscube run` starts in.",
            "",
        ]
        func entry(_ key: SettingKey, indent: String) {
            var help = "# \(key.help) (\(key.kind.name)"
            if key.required { help += "; required" }
            lines.append(indent + help + ")")
            if let v = key.defaultValue {
                lines.append(indent + "\(key.name): \(v)")
            } else if key.required {
                lines.append(indent + "\(key.name): \(placeholder(key))")
            } else {
                lines.append(indent + "# \(key.name): \(placeholder(key))")
            }
        }
        for key in PipelineSchema.keys where key.section == nil { entry(key, indent: "") }
        for section in PipelineSchema.sections {
            lines.append("")
            lines.append("# \(section.help)")
            lines.append("\(section.name):")
            for key in PipelineSchema.keys(in: section.name) { entry(key, indent: "  ") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func placeholder(_ key: SettingKey) -> String {
        switch key.kind {
        case .int(let r): return "\(r.lowerBound)"
        case .number(let r): return SettingValue.number(max(r.lowerBound, min(1, r.upperBound))).description
        case .text(let choices): return choices?.first ?? (key.path == "archive" ? "sample-data/archive" : key.path == "samples.labels" ? "sample-data/archive/labels/points.geojson" : "\"\"")
        case .flag: return "false"
        case .texts(let choices): return "[\(choices?.first ?? "")]"
        case .numbers(_, let count): return "[" + Array(repeating: "0", count: count ?? 1).joined(separator: ", ") + "]"
        }
    }
}
