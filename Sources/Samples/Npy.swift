import Foundation

/// The element types sitscube writes to `.npy` files (DESIGN.md §3), with NumPy's `descr` strings.
public enum NpyType: String, Codable, Sendable {
    case float32, int32, uint8

    /// NumPy's type string: little-endian, or `|` where byte order does not apply.
    public var descr: String {
        switch self {
        case .float32: return "<f4"
        case .int32: return "<i4"
        case .uint8: return "|u1"
        }
    }

    public var byteSize: Int { self == .uint8 ? 1 : 4 }

    init?(descr: String) {
        switch descr {
        case "<f4": self = .float32
        case "<i4": self = .int32
        case "|u1", "<u1", ">u1": self = .uint8
        default: return nil
        }
    }
}

/// The header of a NumPy `.npy` file, format version 1.0: the magic string, a little-endian
/// UInt16 length, then a Python dict literal padded with spaces so the data starts on a 64-byte
/// boundary (what `numpy.save` does).
public struct NpyHeader: Equatable, Sendable {
    public var type: NpyType
    public var shape: [Int]

    public init(type: NpyType, shape: [Int]) {
        self.type = type
        self.shape = shape
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    var dictText: String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(type.descr)', 'fortran_order': False, 'shape': \(dims), }"
    }

    /// The encoded header, `length` bytes long in all (a multiple of 64; the smallest that fits
    /// when nil).
    func encoded(length: Int? = nil) -> [UInt8] {
        let text = Array(dictText.utf8)
        let minimum = 10 + text.count + 1
        let total = length ?? (minimum + 63) / 64 * 64
        var bytes = Self.magic + [1, 0]
        let headerLength = total - 10
        bytes += [UInt8(headerLength & 0xff), UInt8(headerLength >> 8)]
        bytes += text
        bytes += [UInt8](repeating: 0x20, count: max(total - minimum, 0))
        bytes.append(0x0a)
        return bytes
    }

    /// The number of elements per index of the first axis.
    public var rowElements: Int { shape.dropFirst().reduce(1, *) }

    /// Parses the header at the start of `data`.
    /// - Returns: the header and the offset where the array data starts.
    /// - Throws: `SamplesError.badDataset` when the bytes are not a v1/v2 `.npy` header we can read.
    public static func parse(_ data: Data, path: String) throws -> (NpyHeader, Int) {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw SamplesError.badDataset(path: path, "not a NumPy .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let (headerLength, start): (Int, Int)
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw SamplesError.badDataset(path: path, "truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24; start = 12
        default: throw SamplesError.badDataset(path: path, ".npy format version \(major) is not supported")
        }
        guard data.count >= start + headerLength,
              let text = String(data: data.subdata(in: start..<start + headerLength), encoding: .utf8) else {
            throw SamplesError.badDataset(path: path, "truncated .npy header")
        }
        func value(_ key: String) -> Substring? {
            guard let r = text.range(of: "'\(key)':") else { return nil }
            return text[r.upperBound...].drop(while: { $0 == " " })
        }
        guard let descrText = value("descr"), descrText.first == "'",
              let end = descrText.dropFirst().firstIndex(of: "'"),
              let type = NpyType(descr: String(descrText.dropFirst()[..<end])) else {
            throw SamplesError.badDataset(path: path, "unsupported dtype in .npy header \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let order = value("fortran_order"), order.hasPrefix("False") else {
            throw SamplesError.badDataset(path: path, "only C-order .npy files are supported")
        }
        guard let shapeText = value("shape"), shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw SamplesError.badDataset(path: path, "no shape in .npy header")
        }
        let dims = shapeText.dropFirst()[..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw SamplesError.badDataset(path: path, "bad shape in .npy header: \(shapeText[...close])")
        }
        return (NpyHeader(type: type, shape: shape), start + headerLength)
    }
}

/// Writes a `.npy` file whose first dimension grows as rows are appended: the data is streamed
/// to disk (x.npy can be far larger than memory) and the header, sized in advance for any row
/// count, is rewritten with the final count by `finish()`.
public final class NpyWriter {
    public let path: String
    public let type: NpyType
    /// The shape of one row (everything after the first axis).
    public let rowShape: [Int]
    public private(set) var rows = 0
    /// Bytes of a row begun by `append` and not yet complete (rows may arrive in pieces).
    private var partialBytes = 0
    private let handle: FileHandle
    private let headerLength: Int
    private var buffer: [UInt8] = []
    private let rowBytes: Int
    private static let flushBytes = 8 << 20

    /// Creates (truncates) `path`.
    /// - Throws: `SamplesError.unwritable` when the file cannot be created.
    public init(path: String, type: NpyType, rowShape: [Int]) throws {
        self.path = path
        self.type = type
        self.rowShape = rowShape
        rowBytes = rowShape.reduce(1, *) * type.byteSize
        // The widest row count any run could reach, so the real header is never longer.
        headerLength = NpyHeader(type: type, shape: [Int.max] + rowShape).encoded().count
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forUpdatingAtPath: path) else {
            throw SamplesError.unwritable(path: path, "cannot create the file")
        }
        handle = h
        buffer.reserveCapacity(Self.flushBytes + rowBytes)
        buffer += [UInt8](repeating: 0x20, count: headerLength)
    }

