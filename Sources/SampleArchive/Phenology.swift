import Foundation

/// How each land use's cover changes through the year and over the years: the NDVI curves
/// that make the FLU classes separable in time (seed 000, §2.1.2: two half-year composites per
/// year are chosen to catch "different phenological stages").
///
/// The climate is eastern Amazonia's: rains from December to May, greenness peaking in April,
/// the driest month October. Soy is sown with the first rains and a maize or cotton crop
/// follows it; pastures brown in the dry season; forest barely changes.
enum Phenology {
    /// Wet-season greenness in [0, 1]: 1 in mid-April, 0 in mid-October.
    static func season(_ date: SimDate) -> Float {
        Float(0.5 + 0.5 * cos(2 * Double.pi * Double(date.dayOfYear - 105) / 365.25))
    }

    /// Sowing day of year and season length (days) of each crop's seasons.
    static func calendar(_ crop: CropType) -> [(sow: Double, length: Double)] {
        switch crop {
        case .soyMaize: return [(320, 115), (78, 125)]
        case .soy: return [(315, 110)]
        case .cotton: return [(25, 170)]
        case .cassava: return [(330, 290)]
        case .maizeBeans: return [(340, 105), (95, 80)]
        case .fallow, .pasture, .oilPalm: return []
        }
    }

    @inline(__always)
    static func smooth(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let t = min(max((x - a) / (b - a), 0), 1)
        return t * t * (3 - 2 * t)
    }

    /// Green and dry fractions of a cropped field on `date`: rising to a plateau, senescing,
    /// then residue decaying over bare soil until the next sowing.
    static func cropState(_ crop: CropType, phase: Double, vigor: Float, date: SimDate, season g: Float) -> (green: Float, weeds: Float, dry: Float) {
        let doy = Double(date.dayOfYear)
        var sinceHarvest = Double.infinity
        for s in calendar(crop) {
            var d = (doy - s.sow - phase).truncatingRemainder(dividingBy: 365)
            if d < 0 { d += 365 }
            if d <= s.length {
                let x = d / s.length
                let green = x < 0.45 ? smooth(0.03, 0.45, x) : x < 0.75 ? 1 : 1 - 0.92 * smooth(0.75, 1, x)
                let dry = x < 0.7 ? 0.02 : 0.02 + 0.55 * smooth(0.7, 1, x)
                let emergingWeeds = x < 0.1 ? 0.05 : 0
                return (Float(0.9 * green) * vigor, Float(emergingWeeds), Float(dry))
            }
            sinceHarvest = min(sinceHarvest, d - s.length)
        }
        if crop == .fallow || sinceHarvest == .infinity {
            return (0, 0.3 + 0.32 * g, 0.35 * (1 - g))
        }
        // Straw decays; weeds come up only when it rains.
        let residue = Float(0.5 * exp(-sinceHarvest / 45))
        let weeds = Float(0.04 + 0.2 * min(1, sinceHarvest / 70)) * g
        return (0, weeds, residue)
    }

    /// Field states of every unit on `date`, computed once per date (crops only).
    static func unitStates(_ landscape: Landscape, date: SimDate, season g: Float) -> [(green: Float, weeds: Float, dry: Float)] {
        landscape.units.map { u in
            guard let crop = u.crop, u.kind == .largeField || u.kind == .smallField else { return (0, 0, 0) }
            return cropState(crop, phase: u.phase, vigor: u.vigor, date: date, season: g)
        }
    }

    /// The cover of every 10 m cell on `date`.
    static func covers(_ landscape: Landscape, date: SimDate) -> [Cover] {
        let g = season(date)
        let states = unitStates(landscape, date: date, season: g)
        let years = date.decimalYear
        let count = landscape.unit.count
        var out = [Cover](repeating: Cover(), count: count)
        for p in 0..<count {
            out[p] = cover(landscape, cell: p, date: date, season: g, decimalYear: years, states: states)
        }
        return out
    }

