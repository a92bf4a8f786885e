import Foundation
import XCTest
@testable import SampleArchive
import TestSupport

/// DESIGN.md §5: the same seed gives the same bytes, in every file, whatever the thread order.
final class DeterminismTests: XCTestCase {
    func testSameSeedGivesIdenticalBytesAndAnotherSeedDiffers() throws {
        let a = try TempFolder(), b = try TempFolder(), c = try TempFolder()
        _ = try SampleArchive.generate(to: a.path, seed: 7, size: 40)
        _ = try SampleArchive.generate(to: b.path, seed: 7, size: 40)
        _ = try SampleArchive.generate(to: c.path, seed: 8, size: 40)

        let files = TempFolder.files(under: a.path)
        XCTAssertGreaterThan(files.count, 900, "every product's files")
        XCTAssertEqual(files, TempFolder.files(under: b.path))
        XCTAssertFalse(files.contains { $0.hasSuffix(".tmp") || $0.contains("/.") }, "no temporary files left")
        for f in files {
            let x = FileManager.default.contents(atPath: a.file(f)), y = FileManager.default.contents(atPath: b.file(f))
            XCTAssertNotNil(x)
            XCTAssertEqual(x, y, "\(f) differs between two runs with the same seed")
        }
        // Another seed: another landscape, other dates, other pixels.
        let differing = files.filter { FileManager.default.contents(atPath: a.file($0)) != FileManager.default.contents(atPath: c.file($0)) }
        XCTAssertTrue(differing.contains("labels/classes.tif"), "another seed gives another landscape")
        XCTAssertGreaterThan(differing.filter { $0.hasSuffix("_SR_B3.TIF") }.count, 70, "and other scenes")
    }

    func testGeneratorsAreReproducible() {
        var r1 = SplitMix64(seed: 99), r2 = SplitMix64(seed: 99)
        for _ in 0..<100 { XCTAssertEqual(r1.next(), r2.next()) }
        // SplitMix64's published first output for seed 0 (Vigna's reference implementation).
        var zero = SplitMix64(seed: 0)
        XCTAssertEqual(zero.next(), 0xE220_A839_7B1D_CDAF)
        let noise = ValueNoise(seed: 3)
        XCTAssertEqual(noise.value(1.25, 2.5), noise.value(1.25, 2.5))
        XCTAssertEqual(noise.value(4, 5), Hash.unit(Hash.mix(3, Hash.key(4), Hash.key(5))), "lattice points take the lattice value")
    }
}