    /// Appends values continuing the rows written so far: whole rows, or a row in pieces
    /// (a large row plane by plane keeps the buffer small).
    public func append<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>) throws {
        guard MemoryLayout<T>.size == type.byteSize else {
            throw SamplesError.unwritable(path: path, "\(T.self) values cannot be written as \(type.descr)")
        }
        guard rowBytes > 0 else { return }
        let raw = UnsafeRawBufferPointer(values)
        #if _endian(little)
        buffer.append(contentsOf: raw)
        #else
        for i in stride(from: 0, to: raw.count, by: type.byteSize) { buffer.append(contentsOf: raw[i..<i + type.byteSize].reversed()) }
        #endif
        partialBytes += raw.count
        rows += partialBytes / rowBytes
        partialBytes %= rowBytes
        if buffer.count >= Self.flushBytes { try flush() }
    }

    public func append<T: BitwiseCopyable>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try append($0) }
    }

    /// Appends a copy of row `index` written earlier (oversampling repeats rows).
    public func appendCopy(ofRow index: Int) throws {
        guard partialBytes == 0 else { throw SamplesError.unwritable(path: path, "a row is incomplete; cannot copy row \(index)") }
        guard index >= 0, index < rows else { return }
        try flush()
        try handle.seek(toOffset: UInt64(headerLength + index * rowBytes))
        let data = try handle.read(upToCount: rowBytes) ?? Data()
        guard data.count == rowBytes else { throw SamplesError.unwritable(path: path, "could not read back row \(index)") }
        try handle.seekToEnd()
        buffer.append(contentsOf: data)
        rows += 1
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: buffer)
        } catch {
            throw SamplesError.unwritable(path: path, "writing: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and the final header, and closes the file.
    public func finish() throws {
        guard partialBytes == 0 else { throw SamplesError.unwritable(path: path, "the last row is incomplete (\(partialBytes) of \(rowBytes) bytes)") }
        try flush()
        let header = NpyHeader(type: type, shape: [rows] + rowShape).encoded(length: headerLength)
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: header)
            try handle.close()
        } catch {
            throw SamplesError.unwritable(path: path, "writing the header: \(error.localizedDescription)")
        }
    }

    /// Writes a whole array at once.
    public static func write<T: BitwiseCopyable>(_ values: [T], type: NpyType, shape: [Int], to path: String) throws {
        let writer = try NpyWriter(path: path, type: type, rowShape: Array(shape.dropFirst()))
        try writer.append(values)
        try writer.finish()
    }
}

/// Reads `.npy` files row by row (the dataset info check, normalisation statistics, tests).
public final class NpyReader {
    public let path: String
    public let header: NpyHeader
    private let handle: FileHandle
    private let dataOffset: Int

    /// - Throws: `SamplesError.badDataset` when the file is missing, not a `.npy`, or shorter than its header says.
    public init(path: String) throws {
        self.path = path
        guard let h = FileHandle(forReadingAtPath: path) else { throw SamplesError.badDataset(path: path, "missing or unreadable") }
        handle = h
        let head = try h.read(upToCount: 65536 + 12) ?? Data()
        (header, dataOffset) = try NpyHeader.parse(head, path: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let expected = dataOffset + header.shape.reduce(1, *) * header.type.byteSize
        guard size == expected else {
            throw SamplesError.badDataset(path: path, "is \(size) bytes but its header (\(header.type.descr), shape \(header.shape)) needs \(expected)")
        }
    }

    deinit { try? handle.close() }

    public var rows: Int { header.shape.first ?? 0 }

    /// Reads `count` rows from `start` as `T` (which must match the file's element size).
    public func read<T: BitwiseCopyable>(rows start: Int, count: Int, as _: T.Type = T.self) throws -> [T] {
        guard MemoryLayout<T>.size == header.type.byteSize else {
            throw SamplesError.badDataset(path: path, "holds \(header.type.descr), not \(T.self)")
        }
        let n = max(0, min(count, rows - start)) * header.rowElements
        try handle.seek(toOffset: UInt64(dataOffset + start * header.rowElements * header.type.byteSize))
        let data = try handle.read(upToCount: n * header.type.byteSize) ?? Data()
        guard data.count == n * header.type.byteSize else { throw SamplesError.badDataset(path: path, "truncated data") }
        var values = [T]()
        values.reserveCapacity(n)
        data.withUnsafeBytes { raw in
            #if _endian(little)
            values.append(contentsOf: raw.bindMemory(to: T.self))
            #else
            var copy = [UInt8](raw)
            for i in stride(from: 0, to: copy.count, by: header.type.byteSize) { copy[i..<i + header.type.byteSize].reverse() }
            copy.withUnsafeBytes { values.append(contentsOf: $0.bindMemory(to: T.self)) }
            #endif
        }
        return values
    }

    /// The whole array, flattened in C order.
    public func readAll<T: BitwiseCopyable>(as _: T.Type = T.self) throws -> [T] {
        try read(rows: 0, count: rows)
    }
}
