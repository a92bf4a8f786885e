import Foundation
import Yams

/// A pipeline file's problem, naming the key path and the line.
public struct PipelineError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + message }
}

/// A validated pipeline: every key of the schema with its effective value (given or default).
/// Codable, so the effective settings go into the run report and the stage records as they are.
public struct PipelineConfig: Codable, Equatable, Sendable {
    /// Path of the file it came from ("-" for text).
    public var source: String
    /// Effective values by key path; keys without a value and without default are absent.
    public var values: [String: SettingValue]

    public subscript(key: SettingKey) -> SettingValue? { values[key.path] }

    public func int(_ key: SettingKey) -> Int? {
        switch values[key.path] {
        case .int(let v): return v
        case .number(let v): return Int(exactly: v)
        default: return nil
        }
    }
    public func number(_ key: SettingKey) -> Double? {
        switch values[key.path] {
        case .number(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public func text(_ key: SettingKey) -> String? {
        if case .text(let v) = values[key.path] { return v }
        return nil
    }
    public func flag(_ key: SettingKey) -> Bool {
        if case .flag(let v) = values[key.path] { return v }
        return false
    }
    public func texts(_ key: SettingKey) -> [String] {
        if case .texts(let v) = values[key.path] { return v }
        return []
    }
    public func numbers(_ key: SettingKey) -> [Double]? {
        if case .numbers(let v) = values[key.path] { return v }
        return nil
    }

    /// The settings in file order, as `path: value` lines.
    public var effectiveLines: [String] {
        PipelineSchema.keys.compactMap { k in values[k.path].map { "\(k.path): \($0)" } }
    }
}

/// Reads and validates pipeline files against `PipelineSchema`.
public enum PipelineFile {
    /// Reads FILE and applies `overrides` ("path=value", the value read as YAML).
    public static func load(_ path: String, overrides: [String] = []) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(file: path, "cannot read the pipeline file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, overrides: overrides)
    }

    public static func parse(_ text: String, file: String = "-", overrides: [String] = []) throws -> PipelineConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw PipelineError(file: file, line: yamlLine(error), "not valid YAML: \(error)")
        }
        var given: [String: SettingValue] = [:]
        if let root {
            guard let mapping = root.mapping else {
                throw PipelineError(file: file, line: root.mark?.line, "expected a mapping of keys (archive:, workdir:, scenes:, …) at the top")
            }
            try walk(mapping, section: nil, file: file, into: &given)
        }
        for o in overrides {
            guard let eq = o.firstIndex(of: "=") else {
                throw PipelineError(file: "--set", "'\(o)': expected KEY=VALUE such as train.epochs=5")
            }
            let path = String(o[..<eq]), valueText = String(o[o.index(after: eq)...])
            guard let key = PipelineSchema.byPath[path] else {
                throw PipelineError(file: "--set", "unknown key '\(path)'" + suggestion(path, among: PipelineSchema.keys.map(\.path)))
            }
            let node = (try? Yams.compose(yaml: valueText)).flatMap { $0 } ?? Node(valueText)
            given[path] = try convert(node, key: key, file: "--set")
        }
        var values: [String: SettingValue] = [:]
        for key in PipelineSchema.keys {
            if let v = given[key.path] ?? key.defaultValue { values[key.path] = v }
            else if key.required { throw PipelineError(file: file, "missing required key '\(key.path)': \(key.help)") }
        }
        let config = PipelineConfig(source: file, values: values)
        try crossCheck(config, file: file)
        return config
    }

    private static func walk(_ mapping: Node.Mapping, section: String?, file: String, into given: inout [String: SettingValue]) throws {
        let valid = section.map { PipelineSchema.keys(in: $0).map(\.name) } ?? PipelineSchema.topLevelNames
        for (keyNode, valueNode) in mapping {
            let name = keyNode.string ?? ""
            let path = section.map { "\($0).\(name)" } ?? name
            guard valid.contains(name) else {
                let place = section.map { "in section '\($0)'" } ?? "at the top level"
                throw PipelineError(file: file, line: keyNode.mark?.line,
                                    "unknown key '\(path)' \(place)" + suggestion(name, among: valid) + "; valid keys: " + valid.joined(separator: ", "))
            }
            if section == nil, PipelineSchema.sections.contains(where: { $0.name == name }) {
                if valueNode.scalar != nil, valueNode.null != nil { continue }
                guard let inner = valueNode.mapping else {
                    throw PipelineError(file: file, line: valueNode.mark?.line, "'\(name)' is a section: expected keys below it (\(PipelineSchema.keys(in: name).map(\.name).joined(separator: ", ")))")
                }
                try walk(inner, section: name, file: file, into: &given)
                continue
            }
            guard let key = PipelineSchema.byPath[path] else { continue }
            if valueNode.scalar != nil, valueNode.null != nil { continue }  // `key:` alone keeps the default
            given[path] = try convert(valueNode, key: key, file: file)
        }
    }

    /// The value of one key, checked against its kind.
    static func convert(_ node: Node, key: SettingKey, file: String) throws -> SettingValue {
        let line = node.mark?.line
        func fail(_ what: String) -> PipelineError {
            PipelineError(file: file, line: line, "'\(key.path)' \(what); expected \(key.kind.name)")
        }
        let shown = node.scalar?.string ?? (node.sequence != nil ? "a list" : "a mapping")
        switch key.kind {
        case .int(let range):
            guard node.scalar != nil, let v = node.int else { throw fail("is '\(shown)'") }
            guard range.contains(v) else { throw fail("is \(v), out of range") }
            return .int(v)
        case .number(let range):
            guard node.scalar != nil, let v = node.float, v.isFinite else { throw fail("is '\(shown)'") }
            guard range.contains(v) else { throw fail("is \(SettingValue.number(v)), out of range") }
            return .number(v)
        case .flag:
            guard node.scalar != nil, let v = node.bool else { throw fail("is '\(shown)'") }
            return .flag(v)
        case .text(let choices):
            guard let s = node.scalar?.string else { throw fail("is \(shown)") }
            if let choices, !choices.contains(s) { throw fail("is '\(s)'" + suggestion(s, among: choices)) }
            return .text(s)
        case .texts(let choices):
            // A single item or a comma-separated scalar reads as a list.
            let items: [Node]
            if let seq = node.sequence { items = Array(seq) }
            else if let s = node.scalar?.string { items = s.split(separator: ",").map { Node($0.trimmingCharacters(in: .whitespaces)) } }
            else { throw fail("is a mapping") }
            return .texts(try items.map { item in
                guard let s = item.scalar?.string else { throw fail("holds a nested list or mapping") }
                if let choices, !choices.contains(s) { throw fail("holds '\(s)'" + suggestion(s, among: choices)) }
                return s
            })
        case .numbers(let range, let count):
            let items: [Node]
            if let seq = node.sequence { items = Array(seq) }
            else if let s = node.scalar?.string { items = s.split(separator: ",").map { Node($0.trimmingCharacters(in: .whitespaces)) } }
            else { throw fail("is a mapping") }
            let v = try items.map { item -> Double in
                guard let d = item.float, d.isFinite else { throw fail("holds '\(item.scalar?.string ?? "a list")'") }
                guard range.contains(d) else { throw fail("holds \(SettingValue.number(d)), out of range") }
                return d
            }
            if let count, v.count != count { throw fail("has \(v.count) items") }
            return .numbers(v)
        }
    }

    /// Rules between keys.
    static func crossCheck(_ c: PipelineConfig, file: String) throws {
        let s = PipelineSchema.self
        if let split = c.numbers(s.split), abs(split.reduce(0, +) - 100) > 1e-6 {
            throw PipelineError(file: file, "'samples.split' \(SettingValue.numbers(split)) adds up to \(SettingValue.number(split.reduce(0, +))); expected 100")
        }
        if c[s.gridLike] != nil, c[s.gridEPSG] != nil {
            throw PipelineError(file: file, "'grid.like' and 'grid.epsg' exclude each other; give one")
        }
        if (c[s.gridEPSG] == nil) != (c[s.gridResolution] == nil) || (c[s.gridExtent] != nil && c[s.gridEPSG] == nil) {
            throw PipelineError(file: file, "'grid.epsg' and 'grid.resolution' go together (and 'grid.extent' needs them)")
        }
        if c.texts(s.models).isEmpty { throw PipelineError(file: file, "'train.models' is empty; name at least one model") }
        if let m = c.text(s.predictModel), !c.texts(s.models).contains(m) {
            throw PipelineError(file: file, "'predict.model' is '\(m)', which is not in train.models (\(c.texts(s.models).joined(separator: ", ")))")
        }
        let cv = c.int(s.cvFolds) ?? 0, folds = c.int(s.folds) ?? 0
        if cv > 0, cv > folds {
            throw PipelineError(file: file, "'train.cv_folds' is \(cv) but the dataset has \(folds) folds ('samples.folds'); raise samples.folds")
        }
        if c.text(s.samplesKind) == "patches", let size = c.int(s.size), size % 2 == 0 {
            throw PipelineError(file: file, "'samples.size' is \(size); patches need an odd size (9 in seed 000)")
        }
        for item in c.texts(s.hp) {
            guard let eq = item.firstIndex(of: "=") else { throw PipelineError(file: file, "'train.hp' item '\(item)': expected key=value or MODEL:key=value") }
            if let colon = item.firstIndex(of: ":"), colon < eq, !c.texts(s.models).contains(String(item[..<colon])) {
                throw PipelineError(file: file, "'train.hp' item '\(item)' names model '\(item[..<colon])', which is not in train.models (\(c.texts(s.models).joined(separator: ", ")))")
            }
        }
        for date in [s.from, s.to] {
            if let d = c.text(date), d.wholeMatch(of: #/\d{4}-\d{2}-\d{2}/#) == nil {
                throw PipelineError(file: file, "'\(date.path)' is '\(d)'; expected a date YYYY-MM-DD")
            }
        }
    }

    /// "; did you mean 'x'?" for the nearest name within a third of its length.
    static func suggestion(_ word: String, among names: [String]) -> String {
        let scored = names.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= max(2, best.count / 3) else { return "" }
        return "; did you mean '\(best)'?"
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = b.isEmpty ? [i] : current
        }
        return previous[b.count]
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }
}
