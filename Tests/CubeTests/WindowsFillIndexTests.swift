import Scenes
import XCTest
@testable import Cube

final class TimeWindowTests: XCTestCase {
    private func date(_ s: String) -> CalendarDate { CalendarDate(s)! }

    func testHalfYearEdges() {
        let w = WindowScheme.halfYear.windows(from: date("2000-01-01"), to: date("2001-12-31"))
        XCTAssertEqual(w.map(\.label), ["2000-H1", "2000-H2", "2001-H1", "2001-H2"])
        XCTAssertEqual(windowIndex(of: date("2000-06-30"), in: w), 0)
        XCTAssertEqual(windowIndex(of: date("2000-07-01"), in: w), 1)
        XCTAssertEqual(windowIndex(of: date("2000-12-31"), in: w), 1)
        XCTAssertEqual(windowIndex(of: date("2001-01-01"), in: w), 2)
        XCTAssertEqual(windowIndex(of: date("2000-02-29"), in: w), 0, "leap day")
        XCTAssertNil(windowIndex(of: date("2002-01-01"), in: w))
        // 2001-01-01 … 2001-06-30 spans 180 days: the midpoint is 90 days after Jan 1.
        XCTAssertEqual(w[2].midpoint, Double(date("2001-01-01").dayNumber) + 90)
        // 2000 is a leap year: Jan 1 … Jun 30 spans 181 days.
        XCTAssertEqual(w[0].midpoint, Double(date("2000-01-01").dayNumber) + 90.5)
    }

    func testQuarterMonthYearAndScene() {
        let q = WindowScheme.quarter.windows(from: date("2004-02-01"), to: date("2004-05-01"))
        XCTAssertEqual(q.map(\.label), ["2004-Q1", "2004-Q2", "2004-Q3", "2004-Q4"], "whole years")
        XCTAssertEqual(q[0].end, date("2004-03-31"))
        let m = WindowScheme.month.windows(from: date("2000-02-01"), to: date("2000-02-28"))
        XCTAssertEqual(m.count, 12)
        XCTAssertEqual(m[1].label, "2000-02")
        XCTAssertEqual(m[1].end, date("2000-02-29"))
        XCTAssertEqual(WindowScheme.month.windows(from: date("1900-02-01"), to: date("1900-02-01"))[1].end, date("1900-02-28"), "1900 is not a leap year")
        XCTAssertEqual(WindowScheme.year.windows(from: date("2003-05-05"), to: date("2004-01-01")).map(\.label), ["2003", "2004"])
        let s = WindowScheme.scene.windows(from: date("2020-01-01"), to: date("2020-12-31"),
                                           dates: [date("2020-03-02"), date("2020-01-15"), date("2020-03-02"), date("2021-01-01")])
        XCTAssertEqual(s.map(\.label), ["2020-01-15", "2020-03-02"])
        XCTAssertEqual(s[1].midpoint, Double(date("2020-03-02").dayNumber))
    }

    func testCalendarDateRoundTrips() {
        for n in stride(from: -800_000, to: 800_000, by: 997) {
            XCTAssertEqual(CalendarDate(dayNumber: n).dayNumber, n)
        }
        XCTAssertEqual(date("1970-01-01").dayNumber, 0)
        XCTAssertEqual(date("2000-03-01").dayNumber - date("2000-02-28").dayNumber, 2)
        XCTAssertNil(CalendarDate("2001-02-29"))
    }

    func testCustomWindowsParse() throws {
        let scheme = try WindowScheme(parsing: "2000-01-01:2000-03-31,2000-04-01:2000-09-30")
        let w = scheme.windows(from: date("2000-01-01"), to: date("2000-12-31"))
        XCTAssertEqual(w.map(\.label), ["2000-01-01", "2000-04-01"])
        XCTAssertThrowsError(try WindowScheme(parsing: "2000-05-01:2000-01-01"))
        XCTAssertThrowsError(try WindowScheme(parsing: "weekly"))
    }
}

final class GapFillTests: XCTestCase {
    private func fill(_ series: [Float], positions: [Double], ends: Bool = true) -> [Float] {
        var v = series
        v.withUnsafeMutableBufferPointer { _ = GapFill.linearFill($0.baseAddress!, pixelCount: 1, positions: positions, fillEnds: ends) }
        return v
    }

    func testInteriorLeadingTrailingAndEmpty() {
        let nan = Float.nan
        // Uneven positions: the gap at day 10 lies a quarter of the way from day 0 to day 40.
        XCTAssertEqual(fill([0, nan, 4], positions: [0, 10, 40]), [0, 1, 4])
        XCTAssertEqual(fill([nan, nan, 2, nan, 6, nan], positions: [0, 1, 2, 3, 4, 5]), [2, 2, 2, 4, 6, 6])
        let open = fill([nan, 3, nan, 5, nan], positions: [0, 1, 2, 3, 4], ends: false)
        XCTAssertTrue(open[0].isNaN && open[4].isNaN)
        XCTAssertEqual(open[2], 4)
        XCTAssertTrue(fill([nan, nan], positions: [0, 1]).allSatisfy(\.isNaN))
    }

    func testStridedPlanesAndEmptyCount() {
        // Two pixels, three steps, two channels interleaved per step: (t, c, pixel).
        let nan = Float.nan
        var v: [Float] = [1, nan, /* c1 */ 9, 9, /* t1 */ nan, nan, 9, 9, /* t2 */ 3, nan, 9, 9]
        let empty = v.withUnsafeMutableBufferPointer {
            GapFill.linearFill($0.baseAddress!, pixelCount: 2, stride: 4, positions: [0, 1, 2])
        }
        XCTAssertEqual(empty, 1, "pixel 1 has no value at all")
        XCTAssertEqual(v[4], 2, "halfway between 1 and 3")
        XCTAssertTrue(v[5].isNaN)
        XCTAssertEqual(v[2], 9, "the other channel is untouched")
    }
}

final class SpectralIndexTests: XCTestCase {
    func testFormulasByHand() throws {
        XCTAssertEqual(SpectralIndex.ndvi.value(0.5, 0.1), 0.4 / 0.6, accuracy: 1e-7)  // (nir − red)/(nir + red)
        XCTAssertEqual(SpectralIndex.ndvi.inputs, [.nir, .red])
        XCTAssertEqual(SpectralIndex.ndmi.inputs, [.nir, .swir1])
        XCTAssertEqual(SpectralIndex.ndwi.inputs, [.green, .nir])
        XCTAssertEqual(SpectralIndex.bi.value(0.3, 0.4), (0.25 / 2 as Float).squareRoot(), accuracy: 1e-7)  // √((0.09+0.16)/2)
        XCTAssertTrue(SpectralIndex.ndvi.value(0.2, -0.2).isNaN, "zero denominator")
        XCTAssertTrue(SpectralIndex.ndvi.value(.nan, 0.1).isNaN)
        XCTAssertEqual(try SpectralIndex.parseList("ndvi,nd:nir:swir2,bi"), [.ndvi, .normalizedDifference(.nir, .swir2), .bi])
        XCTAssertEqual(SpectralIndex.normalizedDifference(.nir, .swir2).description, "nd_nir_swir2")
        XCTAssertThrowsError(try SpectralIndex.parseList("evi"))
        XCTAssertThrowsError(try SpectralIndex.parseList("nd:nir:purple"))
    }
}
