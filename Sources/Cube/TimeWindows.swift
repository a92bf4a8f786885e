import Scenes

/// One time step of a cube: a closed range of UTC calendar dates and its label.
public struct TimeWindow: Hashable, Sendable, Codable {
    public let label: String
    public let start: CalendarDate
    public let end: CalendarDate

    public init(label: String, start: CalendarDate, end: CalendarDate) {
        self.label = label
        self.start = start
        self.end = end
    }

    /// The window's position in time for gap filling: start + (end − start) / 2, in days since 1970.
    public var midpoint: Double { Double(start.dayNumber) + Double(end.dayNumber - start.dayNumber) / 2 }

    public func contains(_ date: CalendarDate) -> Bool { date >= start && date <= end }
}

/// How the time axis is cut. Half-years are the FLU study's windows (seed 000 §2.2: "two median
/// composites per year, January–June and July–December").
public enum WindowScheme: Hashable, Sendable {
    case halfYear, quarter, month, year
    /// User ranges `start:end`, labelled by their start date.
    case custom([ClosedRange<Int>])
    /// One step per acquisition date, no compositing (the 23- and 24-date studies, seeds 001/002).
    case scene

    /// Parses `half-year`, `quarter`, `month`, `year`, `scene`, or a comma-separated list of
    /// `YYYY-MM-DD:YYYY-MM-DD` ranges.
    /// - Throws: `CubeError.invalidOption` naming the accepted forms.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "half-year", "halfyear", "half-years": self = .halfYear
        case "quarter", "quarters": self = .quarter
        case "month", "months": self = .month
        case "year", "years": self = .year
        case "scene", "scenes": self = .scene
        default:
            var ranges: [ClosedRange<Int>] = []
            for part in text.split(separator: ",") {
                let ends = part.split(separator: ":")
                guard ends.count == 2, let a = CalendarDate(String(ends[0])), let b = CalendarDate(String(ends[1])), a <= b else {
                    throw CubeError.invalidOption("--windows '\(text)': expected half-year, quarter, month, year, scene, or START:END[,START:END…] with dates as YYYY-MM-DD")
                }
                ranges.append(a.dayNumber...b.dayNumber)
            }
            guard !ranges.isEmpty else { throw CubeError.invalidOption("--windows is empty") }
            self = .custom(ranges)
        }
    }

    public var name: String {
        switch self {
        case .halfYear: return "half-year"
        case .quarter: return "quarter"
        case .month: return "month"
        case .year: return "year"
        case .scene: return "scene"
        case .custom: return "custom"
        }
    }

    /// The windows of every year from `from.year` to `to.year` (whole years: cubes of one study
    /// share a regular time axis), or, for `scene`, one per distinct date in `dates` within the range.
    public func windows(from: CalendarDate, to: CalendarDate, dates: [CalendarDate] = []) -> [TimeWindow] {
        func d(_ y: Int, _ m: Int, _ day: Int) -> CalendarDate { CalendarDate(dayNumber: (CalendarDate(year: y, month: m, day: 1)?.dayNumber ?? 0) + day - 1) }
        func lastDay(_ y: Int, _ m: Int) -> CalendarDate { d(y, m, CalendarDate.daysIn(month: m, year: y)) }
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var result: [TimeWindow] = []
        guard from <= to else { return [] }
        switch self {
        case .halfYear:
            for y in from.year...to.year {
                result.append(TimeWindow(label: "\(y)-H1", start: d(y, 1, 1), end: lastDay(y, 6)))
                result.append(TimeWindow(label: "\(y)-H2", start: d(y, 7, 1), end: lastDay(y, 12)))
            }
        case .quarter:
            for y in from.year...to.year {
                for q in 0..<4 {
                    result.append(TimeWindow(label: "\(y)-Q\(q + 1)", start: d(y, 3 * q + 1, 1), end: lastDay(y, 3 * q + 3)))
                }
            }
        case .month:
            for y in from.year...to.year {
                for m in 1...12 { result.append(TimeWindow(label: "\(y)-\(pad(m))", start: d(y, m, 1), end: lastDay(y, m))) }
            }
        case .year:
            for y in from.year...to.year { result.append(TimeWindow(label: "\(y)", start: d(y, 1, 1), end: lastDay(y, 12))) }
        case let .custom(ranges):
            return ranges.map {
                let a = CalendarDate(dayNumber: $0.lowerBound), b = CalendarDate(dayNumber: $0.upperBound)
                return TimeWindow(label: a.description, start: a, end: b)
            }
        case .scene:
            return Set(dates).filter { $0 >= from && $0 <= to }.sorted().map { TimeWindow(label: $0.description, start: $0, end: $0) }
        }
        // Whole years, so that cubes of one study share a regular time axis.
        return result
    }
}

/// The index of the window holding `date`, or nil (windows do not overlap, except custom ones,
/// where the first match wins).
public func windowIndex(of date: CalendarDate, in windows: [TimeWindow]) -> Int? {
    windows.firstIndex { $0.contains(date) }
}
