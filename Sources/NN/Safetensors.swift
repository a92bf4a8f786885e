import Foundation

/// Reading and writing the safetensors format (huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of JSON
/// `{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": […], "data_offsets": [b, e]}}`
/// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes,
/// offsets relative to the end of the header. Only F32 is used.
public enum Safetensors {
    /// Format tag and version written into `__metadata__` (checkpoints say what they are).
    public static let formatTag = "sitscube-nn"
    public static let formatVersion = "1"

    /// Serialises named tensors (in the given order) with string metadata.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        var meta = metadata
        meta["format"] = meta["format"] ?? formatTag
        meta["format_version"] = meta["format_version"] ?? formatVersion
        header["__metadata__"] = meta
        var offset = 0
        for (name, t) in tensors {
            guard name != "__metadata__", header[name] == nil else { throw NNError.format("duplicate or reserved tensor name '\(name)'") }
            let bytes = t.count * 4
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        var n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            #if _endian(big)
            for i in 0..<t.count { var b = t[flat: i].bitPattern.littleEndian; withUnsafeBytes(of: &b) { out.append(contentsOf: $0) } }
            #else
            out.append(UnsafeBufferPointer(start: t.ptr, count: t.count))
            #endif
        }
        return out
    }

    /// Parses a safetensors byte string.
    /// - Throws: ``NNError/format`` naming what is wrong.
    public static func decode(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else { throw NNError.format("file shorter than its 8-byte header length") }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(data.count - 8), n < 100_000_000 else { throw NNError.format("header length \(n) exceeds the file size \(data.count)") }
        let start = data.startIndex
        let headerData = data[(start + 8)..<(start + 8 + Int(n))]
        guard let header = try JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw NNError.format("header is not a JSON object")
        }
        let body = start + 8 + Int(n), bodyLen = data.count - 8 - Int(n)
        var meta: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let mm = m as? [String: String] else { throw NNError.format("__metadata__ must map strings to strings") }
            meta = mm
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offs = info["data_offsets"] as? [Int], offs.count == 2 else {
                throw NNError.format("tensor '\(name)': entry needs dtype, shape and data_offsets")
            }
            guard dtype == "F32" else { throw NNError.format("tensor '\(name)': dtype \(dtype) is not supported (F32 only)") }
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 >= 0 }), offs[0] >= 0, offs[1] <= bodyLen, offs[1] - offs[0] == count * 4 else {
                throw NNError.format("tensor '\(name)': data_offsets \(offs) do not fit shape \(shape) in \(bodyLen) data bytes")
            }
            let t = Tensor(zeros: shape)
            let raw = UnsafeMutableRawPointer(t.ptr)
            data[(body + offs[0])..<(body + offs[1])].withUnsafeBytes { src in
                if let b = src.baseAddress { raw.copyMemory(from: b, byteCount: count * 4) }
            }
            #if _endian(big)
            for i in 0..<count { t[flat: i] = Float(bitPattern: UInt32(littleEndian: t[flat: i].bitPattern)) }
            #endif
            tensors[name] = t
        }
        return (tensors, meta)
    }
}

extension Layer {
    /// Writes every named parameter (trainable weights and persistent state such as
    /// batch-norm running statistics) to a safetensors file.
    public func saveSafetensors(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.encode(namedParameters.map { ($0.0, $0.1.value) }, metadata: metadata).write(to: url)
    }

    /// Loads every named parameter from a safetensors file written for this architecture.
    /// - Returns: the file's metadata.
    /// - Throws: ``NNError/missingTensor`` or ``NNError/shapeMismatch`` naming the tensor.
    @discardableResult
    public func loadSafetensors(from url: URL) throws -> [String: String] {
        let (tensors, meta) = try Safetensors.decode(try Data(contentsOf: url))
        try load(tensors)
        return meta
    }

    /// Copies tensors by name into this layer's parameters (all of them must be present).
    public func load(_ tensors: [String: Tensor]) throws {
        let named = namedParameters
        for (name, p) in named {
            guard let t = tensors[name] else { throw NNError.missingTensor(name) }
            guard t.shape == p.shape else { throw NNError.shapeMismatch(what: "tensor '\(name)'", expected: p.shape, actual: t.shape) }
        }
        for (name, p) in named { if let t = tensors[name] { try p.value.assign(from: t) } }
    }
}
