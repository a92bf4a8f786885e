import Foundation

// A forest in a safetensors file (DESIGN.md §3), readable by Python's `safetensors`:
//
//   rf.tree_start  I32 [T+1]   first node of each tree; nodes of tree t are tree_start[t]..<tree_start[t+1], root first
//   rf.feature     I32 [N]     split feature, −1 for a leaf
//   rf.threshold   F32 [N]     a row goes left when x[feature] <= threshold (NaN goes right); 0 for a leaf
//   rf.left        I32 [N]     left child (a node index over the whole forest), −1 for a leaf
//   rf.right       I32 [N]     right child, −1 for a leaf
//   rf.leaf        I32 [N]     row of rf.leaf_proba for a leaf, −1 for a split
//   rf.leaf_proba  F32 [L, K]  class fractions of each leaf
//
// `__metadata__` carries the hyper-parameters as `rf.*` strings (rf.trees, rf.features,
// rf.classes, rf.max_depth, rf.min_samples_leaf, rf.min_samples_split, rf.max_features,
// rf.bootstrap, rf.seed) beside the caller's own keys (normalisation, class names, …).
// NN's `Safetensors` reads F32 only, so the forest has this small reader/writer of its own
// for F32 and I32; it ignores tensors it does not know, so a model file may carry more.

extension RandomForest {
    /// `format` written into the metadata unless the caller sets one.
    public static let formatTag = "sitscube-rf"
    /// Version of the tensor layout above (`rf.version`).
    public static let formatVersion = "1"

    /// The forest as safetensors bytes.
    /// - Parameter metadata: the caller's strings (model name, classes, normalisation …);
    ///   keys starting with `rf.` belong to the forest and are replaced.
    public func encode(metadata: [String: String] = [:]) throws -> Data {
        var meta = metadata.filter { !$0.key.hasPrefix("rf.") }
        meta["format"] = meta["format"] ?? RandomForest.formatTag
        meta["model"] = meta["model"] ?? "rf"
        meta["rf.version"] = RandomForest.formatVersion
        meta["rf.trees"] = String(treeCount)
        meta["rf.features"] = String(featureCount)
        meta["rf.classes"] = String(classCount)
        meta["rf.max_depth"] = options.maxDepth.map(String.init) ?? "none"
        meta["rf.min_samples_leaf"] = String(options.minSamplesLeaf)
        meta["rf.min_samples_split"] = String(options.minSamplesSplit)
        meta["rf.max_features"] = options.maxFeatures.description
        meta["rf.bootstrap"] = options.bootstrap ? "true" : "false"
        meta["rf.seed"] = String(options.seed)

        let isLeaf = nodes.map { $0.feature < 0 }
        let leafRows = leafValues.count / max(classCount, 1)
        return try SafetensorsIO.encode([
            .i32("rf.tree_start", [treeStarts.count], treeStarts),
            .i32("rf.feature", [nodes.count], nodes.map(\.feature)),
            .f32("rf.threshold", [nodes.count], nodes.map(\.threshold)),
            .i32("rf.left", [nodes.count], zip(nodes, isLeaf).map { $1 ? -1 : $0.left }),
            .i32("rf.right", [nodes.count], zip(nodes, isLeaf).map { $1 ? -1 : $0.right }),
            .i32("rf.leaf", [nodes.count], zip(nodes, isLeaf).map { $1 ? $0.left : -1 }),
            .f32("rf.leaf_proba", [leafRows, classCount], leafValues),
        ], metadata: meta)
    }

