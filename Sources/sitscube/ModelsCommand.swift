import ArgumentParser
import Foundation
import Models

/// `sitscube models`: the registry's architectures with their trainable-parameter counts
/// for one input shape.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the model architectures and their parameter counts.")

    @Option(help: "Sample shape T,C,H,W (dates, bands, height, width).")
    var input: String = InputShape.seed000.csv

    @Option(help: "Number of classes K.")
    var classes: Int = 6

    @Flag(help: "Print [{\"name\", \"paper\", \"params\", \"input\", …}] as JSON.")
    var json = false

    func run() throws {
        let shape: InputShape
        do { shape = try InputShape(parsing: input) } catch { throw ValidationError("--input: \(error)") }
        guard classes >= 2 else { throw ValidationError("--classes must be at least 2, got \(classes)") }
        let rows = ModelRegistry.listing(input: shape, classes: classes)
        if json {
            let objects: [[String: Any]] = rows.map { r in
                var o: [String: Any] = ["name": r.spec.name, "paper": r.spec.paper, "input": shape.csv,
                                        "reads": r.spec.source.rawValue, "task": r.spec.task.rawValue,
                                        "params": r.parameters.map { $0 as Any } ?? NSNull()]
                if let e = r.error { o["error"] = e }
                return o
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("Models for input \(shape) (T×C×H×W), \(classes) classes:")
        let nameW = max(4, rows.map(\.spec.name.count).max() ?? 0)
        let paperW = max(5, rows.map(\.spec.paper.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        print("\(pad("name", nameW))  \(pad("paper", paperW))  \(lpad("params", 10))  \(pad("reads", 12))  description")
        for r in rows {
            let params = r.parameters.map(Self.grouped) ?? "—"
            print("\(pad(r.spec.name, nameW))  \(pad(r.spec.paper, paperW))  \(lpad(params, 10))  \(pad(r.spec.source.rawValue, 12))  \(r.spec.summary)")
            if let e = r.error { print("\(pad("", nameW))  ↳ not for this input: \(e)") }
        }
    }

    /// 7109990 → "7,109,990".
    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
