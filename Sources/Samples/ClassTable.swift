/// One class of a dataset: its code in the label file, its name, and its index in `y.npy`.
public struct ClassInfo: Codable, Equatable, Sendable {
    public var code: Int
    public var name: String
    public var index: Int

    public init(code: Int, name: String, index: Int) {
        self.code = code
        self.name = name
        self.index = index
    }
}

/// Class codes mapped to contiguous indices 0..K−1 in increasing code order, each keeping its
/// code and name (DESIGN.md §3: `classes [{code, name, index}]`).
public struct ClassTable: Equatable, Sendable {
    public private(set) var classes: [ClassInfo]
    private var indexByCode: [Int: Int]

    /// - Parameters:
    ///   - codes: every code seen (repeats allowed).
    ///   - names: name candidates per code; the most frequent wins (the first seen on a tie),
    ///     the code itself when there is none.
    public init(codes: [Int], names: [Int: [String]] = [:]) {
        let distinct = Array(Set(codes)).sorted()
        classes = distinct.enumerated().map { i, code in
            ClassInfo(code: code, name: Self.mostFrequent(names[code] ?? []) ?? String(code), index: i)
        }
        indexByCode = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
    }

    public init(classes: [ClassInfo]) {
        self.classes = classes
        indexByCode = Dictionary(classes.map { ($0.code, $0.index) }, uniquingKeysWith: { a, _ in a })
    }

    public var count: Int { classes.count }

    public func index(of code: Int) -> Int? { indexByCode[code] }

    private static func mostFrequent(_ names: [String]) -> String? {
        var counts: [String: Int] = [:]
        for n in names where !n.isEmpty { counts[n, default: 0] += 1 }
        var best: String?
        for n in names where !n.isEmpty {
            if best == nil || counts[n, default: 0] > counts[best ?? "", default: 0] { best = n }
        }
        return best
    }
}