    /// Reads a forest written by ``encode(metadata:)``.
    /// - Returns: the forest and the file's whole metadata.
    /// - Throws: ``RandomForestError/malformedModel(_:)`` naming the missing or inconsistent part.
    public static func decode(_ data: Data) throws -> (forest: RandomForest, metadata: [String: String]) {
        let (tensors, meta) = try SafetensorsIO.decode(data)
        func bad(_ m: String) -> RandomForestError { .malformedModel(m) }
        func int(_ key: String) throws -> Int {
            guard let s = meta[key] else { throw bad("metadata '\(key)' is missing; is this a random forest (model 'rf') file?") }
            guard let v = Int(s) else { throw bad("metadata '\(key)' = '\(s)' is not an integer") }
            return v
        }
        guard let version = meta["rf.version"] else { throw bad("metadata 'rf.version' is missing; is this a random forest (model 'rf') file?") }
        guard version == formatVersion else { throw bad("layout version \(version) is not supported (this build reads \(formatVersion))") }
        let d = try int("rf.features"), k = try int("rf.classes"), trees = try int("rf.trees")
        guard d >= 1, k >= 1, trees >= 1 else { throw bad("rf.features, rf.classes and rf.trees must be ≥ 1 (got \(d), \(k), \(trees))") }
        var options = Options()
        options.trees = trees
        options.minSamplesLeaf = try int("rf.min_samples_leaf")
        options.minSamplesSplit = try int("rf.min_samples_split")
        options.seed = try {
            guard let s = meta["rf.seed"], let v = UInt64(s) else { throw bad("metadata 'rf.seed' is missing or not an unsigned integer") }
            return v
        }()
        options.maxDepth = try meta["rf.max_depth"] == "none" ? nil : int("rf.max_depth")
        guard let mf = meta["rf.max_features"].flatMap(MaxFeatures.init(parsing:)) else {
            throw bad("metadata 'rf.max_features' is missing or not sqrt|log2|all|N|fraction")
        }
        options.maxFeatures = mf
        switch meta["rf.bootstrap"] {
        case "true": options.bootstrap = true
        case "false": options.bootstrap = false
        default: throw bad("metadata 'rf.bootstrap' must be true or false")
        }
        do { try options.validate(features: d) } catch let e as RandomForestError { throw bad("hyper-parameters: \(e)") }

        let starts = try tensors.i32("rf.tree_start", shape: [trees + 1])
        guard let nn = tensors["rf.feature"]?.shape.first else { throw bad("tensor 'rf.feature' is missing") }
        let feature = try tensors.i32("rf.feature", shape: [nn])
        let threshold = try tensors.f32("rf.threshold", shape: [nn])
        let left = try tensors.i32("rf.left", shape: [nn]), right = try tensors.i32("rf.right", shape: [nn])
        let leaf = try tensors.i32("rf.leaf", shape: [nn])
        guard let leaves = tensors["rf.leaf_proba"]?.shape.first else { throw bad("tensor 'rf.leaf_proba' is missing") }
        let proba = try tensors.f32("rf.leaf_proba", shape: [leaves, k])
        guard proba.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else { throw bad("rf.leaf_proba holds values outside [0, 1]") }

        // Every tree non-empty, children after their parent and inside its tree: walks end.
        guard starts.first == 0, starts.last == Int32(nn) else {
            throw bad("rf.tree_start must run from 0 to the \(nn) nodes (got \(starts.first ?? -1)…\(starts.last ?? -1))")
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(nn)
        for t in 0..<trees {
            let s = Int(starts[t]), e = Int(starts[t + 1])
            guard s < e else { throw bad("tree \(t) has no nodes (rf.tree_start is not increasing)") }
            for i in s..<e {
                let f = feature[i]
                if f == -1 {
                    guard leaf[i] >= 0, Int(leaf[i]) < leaves else { throw bad("node \(i): leaf row \(leaf[i]) is outside 0..<\(leaves)") }
                    nodes.append(Node(feature: -1, threshold: 0, left: leaf[i], right: -1))
                } else {
                    guard f >= 0, Int(f) < d else { throw bad("node \(i): feature \(f) is outside 0..<\(d)") }
                    guard !threshold[i].isNaN else { throw bad("node \(i): threshold is NaN") }
                    for c in [left[i], right[i]] where !(Int(c) > i && Int(c) < e) {
                        throw bad("node \(i) of tree \(t): child \(c) is not after it inside its tree (\(s)..<\(e))")
                    }
                    nodes.append(Node(feature: f, threshold: threshold[i], left: left[i], right: right[i]))
                }
            }
        }
        let forest = RandomForest(options: options, featureCount: d, classCount: k, nodes: nodes, treeStarts: starts, leafValues: proba)
        return (forest, meta)
    }

    /// Writes ``encode(metadata:)`` to a file.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try encode(metadata: metadata).write(to: url, options: .atomic)
    }

    /// Reads a forest file written by ``save(to:metadata:)``.
    /// - Throws: ``RandomForestError/malformedModel(_:)``, or the file system's error.
    public static func load(from url: URL) throws -> (forest: RandomForest, metadata: [String: String]) {
        try decode(try Data(contentsOf: url))
    }
}

/// The subset of safetensors the forest needs: F32 and I32 tensors, string metadata.
enum SafetensorsIO {
    struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: Data

