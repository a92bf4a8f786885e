import Foundation
import GeoIO

/// One of N shards of a grid's blocks (`--shard I/N`, I counted from 0, as `SLURM_ARRAY_TASK_ID`).
/// Shard I owns the contiguous block range [I·B/N, (I+1)·B/N) of the B blocks in row-major order.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw CubeError.invalidOption("shard \(index)/\(count): expected I/N with 0 ≤ I < N")
        }
        self.index = index
        self.count = count
    }

    /// Parses "I/N".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw CubeError.invalidOption("--shard '\(text)': expected I/N, such as 0/4 (I from 0 to N-1)")
        }
        try self.init(index: i, count: n)
    }

    /// The shard from Slurm's array variables, when both are set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        guard let id = env["SLURM_ARRAY_TASK_ID"], let n = env["SLURM_ARRAY_TASK_COUNT"] else { return nil }
        guard let i = Int(id), let c = Int(n) else {
            throw CubeError.invalidOption("SLURM_ARRAY_TASK_ID=\(id), SLURM_ARRAY_TASK_COUNT=\(n): expected integers")
        }
        // Arrays submitted as --array=1-N count from 1; 0-(N-1) from 0.
        let minimum = Int(env["SLURM_ARRAY_TASK_MIN"] ?? "0") ?? 0
        return try Shard(index: i - minimum, count: c)
    }

    /// The job indices this shard owns out of `total`.
    public func range(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    public var description: String { "\(index)/\(count)" }
}

/// Finished blocks of a sharded build: one raw file per block (composites, counts, empty-pixel
/// count), written atomically, so a shard killed midway resumes and the assembling run reads
/// the same values it would have computed.
struct BlockStaging {
    let folder: String

    init(cube: String, digest: String, side: Int) {
        folder = cube + "/.shards/\(digest)-\(side)"
    }

    /// The block side of an existing staging area of this digest, if there is one.
    static func stagedSide(cube: String, digest: String) -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cube + "/.shards")) ?? []
        return names.sorted().compactMap { name -> Int? in
            guard name.hasPrefix(digest + "-") else { return nil }
            return Int(name.dropFirst(digest.count + 1))
        }.first
    }

    func path(_ block: Window) -> String { folder + "/block-\(block.col)-\(block.row)-\(block.width)x\(block.height).bin" }

    func has(_ block: Window) -> Bool { FileManager.default.fileExists(atPath: path(block)) }

    func save(_ block: Window, composite: ArraySlice<Float>, counts: ArraySlice<UInt16>, empty: Int) throws {
        var data = Data(capacity: composite.count * 4 + counts.count * 2 + 8)
        composite.withUnsafeBytes { data.append(contentsOf: $0) }
        counts.withUnsafeBytes { data.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(empty).littleEndian) { data.append(contentsOf: $0) }
        try AtomicOutput.write(data, to: path(block))
    }

    /// Reads a staged block into the worker's buffers; nil when absent or of another size.
    func load(_ block: Window, composite: inout [Float], compositeCount: Int, counts: inout [UInt16], countCount: Int) -> Int? {
        guard let data = FileManager.default.contents(atPath: path(block)),
              data.count == compositeCount * 4 + countCount * 2 + 8 else { return nil }
        if composite.count < compositeCount { composite = [Float](repeating: 0, count: compositeCount) }
        if counts.count < countCount { counts = [UInt16](repeating: 0, count: countCount) }
        var empty: Int64 = 0
        data.withUnsafeBytes { raw in
            let c0 = compositeCount * 4, c1 = c0 + countCount * 2
            composite.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<c0])) }
            counts.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[c0..<c1])) }
            withUnsafeMutableBytes(of: &empty) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[c1..<(c1 + 8)])) }
        }
        return Int(Int64(littleEndian: empty))
    }
}
