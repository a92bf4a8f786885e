import ArgumentParser
import Foundation
import Logging
import SampleArchive

/// `sitscube sample-data`: writes the synthetic sample archive that the demo and tests run on.
struct SampleDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Generate the synthetic sample archive (Landsat C2 L2, Sentinel-2 L2A) and its labels.")

    @Option(name: .shortAndLong, help: "Output folder (created when missing).")
    var output: String

    @Option(help: "Random seed; the same seed gives the same bytes.")
    var seed: UInt64 = SampleArchive.defaultSeed

    @Option(help: "Landsat pixels per side (\(SampleArchive.sizeRange.lowerBound)…\(SampleArchive.sizeRange.upperBound)); Sentinel-2 covers the same area.")
    var size: Int = SampleArchive.defaultSize

    func validate() throws {
        guard SampleArchive.sizeRange.contains(size) else {
            throw ValidationError("--size \(size) is out of range: use \(SampleArchive.sizeRange.lowerBound)…\(SampleArchive.sizeRange.upperBound)")
        }
        guard !output.isEmpty else { throw ValidationError("-o needs a folder") }
    }

    func run() throws {
        let logger = Logger(label: "sitscube.sample-data")
        let start = Date()
        let report = try SampleArchive.generate(to: output, seed: seed, size: size) { line in
            logger.info("\(line)")
        }
        logger.info("""
            wrote \(report.landsatScenes) Landsat scenes, \(report.sentinelProducts) Sentinel-2 products, \
            \(report.points) points and \(report.parcels) parcels to \(output) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s
            """)
    }
}