        static func f32(_ name: String, _ shape: [Int], _ v: [Float]) -> Entry {
            Entry(name: name, dtype: "F32", shape: shape, bytes: littleEndianBytes(v.map(\.bitPattern)))
        }
        static func i32(_ name: String, _ shape: [Int], _ v: [Int32]) -> Entry {
            Entry(name: name, dtype: "I32", shape: shape, bytes: littleEndianBytes(v.map { UInt32(bitPattern: $0) }))
        }
    }

    static func littleEndianBytes(_ v: [UInt32]) -> Data {
        #if _endian(big)
        return v.map(\.littleEndian).withUnsafeBytes { Data($0) }
        #else
        return v.withUnsafeBytes { Data($0) }
        #endif
    }

    static func encode(_ entries: [Entry], metadata: [String: String]) throws -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for e in entries {
            precondition(e.bytes.count == e.shape.reduce(1, *) * 4, "tensor \(e.name): bytes do not fit its shape")
            header[e.name] = ["dtype": e.dtype, "shape": e.shape, "data_offsets": [offset, offset + e.bytes.count]] as [String: Any]
            offset += e.bytes.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for e in entries { out.append(e.bytes) }
        return out
    }

    /// Tensors by name (dtype, shape and raw bytes) and the metadata.
    static func decode(_ data: Data) throws -> (tensors: [String: Entry], metadata: [String: String]) {
        func bad(_ m: String) -> RandomForestError { .malformedModel(m) }
        guard data.count >= 8 else { throw bad("file is \(data.count) bytes, shorter than the 8-byte safetensors header length") }
        let start = data.startIndex
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[start + $1]) << (8 * UInt64($1)) }
        guard n <= UInt64(data.count - 8) else { throw bad("header length \(n) exceeds the file size \(data.count); not a safetensors file?") }
        let body = start + 8 + Int(n)
        guard let header = (try? JSONSerialization.jsonObject(with: data[(start + 8)..<body])) as? [String: Any] else {
            throw bad("the safetensors header is not a JSON object")
        }
        var meta: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let mm = m as? [String: String] else { throw bad("__metadata__ must map strings to strings") }
            meta = mm
        }
        let bodyLen = data.count - 8 - Int(n)
        var tensors: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offs = info["data_offsets"] as? [Int], offs.count == 2 else {
                throw bad("tensor '\(name)': entry needs dtype, shape and data_offsets")
            }
            guard shape.allSatisfy({ $0 >= 0 }), offs[0] >= 0, offs[0] <= offs[1], offs[1] <= bodyLen else {
                throw bad("tensor '\(name)': data_offsets \(offs) or shape \(shape) do not fit the \(bodyLen) data bytes")
            }
            tensors[name] = Entry(name: name, dtype: dtype, shape: shape, bytes: Data(data[(body + offs[0])..<(body + offs[1])]))
        }
        return (tensors, meta)
    }

    static func words(_ e: Entry, dtype: String, shape: [Int]) throws -> [UInt32] {
        guard e.dtype == dtype else { throw RandomForestError.malformedModel("tensor '\(e.name)': dtype \(e.dtype), expected \(dtype)") }
        guard e.shape == shape, e.bytes.count == shape.reduce(1, *) * 4 else {
            throw RandomForestError.malformedModel("tensor '\(e.name)': shape \(e.shape) (\(e.bytes.count) bytes), expected \(shape)")
        }
        var out = [UInt32](repeating: 0, count: e.bytes.count / 4)
        out.withUnsafeMutableBytes { dst in e.bytes.withUnsafeBytes { src in dst.copyMemory(from: src) } }
        #if _endian(big)
        out = out.map { UInt32(littleEndian: $0) }
        #endif
        return out
    }
}

extension Dictionary where Key == String, Value == SafetensorsIO.Entry {
    func f32(_ name: String, shape: [Int]) throws -> [Float] {
        guard let e = self[name] else { throw RandomForestError.malformedModel("tensor '\(name)' is missing") }
        return try SafetensorsIO.words(e, dtype: "F32", shape: shape).map(Float.init(bitPattern:))
    }

    func i32(_ name: String, shape: [Int]) throws -> [Int32] {
        guard let e = self[name] else { throw RandomForestError.malformedModel("tensor '\(name)' is missing") }
        return try SafetensorsIO.words(e, dtype: "I32", shape: shape).map { Int32(bitPattern: $0) }
    }
}
