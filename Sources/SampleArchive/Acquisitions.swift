/// Which products the archive holds: dates, platforms, how cloudy, which processing baseline.

enum LandsatPlatform: Sendable {
    case landsat5, landsat7, landsat8

    /// The sensor letter and mission number of product names: LT05, LE07, LC08.
    var prefix: String {
        switch self {
        case .landsat5: return "LT05"
        case .landsat7: return "LE07"
        case .landsat8: return "LC08"
        }
    }

    var spacecraftID: String {
        switch self {
        case .landsat5: return "LANDSAT_5"
        case .landsat7: return "LANDSAT_7"
        case .landsat8: return "LANDSAT_8"
        }
    }

    var sensorID: String {
        switch self {
        case .landsat5: return "TM"
        case .landsat7: return "ETM"
        case .landsat8: return "OLI_TIRS"
        }
    }

    var isOLI: Bool { self == .landsat8 }

    /// Mean local solar time of the overpass (Landsat 5 had drifted earlier by the 2000s).
    var overpassHour: Double {
        switch self {
        case .landsat5: return 9.75
        case .landsat7: return 10.0
        case .landsat8: return 10.15
        }
    }

    /// Reflective bands in product order, with the wavelength each is sampled at.
    var reflectiveBands: [(number: Int, band: SpectralBand)] {
        isOLI
            ? [(1, .coastal), (2, .blue), (3, .green), (4, .red), (5, .nir08), (6, .swir1), (7, .swir2)]
            : [(1, .blue), (2, .green), (3, .red), (4, .nir), (5, .swir1), (7, .swir2)]
    }

    /// "B6" (TM/ETM+) or "B10" (TIRS).
    var thermalBand: String { isOLI ? "B10" : "B6" }
}

struct LandsatAcquisition: Sendable {
    let index: Int
    let platform: LandsatPlatform
    let date: SimDate
    /// Collection 2 processing date, part of the product name.
    let processed: SimDate
    let cloudTarget: Double
    /// Fill outside the scene footprint cuts a corner off (0: none; otherwise west or east edge).
    let footprintEdge: Int
    /// Landsat 7 after the scan-line corrector failed on 31 May 2003.
    var slcOff: Bool { platform == .landsat7 && date >= SimDate(year: 2003, month: 5, day: 31) }

    var productID: String {
        "\(platform.prefix)_L2SP_\(SimDate.pad(ArchiveGeometry.wrsPath, 3))\(SimDate.pad(ArchiveGeometry.wrsRow, 3))_\(date.compact)_\(processed.compact)_02_T1"
    }
}

enum S2Layout: Sendable { case cog, safe }

struct SentinelAcquisition: Sendable {
    let index: Int
    /// "S2A" or "S2B".
    let platform: String
    let date: SimDate
    let cloudTarget: Double
    let baseline: String
    let layout: S2Layout
    /// The product lies at the edge of its orbit swath: a corner is nodata.
    let swathEdge: Bool

    /// BOA_ADD_OFFSET −1000 applies from processing baseline 04.00 on, whatever the date.
    var hasOffset: Bool { (Double(baseline) ?? 0) >= 4 }
    var spacecraftName: String { platform == "S2A" ? "Sentinel-2A" : "Sentinel-2B" }
}

