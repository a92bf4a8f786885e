/// A calendar day of the simulation (UTC). The generator needs only whole days: Landsat and
/// Sentinel-2 revisit on fixed day grids, and phenology moves by days.
struct SimDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    let dayNumber: Int

    init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// From a civil date (Howard Hinnant's days_from_civil, proleptic Gregorian).
    init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        dayNumber = era * 146_097 + doe - 719_468
    }

    /// (year, month, day) (Hinnant's civil_from_days).
    var civil: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
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
