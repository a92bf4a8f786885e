import Foundation
import GeoIO
import Samples
import TestSupport
import XCTest

/// Splits and folds: stratified within ±1 sample per class, no group in two splits or folds,
/// the same seed gives the same files, oversampling stays in train.
final class SplitTests: XCTestCase {
    func testStratificationWithinOneSamplePerClass() {
        for seed: UInt64 in [1, 7, 42] {
            // Uneven classes, one sample per group (points).
            let sizes = [3, 17, 40, 101, 250, 9]
            let classes = sizes.enumerated().flatMap { c, n in Array(repeating: c, count: n) }
            let groups = classes.indices.map { "p\($0)" }
            let settings = SplitSettings(fractions: [75, 10, 15], folds: 3, seed: seed)
            let (splits, folds) = Splitter.assign(classes: classes, groups: groups, settings: settings)
            for (c, n) in sizes.enumerated() {
                for (k, name) in SplitName.allCases.enumerated() {
                    let count = classes.indices.filter { classes[$0] == c && splits[$0] == name }.count
                    XCTAssertLessThanOrEqual(abs(Double(count) - Double(n) * settings.fractions[k] / 100), 1.0, "class \(c) \(name) seed \(seed)")
                }
                for f in 0..<3 {
                    let count = classes.indices.filter { classes[$0] == c && folds[$0] == f }.count
                    XCTAssertLessThanOrEqual(abs(Double(count) - Double(n) / 3), 1.0, "class \(c) fold \(f)")
                }
            }
        }
    }

    func testNoGroupCrossesSplitsOrFolds() throws {
        let tmp = try TempFolder("split-groups")
        let cube = try SyntheticCube(folder: tmp.file("cube"), width: 60, height: 60)
        // 36 square polygons of 4×4 pixels in 3 classes: every pixel centre inside is a sample.
        var polygons: [(id: Int, code: Int, ring: [(Double, Double)])] = []
        for i in 0..<36 {
            let c0 = Double(4 + (i % 6) * 9), r0 = Double(4 + (i / 6) * 9)
            let ring = [(c0, r0), (c0 + 4, r0), (c0 + 4, r0 + 4), (c0, r0 + 4)].map { cube.world(col: 0, row: 0, dx: $0.0, dy: $0.1) }
            polygons.append((i + 1, 1 + i % 3, ring))
        }
        try LabelFile.polygons(polygons, to: tmp.file("polygons.geojson"))
        let r = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("polygons.geojson"), "--field", "crop",
                                        "--size", "3", "--folds", "4", "-o", tmp.file("ds")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try readSamplesCSV(tmp.file("ds/samples.csv"))
        XCTAssertEqual(rows.count, 36 * 16)
        var splitOf: [String: Set<String>] = [:], foldOf: [String: Set<String>] = [:]
        for row in rows {
            splitOf[row["group"] ?? "", default: []].insert(row["split"] ?? "")
            foldOf[row["group"] ?? "", default: []].insert(row["fold"] ?? "")
        }
        XCTAssertEqual(splitOf.count, 36)
        XCTAssertTrue(splitOf.values.allSatisfy { $0.count == 1 }, "a polygon spans splits: \(splitOf)")
        XCTAssertTrue(foldOf.values.allSatisfy { $0.count == 1 }, "a polygon spans folds: \(foldOf)")
        XCTAssertEqual(Set(foldOf.values.flatMap { $0 }), ["0", "1", "2", "3"])
        // 12 polygons per class → 9/1/2 (largest remainder of 9, 1.2, 1.8).
        let manifest = try DatasetManifest.read(from: tmp.file("ds"))
        for c in manifest.counts.byClass { XCTAssertEqual([c.train, c.val, c.test], [9 * 16, 1 * 16, 2 * 16], c.name) }

        // --per-polygon 5: five pixels of each polygon, the same five for the same seed.
        let a = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("polygons.geojson"), "--field", "crop",
                                        "--size", "3", "--per-polygon", "5", "-o", tmp.file("five")])
        XCTAssertEqual(a.status, 0, a.stderr)
        let five = try readSamplesCSV(tmp.file("five/samples.csv"))
        XCTAssertEqual(five.count, 36 * 5)
    }

    func testSameSeedSameFilesAndOversampling() throws {
        let tmp = try TempFolder("split-seed")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        var points: [LabelFile.Point] = []
        for i in 0..<120 {
            let p = cube.world(col: 3 + (i * 7) % 34, row: 3 + (i * 5) % 24)
            points.append(.init(x: p.x, y: p.y, id: i + 1, code: i % 4 == 0 ? 2 : 1, name: i % 4 == 0 ? "few" : "many"))
        }
        try LabelFile.points(points, to: tmp.file("points.geojson"))
        func run(_ out: String, _ extra: [String]) throws {
            let r = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("points.geojson"), "--size", "3", "-o", tmp.file(out)] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        try run("a", ["--seed", "5"])
        try run("b", ["--seed", "5"])
        try run("c", ["--seed", "6"])
        for file in ["x.npy", "y.npy", "samples.csv", "dataset.json"] {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.file("a/" + file)), FileManager.default.contents(atPath: tmp.file("b/" + file)), file)
        }
        XCTAssertNotEqual(FileManager.default.contents(atPath: tmp.file("a/samples.csv")), FileManager.default.contents(atPath: tmp.file("c/samples.csv")))

        try run("o", ["--seed", "5", "--oversample"])
        let m = try DatasetManifest.read(from: tmp.file("o"))
        let train = m.counts.byClass.map(\.train)
        XCTAssertEqual(train.count, 2)
        XCTAssertEqual(train[0], train[1], "oversampled train counts")
        XCTAssertEqual(m.counts.oversampled, train[0] - 23)  // 30 "few" labels → 22.5 → 23 in train (largest remainder)
        let rows = try readSamplesCSV(tmp.file("o/samples.csv"))
        let x = try NpyReader(path: tmp.file("o/x.npy"))
        let per = x.header.rowElements
        let all: [Float] = try x.readAll()
        // Copies come last, in train, without a fold, and repeat an original sample's row exactly.
        for n in (rows.count - m.counts.oversampled)..<rows.count {
            XCTAssertEqual(rows[n]["split"], "train")
            XCTAssertEqual(rows[n]["fold"], "-1")
            let original = rows.firstIndex { $0["group"] == rows[n]["group"] } ?? -1
            XCTAssertLessThan(original, rows.count - m.counts.oversampled)
            XCTAssertEqual(Array(all[n * per..<(n + 1) * per]), Array(all[original * per..<(original + 1) * per]))
        }
        // Class names come from the name field.
        XCTAssertEqual(m.classes.map(\.name), ["many", "few"])
    }
}
