import Foundation
import TestSupport
import XCTest
@testable import Pipeline

/// The run report reads what the stages wrote: metrics, confusion and curves appear as written.
final class ReportTests: XCTestCase {
    func testMetricsConfusionCurvesAndQuicklookReachTheReport() throws {
        let tmp = try TempFolder("report")
        let work = tmp.path + "/w"
        let config = try PipelineFile.parse("archive: a\nworkdir: \(work)\nsamples: {labels: l}\ntrain: {models: [tempcnn]}\n")
        let runner = PipelineRunner(config: config, binary: "/bin/false")
        let l = runner.layout
        try FileManager.default.createDirectory(atPath: l.evaluation("tempcnn"), withIntermediateDirectories: true)
        try #"{"oa": 0.8125, "kappa": 0.75, "macro_f1": 0.7, "micro_f1": 0.8125, "confusion": [[5, 1], [2, 8]]}"#
            .write(toFile: l.evaluation("tempcnn") + "/report.json", atomically: true, encoding: .utf8)
        try #"{"train_loss": [1.5, 1.0, 0.75], "val_loss": [1.6, 1.2, 1.1]}"#
            .write(toFile: l.modelFolder("tempcnn") + "/history.json", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: l.map, contents: Data())
        FileManager.default.createFile(atPath: l.quicklook, contents: Data())
        try RunReport(runner: runner).write()

        let md = try String(contentsOfFile: l.reportMarkdown, encoding: .utf8)
        XCTAssertTrue(md.contains("| oa | 0.8125 |"), md)
        XCTAssertTrue(md.contains("| kappa | 0.7500 |"), md)
        XCTAssertTrue(md.contains("| 0 | 5 | 1 |"), md)
        XCTAssertTrue(md.contains("| 1 | 2 | 8 |"), md)
        XCTAssertTrue(md.contains("![quicklook of the map with its legend](map.png)"), md)
        XCTAssertTrue(md.contains("workdir: \(work)"), md)
        let html = try String(contentsOfFile: l.reportHTML, encoding: .utf8)
        XCTAssertTrue(html.contains("<img src=\"map.png\""))
        XCTAssertTrue(html.contains("<svg"))
        // The curve's first and last values, as the legend states them.
        XCTAssertTrue(html.contains("train_loss 1.5→0.75"), html)
        XCTAssertTrue(html.contains("val_loss 1.6→1.1"), html)
    }

    func testSeriesFromEitherHistoryLayout() {
        let columns = RunReport.series(in: ["loss": [3.0, 2.0], "epochs": 2, "name": "x"])
        XCTAssertEqual(columns.map(\.0), ["loss"])
        XCTAssertEqual(columns.first?.1, [3, 2])
        let rows = RunReport.series(in: ["epochs": [["epoch": 1, "val_oa": 0.5], ["epoch": 2, "val_oa": 0.625]]])
        XCTAssertEqual(rows.map(\.0), ["val_oa"])
        XCTAssertEqual(rows.first?.1, [0.5, 0.625])
    }
}
