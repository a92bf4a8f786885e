import Scenes

/// A calendar day of the simulation (UTC). The generator needs only whole days: Landsat and
/// Sentinel-2 revisit on fixed day grids, and phenology moves by days.
struct SimDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    let dayNumber: Int

    init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// From a civil date; the calendar arithmetic is `CalendarDate`'s.
    init(year: Int, month: Int, day: Int) {
        dayNumber = (CalendarDate(year: year, month: month, day: 1)?.dayNumber ?? 0) + day - 1
    }

    /// (year, month, day).
    var civil: (year: Int, month: Int, day: Int) {
        let c = CalendarDate(dayNumber: dayNumber)
        return (c.year, c.month, c.day)
    }

    var year: Int { civil.year }

    /// Day of the year, 1 on January 1st.
    var dayOfYear: Int { dayNumber - SimDate(year: year, month: 1, day: 1).dayNumber + 1 }

    /// The year as a fraction (2003.5 ≈ 2 July 2003).
    var decimalYear: Double { Double(year) + Double(dayOfYear - 1) / 365.25 }

    static func < (a: SimDate, b: SimDate) -> Bool { a.dayNumber < b.dayNumber }

    func adding(days: Int) -> SimDate { SimDate(dayNumber: dayNumber + days) }

    /// "2003-07-15".
    var iso: String {
        let c = civil
        return "\(c.year)-\(Self.pad(c.month))-\(Self.pad(c.day))"
    }

    /// "20030715", as in product names.
    var compact: String {
        let c = civil
        return "\(c.year)\(Self.pad(c.month))\(Self.pad(c.day))"
    }

    var description: String { iso }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