    @inline(__always)
    static func cover(_ L: Landscape, cell p: Int, date: SimDate, season g: Float, decimalYear: Double,
                      states: [(green: Float, weeds: Float, dry: Float)]) -> Cover {
        let u = L.units[Int(L.unit[p])]
        var c = Cover()
        let tex = L.texture[p]
        c.brightness = 1 + 0.03 * tex

        if u.kind == .river {
            let depth = L.aux[p]
            if depth < 0.25 {
                c.water = 0.6 + 1.6 * depth
                c.green = 1 - c.water
            } else {
                c.water = 1
            }
            return c
        }
        let zone = L.zones[u.zone]
        if let loss = zone.lossDay, date < zone.established {
            if date < loss { return forest(g, tex: tex) }
            return clearing(days: Double(date.dayNumber - loss.dayNumber), tex: tex)
        }
        let yearsSince = max(0, decimalYear - zone.established.decimalYear)

        if L.flags[p] & Landscape.roadFlag != 0 {
            c.soilKind = .road
            c.grass = 0.12 * g
            c.dry = 0.05
            c.soilTakesRest()
            return c
        }
        switch u.kind {
        case .forest:
            return forest(g, tex: tex)
        case .largeField, .smallField:
            let s = states[Int(L.unit[p])]
            c.greenKind = .crop
            // Within-field variation: soil patches and uneven emergence.
            let local = 1 + 0.06 * tex
            c.green = min(0.97, s.green * local)
            c.grass = s.weeds
            c.dry = min(1 - c.green - c.grass, s.dry)
            c.soilTakesRest()
        case .paddock:
            if L.flags[p] & Landscape.treeFlag != 0 {
                c.greenKind = .forest
                c.green = 0.7
                c.grass = 0.2 * g
                c.dry = 0.1
            } else {
                let worn: Float = L.aux[p] > 0.64 ? 0.55 : 1
                c.grass = min(0.95, u.vigor * (0.3 + 0.45 * g) * worn)
                c.dry = (1 - c.grass) * (0.78 - 0.35 * g) * (worn < 1 ? 0.6 : 1)
            }
            c.soilTakesRest()
        case .palmBlock:
            let age = Float(max(0, decimalYear - Double(u.plantYear)))
            let canopy = min(0.9, 0.18 + 0.12 * age) * u.vigor
            let rowAmp = max(0.1, 0.6 - 0.06 * age)
            c.greenKind = .palm
            c.green = canopy * (1 - rowAmp * L.aux[p])
            c.grass = (1 - c.green) * (0.3 + 0.3 * g)
            c.dry = (1 - c.green - c.grass) * 0.4
            c.soilTakesRest()
        case .mining:
            let pit = L.aux[p]
            let threshold = Float(max(0.52, 0.68 - 0.02 * yearsSince))
            if pit > threshold + 0.1 && yearsSince > 1.5 {
                c.waterKind = .pond
                c.water = 0.95
                c.soilKind = .miningSoil
                c.soil = 0.05
            } else if pit > threshold {
                c.soilKind = .miningSoil
                c.dry = 0.04
                c.soil = 0.96
            } else if pit > threshold - 0.05 {
                c.soilKind = .miningSoil
                c.greenKind = .shrub
                c.green = 0.15 + 0.1 * g
                c.dry = 0.15
                c.soilTakesRest()
            } else {
                c.greenKind = .shrub
                c.green = 0.35 + 0.2 * g
                c.dry = 0.3
                c.soilTakesRest()
            }
        case .regrowth:
            var canopy = min(0.95, max(0.3, 0.45 + 1.8 * (L.aux[p] - 0.5)))
            if zone.lossDay != nil { canopy *= Float(min(1, 0.3 + 0.18 * yearsSince)) }
            c.greenKind = .shrub
            c.green = canopy * (0.9 + 0.1 * g)
            c.grass = (1 - canopy) * (0.25 + 0.3 * g)
            c.dry = (1 - c.green - c.grass) * 0.7
            c.soilTakesRest()
            c.brightness = 1 + 0.045 * tex
        case .river:
            break
        }
        return c
    }

    /// Closed evergreen canopy: small seasonal swing, strong crown-shadow texture.
    @inline(__always)
    static func forest(_ g: Float, tex: Float) -> Cover {
        var c = Cover()
        c.greenKind = .forest
        c.green = 0.88 + 0.05 * g
        c.dry = 0.06 - 0.03 * g
        c.soilTakesRest()
        c.brightness = 1 + 0.06 * tex
        return c
    }

    /// Slash, burn, bare ground: the months between clearing and the new land use.
    @inline(__always)
    static func clearing(days d: Double, tex: Float) -> Cover {
        var c = Cover()
        c.brightness = 1 + 0.04 * tex
        if d < 45 {
            c.greenKind = .forest
            c.green = Float(0.3 * (1 - d / 45))
            c.dry = 0.55
        } else if d < 140 {
            c.char = Float(0.6 * (1 - (d - 45) / 200))
            c.dry = 0.15
        } else {
            c.grass = Float(min(0.4, 0.1 + 0.002 * (d - 140)))
            c.dry = 0.3
        }
        c.soilTakesRest()
        return c
    }
}
