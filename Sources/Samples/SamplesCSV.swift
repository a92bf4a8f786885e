import Foundation

/// `samples.csv`: one line per row of x.npy, `index,code,class,x,y,row,col,group,split,fold`
/// (DESIGN.md §3). `class` is the class name; `x, y` are in the cube's CRS; `row, col` are the
/// cube pixel of the patch centre (or of the parcel crop's centre); `fold` is −1 without folds
/// and for oversampled copies.
enum SamplesCSV {
    static let header = "index,code,class,x,y,row,col,group,split,fold"

    static func text(records: [SampleRecord], classes: ClassTable, splits: [SplitName], folds: [Int]) -> String {
        var lines = [header]
        lines.reserveCapacity(records.count + 1)
        let names = Dictionary(classes.classes.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        for (i, r) in records.enumerated() {
            let fields = [String(i), String(r.code), quoted(names[r.code] ?? String(r.code)), number(r.x), number(r.y),
                          String(r.row), String(r.col), quoted(r.group), splits[i].rawValue, String(folds[i])]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Coordinates with enough digits for degrees and metres alike, in a fixed form.
    static func number(_ v: Double) -> String {
        var s = String(format: "%.9f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// RFC 4180 quoting where a field holds a comma, a quote or a line break.
    static func quoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