enum Acquisitions {
    /// Landsat 5 and 7 every half-year of 2000–2005 (the FLU study's period and windows, seed
    /// 000, §2.1.2), six scenes each, plus four Landsat 8 scenes of 2013–2014. The rainy first
    /// half-years are cloudier, and a few scenes are mostly cloud (the study keeps < 50 %).
    static func landsat(seed: UInt64) -> [LandsatAcquisition] {
        var rng = SplitMix64(seed: seed, stream: 0x4C41_4E44)  // "LAND"
        // Landsat 7 and 5 fly the same WRS-2 path 8 days apart (16-day repeat each).
        let reference = SimDate(year: 2000, month: 1, day: 4)
        var list: [LandsatAcquisition] = []
        func processedDate() -> SimDate { SimDate(year: 2020, month: 8, day: 20).adding(days: rng.below(110)) }
        for year in 2000...2005 {
            for half in 0..<2 {
                let start = SimDate(year: year, month: half == 0 ? 1 : 7, day: 1)
                let end = half == 0 ? SimDate(year: year, month: 7, day: 1) : SimDate(year: year + 1, month: 1, day: 1)
                var candidates: [SimDate] = []
                var d = reference.adding(days: ((start.dayNumber - reference.dayNumber + 7) / 8) * 8)
                while d < end { candidates.append(d); d = d.adding(days: 8) }
                let perHalf = 6
                let chunk = candidates.count / perHalf
                let cloudy: Set<Int> = half == 0 ? [rng.below(3), 3 + rng.below(3)] : (year % 2 == 0 ? [rng.below(perHalf)] : [])
                for k in 0..<perHalf {
                    let date = candidates[k * chunk + rng.below(chunk)]
                    let step = (date.dayNumber - reference.dayNumber) / 8
                    let platform: LandsatPlatform = step % 2 == 0 ? .landsat7 : .landsat5
                    let target: Double
                    if cloudy.contains(k) {
                        target = rng.uniform(0.55, 0.85)
                    } else {
                        let u = rng.unit()
                        target = half == 0 ? 0.03 + 0.42 * u * u : 0.3 * u * u
                    }
                    let edge = rng.chance(0.3) ? 1 + rng.below(2) : 0
                    list.append(LandsatAcquisition(index: list.count, platform: platform, date: date, processed: processedDate(),
                                                   cloudTarget: target, footprintEdge: edge))
                }
            }
        }
        let landsat8: [(SimDate, Double)] = [
            (SimDate(year: 2013, month: 8, day: 10), 0.04), (SimDate(year: 2013, month: 10, day: 13), 0.22),
            (SimDate(year: 2014, month: 3, day: 22), 0.72), (SimDate(year: 2014, month: 7, day: 28), 0.1),
        ]
        for (date, target) in landsat8 {
            list.append(LandsatAcquisition(index: list.count, platform: .landsat8, date: date, processed: processedDate(),
                                           cloudTarget: target, footprintEdge: 0))
        }
        return list
    }

    /// One year of Sentinel-2 (October 2021 – September 2022), 23 dates every 15 days alternating
    /// S2A and S2B. Products sensed from 25 January 2022 have processing baseline 04.00 and
    /// carry BOA_ADD_OFFSET; one 2021 product is a reprocessed 05.00 one, which carries it too.
    /// Two products come in the `.SAFE` layout, one on each side of the baseline change.
    static func sentinel2(seed: UInt64) -> [SentinelAcquisition] {
        var rng = SplitMix64(seed: seed, stream: 0x5332_4C32)  // "S2L2"
        let first = SimDate(year: 2021, month: 10, day: 3)
        let change = SimDate(year: 2022, month: 1, day: 25)
        let count = 23
        let cloudy: Set<Int> = [5 + rng.below(3), 9 + rng.below(3), 14 + rng.below(2)]
        let safe: Set<Int> = [6, 15]
        let swathEdge: Set<Int> = [2, 19]
        var list: [SentinelAcquisition] = []
        for k in 0..<count {
            let date = first.adding(days: 15 * k)
            let month = date.civil.month
            let wet = month >= 12 || month <= 5
            let target: Double
            if cloudy.contains(k) {
                target = rng.uniform(0.62, 0.9)
            } else {
                let u = rng.unit()
                target = wet ? 0.05 + 0.4 * u : 0.22 * u * u
            }
            let baseline = k == 2 ? "05.00" : date >= change ? "04.00" : "03.01"
            list.append(SentinelAcquisition(index: k, platform: k % 2 == 0 ? "S2A" : "S2B", date: date, cloudTarget: target,
                                            baseline: baseline, layout: safe.contains(k) ? .safe : .cog,
                                            swathEdge: swathEdge.contains(k)))
        }
        return list
    }
}
