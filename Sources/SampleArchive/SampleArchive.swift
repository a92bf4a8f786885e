import Foundation
import GeoIO

/// Deterministic generator of the sample scene archive (DESIGN.md §2): Landsat Collection 2
/// Level-2 scenes of 2000–2005 and 2013–2014, a year of Sentinel-2 L2A, and the labels, all
/// simulated from one synthetic landscape. The same seed and size give the same bytes.
public enum SampleArchive {
    /// `--size` limits: below 32 px the zones and clouds no longer fit; above 1024 the 10 m
    /// simulation grid (3× the size per side) outgrows a laptop's memory.
    public static let sizeRange = 32...1024
    public static let defaultSeed: UInt64 = 42
    public static let defaultSize = 256

    public struct Report: Sendable {
        public let landsatScenes: Int
        public let sentinelProducts: Int
        public let points: Int
        public let parcels: Int
    }

    /// Generates the archive into `folder` (created when missing; existing files of the same
    /// names are replaced).
    /// - Parameters:
    ///   - log: receives one line per product, from whichever thread wrote it.
    /// - Throws: `SampleArchiveError` for a bad size or output folder, `GeoIOError` when a write fails.
    public static func generate(to folder: String, seed: UInt64 = defaultSeed, size: Int = defaultSize,
                                log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        guard sizeRange.contains(size) else { throw SampleArchiveError.invalidSize(size, sizeRange) }
        try prepare(folder)

        let geometry = ArchiveGeometry(size: size)
        let landscape = Landscape(geometry: geometry, seed: seed)
        let landsat = Acquisitions.landsat(seed: seed)
        let sentinel = Acquisitions.sentinel2(seed: seed)
        let landsatWriter = LandsatWriter(landscape: landscape, seed: seed)
        let sentinelWriter = Sentinel2Writer(landscape: landscape, seed: seed)

        // Products are independent and their content depends only on the seed and their index,
        // so they can be written in parallel in any order.
        enum Job { case landsat(LandsatAcquisition), sentinel(SentinelAcquisition), labels }
        let jobs: [Job] = [.labels] + sentinel.map { .sentinel($0) } + landsat.map { .landsat($0) }
        let state = JobState()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            guard !state.failed else { return }
            do {
                switch jobs[k] {
                case let .landsat(a):
                    let s = try landsatWriter.write(a, into: folder + "/landsat")
                    log("\(s.productID)  cloud \(String(format: "%.1f", s.cloudCover)) %, fill \(String(format: "%.1f", 100 * s.fillFraction)) %")
                case let .sentinel(a):
                    let s = try sentinelWriter.write(a, into: folder + "/sentinel2")
                    log("\(s.productID)  cloud \(String(format: "%.1f", s.cloudCover)) %, baseline \(a.baseline)")
                case .labels:
                    let counts = try Labels(landscape: landscape, seed: seed).write(into: folder + "/labels")
                    state.setLabelCounts(counts)
                    log("labels: classes.tif, forest_loss.tif, \(counts.points) points, \(counts.parcels) parcels")
                }
            } catch {
                state.fail(error)
            }
        }
        if let error = state.error { throw error }
        try RasterFiles.writeText(readme(seed: seed, size: size, landsat: landsat, sentinel: sentinel,
                                         labels: state.labelCounts ?? (0, 0)),
                                  to: folder + "/README.txt")
        return Report(landsatScenes: landsat.count, sentinelProducts: sentinel.count,
                      points: state.labelCounts?.points ?? 0, parcels: state.labelCounts?.parcels ?? 0)
    }

    /// The output folder must be a folder we can write into.
    static func prepare(_ folder: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SampleArchiveError.outputNotFolder(folder) }
        } else {
            do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw SampleArchiveError.outputNotWritable(folder, error.localizedDescription)
            }
        }
        guard fm.isWritableFile(atPath: folder) else {
            throw SampleArchiveError.outputNotWritable(folder, "permission denied")
        }
    }

    /// The first error of the parallel jobs, and what the labels job reports.
    private final class JobState: @unchecked Sendable {
        private let lock = NSLock()
        private var firstError: Error?
        private var counts: (points: Int, parcels: Int)?

        var failed: Bool { lock.lock(); defer { lock.unlock() }; return firstError != nil }
        var error: Error? { lock.lock(); defer { lock.unlock() }; return firstError }
        var labelCounts: (points: Int, parcels: Int)? { lock.lock(); defer { lock.unlock() }; return counts }

        func fail(_ error: Error) { lock.lock(); if firstError == nil { firstError = error }; lock.unlock() }
        func setLabelCounts(_ c: (points: Int, parcels: Int)) { lock.lock(); counts = c; lock.unlock() }
    }
}

public enum SampleArchiveError: Error, CustomStringConvertible, Equatable {
    case invalidSize(Int, ClosedRange<Int>)
    case outputNotFolder(String)
    case outputNotWritable(String, String)

    public var description: String {
        switch self {
        case let .invalidSize(size, range):
            return "--size \(size) is out of range: use \(range.lowerBound)…\(range.upperBound) Landsat pixels per side (default \(SampleArchive.defaultSize))"
        case let .outputNotFolder(path):
            return "\(path) exists and is not a folder: choose another output folder with -o"
        case let .outputNotWritable(path, reason):
            return "cannot write into \(path): \(reason)"
        }
    }
}
