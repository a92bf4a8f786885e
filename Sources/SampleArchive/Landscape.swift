import Foundation

/// The synthetic landscape: land-use zones, the fields, paddocks and plantation blocks inside
/// them, a river, and the forest-loss story, simulated once on a 10 m grid that every product
/// samples (Landsat aggregates 3×3 cells, Sentinel-2 20 m 2×2, 60 m 6×6).
///
/// Each of the six follow-up land uses of the FLU study (seed 000, Table 1) gets its own
/// spatial texture, because the study's spatial models need one: large rectangular fields,
/// a mosaic of small plots, paddocks with scattered trees, mining pits with ponds, plantation
/// blocks in rows, patchy regrowth. Zones converted from forest between 2001 and 2004 make
/// `labels/forest_loss.tif` (seed 000, §2.1.1: land use *following* deforestation, 2000–2005).
struct Landscape: Sendable {
    let geometry: ArchiveGeometry
    let zones: [Zone]
    let units: [LandUnit]
    /// Per 10 m cell, row-major, `fineSize`² of each.
    let unit: [Int32]
    let flags: [UInt8]
    /// A class-specific field in [0, 1): mining pit depth, canopy density, palm-row phase, pasture wear.
    let aux: [Float]
    /// Persistent texture (≈ standard normal), the same on every date.
    let texture: [Float]

    static let roadFlag: UInt8 = 1
    static let treeFlag: UInt8 = 2

    var fineSize: Int { geometry.fineSize }

    func landClass(atFine index: Int) -> LandClass { units[Int(unit[index])].landClass }

    // MARK: Zones

    /// A land-use zone: a warped Voronoi cell with one class and its history.
    struct Zone: Sendable {
        let index: Int
        let landClass: LandClass
        let siteX: Double, siteY: Double
        /// Day the forest was cleared (nil: never forest since 2000).
        let lossDay: SimDate?
        /// Day the current land use began.
        let established: SimDate
        /// Lattice of fields / paddocks / blocks: rotation, origin and cell size (metres).
        let angle: Double
        let latticeX: Double, latticeY: Double
        let cellWidth: Double, cellHeight: Double
        /// Width of the tracks between cells (metres).
        let roadWidth: Double
    }

    // MARK: Construction

    init(geometry: ArchiveGeometry, seed: UInt64) {
        self.geometry = geometry
        let extent = geometry.extent
        // About 25 zones on the default 256 px (7.7 km) area; never fewer than 16.
        let perSide = max(4, Int((5.0 * Double(geometry.size) / 256).rounded()))
        let spacing = extent / Double(perSide)
        let zones = Self.makeZones(perSide: perSide, spacing: spacing, seed: seed)
        self.zones = zones

        let n = geometry.fineSize
        var unitIndex = [Int32](repeating: 0, count: n * n)
        var flags = [UInt8](repeating: 0, count: n * n)
        var aux = [Float](repeating: 0, count: n * n)
        var texture = [Float](repeating: 0, count: n * n)
        var units: [LandUnit] = []
        var lookup: [UnitKey: Int32] = [:]

        let warp = ValueNoise(seed: Hash.mix(seed, 0x5741_5250))  // "WARP"
        let detail = ValueNoise(seed: Hash.mix(seed, 0x4445_5441))  // "DETA"
        let river = River(seed: seed, extent: extent)
        let warpScale = Float(spacing / 2), warpAmount = spacing * 0.35

        func unitFor(_ key: UnitKey, make: () -> LandUnit) -> Int32 {
            if let i = lookup[key] { return i }
            let i = Int32(units.count)
            units.append(make())
            lookup[key] = i
            return i
        }

        for row in 0..<n {
            let south = (Double(row) + 0.5) * 10
            for col in 0..<n {
                let east = (Double(col) + 0.5) * 10
                let p = row * n + col
                let fe = Float(east), fs = Float(south)
                texture[p] = 0.15 * Hash.gaussian(Hash.mix(seed, 0x5445_58, UInt64(p)))
                    + 2.5 * (detail.fractal(fe / 120, fs / 120, octaves: 2) - 0.5)

                if let depth = river.depth(east: east, south: south) {
                    unitIndex[p] = unitFor(UnitKey(zone: -1, i: 0, j: 0, sub: 0)) {
                        LandUnit(kind: .river, zone: -1, landClass: .water, seed: Hash.mix(seed, 0x5249_5645))
                    }
                    aux[p] = depth
                    continue
                }
                // Warped Voronoi: zone edges wander like real property and terrain boundaries.
                let wx = east + warpAmount * Double(warp.fractal(fe / warpScale, fs / warpScale, octaves: 3) - 0.5) * 2
                let wy = south + warpAmount * Double(warp.fractal(fe / warpScale + 31.7, fs / warpScale - 11.3, octaves: 3) - 0.5) * 2
                let z = zones[Self.nearestZone(x: wx, y: wy, perSide: perSide, spacing: spacing, zones: zones)]

                switch z.landClass {
                case .largeCropland, .smallCropland, .pasture, .treeCrops:
                    let (cell, local, size) = Self.latticeCell(zone: z, east: east, south: south)
                    var sub: Int8 = 0
                    var lx = local.x, width = size.width, uStart = 0.0
                    if z.landClass == .smallCropland {
                        // Plots split in two along their length at a random point: uneven small fields.
                        let h = Hash.mix(seed, UInt64(z.index), Hash.key(cell.i), Hash.key(cell.j))
                        if h & 1 == 0 {
                            let split = (0.35 + 0.3 * Double(Hash.unit(h >> 1))) * size.width
                            if local.x >= split { sub = 1; lx = local.x - split; width = size.width - split; uStart = split } else { width = split }
                        }
                    }
                    let key = UnitKey(zone: Int32(z.index), i: Int32(cell.i), j: Int32(cell.j), sub: sub)
                    unitIndex[p] = unitFor(key) {
                        LandUnit.cell(zone: z, i: cell.i, j: cell.j, sub: sub, span: (uStart, uStart + width), seed: seed)
                    }
                    let margin = z.roadWidth / 2
                    if margin > 0, lx < margin || lx > width - margin || local.y < margin || local.y > size.height - margin {
                        flags[p] |= Self.roadFlag
                    }
                    switch z.landClass {
                    case .pasture:
                        // Scattered remnant trees, and worn patches along cattle paths.
                        if Hash.unit(Hash.mix(seed, 0x5452_4545, UInt64(p))) < 0.03 { flags[p] |= Self.treeFlag }
                        aux[p] = detail.fractal(fe / 110 + 50, fs / 110, octaves: 3)
                    case .treeCrops:
                        // Palm rows 40 m apart along the block's long side.
                        aux[p] = Float(0.5 + 0.5 * cos(2 * Double.pi * local.y / 40))
                    default:
                        break
                    }
                default:
                    unitIndex[p] = unitFor(UnitKey(zone: Int32(z.index), i: 0, j: 0, sub: 0)) {
                        LandUnit(kind: LandUnit.Kind(zoneClass: z.landClass), zone: z.index, landClass: z.landClass,
                                 seed: Hash.mix(seed, 0x5A4F_4E45, UInt64(z.index)))
                    }
                    switch z.landClass {
                    case .mining: aux[p] = detail.fractal(fe / 200 - 70, fs / 200, octaves: 4)
                    case .otherTreeCover: aux[p] = detail.fractal(fe / 140 + 90, fs / 140, octaves: 3)
                    default: break
                    }
                }
            }
        }
        self.units = units
        self.unit = unitIndex
        self.flags = flags
        self.aux = aux
        self.texture = texture
    }

    struct UnitKey: Hashable {
        let zone: Int32, i: Int32, j: Int32, sub: Int8
    }

    /// The zone list: every follow-up land use gets at least one zone converted from forest
    /// (2001–2004) and, on all but the smallest areas, one established before 2000.
    static func makeZones(perSide: Int, spacing: Double, seed: UInt64) -> [Zone] {
        var rng = SplitMix64(seed: seed, stream: 0x5A4F_4E45)  // "ZONE"
        let count = perSide * perSide
        let flu: [LandClass] = [.largeCropland, .smallCropland, .pasture, .mining, .treeCrops, .otherTreeCover]
        var plan: [(LandClass, converted: Bool)] = [(.forest, false), (.forest, false)]
        plan += flu.map { ($0, true) }
        plan += flu.map { ($0, false) }
        let weights: [(LandClass, Double)] = [
            (.forest, 0.45), (.pasture, 0.16), (.largeCropland, 0.1), (.smallCropland, 0.08),
            (.otherTreeCover, 0.09), (.treeCrops, 0.07), (.mining, 0.05),
        ]
        while plan.count < count {
            var r = rng.unit(), chosen = LandClass.forest
            for (c, w) in weights { if r < w { chosen = c; break }; r -= w }
            plan.append((chosen, chosen != .forest && rng.chance(0.35)))
        }
        plan = Array(plan.prefix(count))
        var order = Array(0..<count)
        rng.shuffle(&order)

        var lossYearCursor = rng.below(4)
        var zones: [Zone] = []
        for index in 0..<count {
            let (landClass, converted) = plan[order[index]]
            let gi = index % perSide, gj = index / perSide
            let siteX = (Double(gi) + 0.15 + 0.7 * rng.unit()) * spacing
            let siteY = (Double(gj) + 0.15 + 0.7 * rng.unit()) * spacing
            var lossDay: SimDate?
            let established: SimDate
            if converted {
                // Cleared in the dry season (July–October), slashed and burnt, the new use
                // starting with the next rains.
                let year = 2001 + lossYearCursor % 4
                lossYearCursor += 1
                lossDay = SimDate(year: year, month: 1, day: 1).adding(days: 180 + rng.below(95))
                established = SimDate(year: year, month: 11, day: 10).adding(days: rng.below(30))
            } else {
                established = SimDate(year: 1986 + rng.below(13), month: 1, day: 1).adding(days: rng.below(365))
            }
            let (cw, ch, road): (Double, Double, Double) = {
                switch landClass {
                case .largeCropland: return (rng.uniform(500, 850), rng.uniform(350, 600), 14)
                case .smallCropland: return (rng.uniform(100, 160), rng.uniform(70, 110), 0)
                case .pasture: return (rng.uniform(300, 520), rng.uniform(250, 420), 6)
                case .treeCrops: return (rng.uniform(240, 340), rng.uniform(180, 280), 10)
                default: return (100, 100, 0)
                }
            }()
            zones.append(Zone(index: index, landClass: landClass, siteX: siteX, siteY: siteY,
                              lossDay: lossDay, established: established,
                              angle: rng.uniform(-35, 35) * Double.pi / 180,
                              latticeX: rng.uniform(0, cw), latticeY: rng.uniform(0, ch),
                              cellWidth: cw, cellHeight: ch, roadWidth: road))
        }
        return zones
    }

    /// Nearest site among the 3×3 jittered-grid cells around (x, y).
    static func nearestZone(x: Double, y: Double, perSide: Int, spacing: Double, zones: [Zone]) -> Int {
        let ci = min(max(Int((x / spacing).rounded(.down)), 0), perSide - 1)
        let cj = min(max(Int((y / spacing).rounded(.down)), 0), perSide - 1)
        var best = 0, bestDistance = Double.infinity
        for j in max(cj - 2, 0)...min(cj + 2, perSide - 1) {
            for i in max(ci - 2, 0)...min(ci + 2, perSide - 1) {
                let z = zones[j * perSide + i]
                let d = (z.siteX - x) * (z.siteX - x) + (z.siteY - y) * (z.siteY - y)
                if d < bestDistance { bestDistance = d; best = z.index }
            }
        }
        return best
    }

    /// The lattice cell of a zone holding a point, the point's position inside it, and the cell size.
    static func latticeCell(zone z: Zone, east: Double, south: Double)
        -> (cell: (i: Int, j: Int), local: (x: Double, y: Double), size: (width: Double, height: Double)) {
        let c = cos(z.angle), s = sin(z.angle)
        let u = (east - z.latticeX) * c + (south - z.latticeY) * s
        let v = -(east - z.latticeX) * s + (south - z.latticeY) * c
        let i = Int((u / z.cellWidth).rounded(.down)), j = Int((v / z.cellHeight).rounded(.down))
        return ((i, j), (u - Double(i) * z.cellWidth, v - Double(j) * z.cellHeight), (z.cellWidth, z.cellHeight))
    }

    /// Local (east, south) metres of a lattice position (u, v) of a zone.
    static func localPoint(zone z: Zone, u: Double, v: Double) -> (east: Double, south: Double) {
        let c = cos(z.angle), s = sin(z.angle)
        return (z.latticeX + u * c - v * s, z.latticeY + u * s + v * c)
    }
}

/// A field, paddock, plantation block or whole zone, with what it grows and how.
struct LandUnit: Sendable {
    enum Kind: UInt8, Sendable {
        case forest, largeField, smallField, paddock, palmBlock, mining, regrowth, river

        init(zoneClass: LandClass) {
            switch zoneClass {
            case .forest: self = .forest
            case .largeCropland: self = .largeField
            case .smallCropland: self = .smallField
            case .pasture: self = .paddock
            case .mining: self = .mining
            case .treeCrops: self = .palmBlock
            case .otherTreeCover: self = .regrowth
            case .water: self = .river
            }
        }
    }

    let kind: Kind
    let zone: Int
    let landClass: LandClass
    var crop: CropType?
    /// Sowing-date shift of this field (days) and its vigour (peak greenness factor).
    var phase: Double = 0
    var vigor: Float = 1
    /// Planting year of a plantation block.
    var plantYear: Int = 1990
    /// Lattice cell and sub-plot, for the parcel polygon.
    var cell: (i: Int, j: Int, sub: Int8)?
    /// The plot's extent along the cell's width (a split small plot covers part of it).
    var span: (start: Double, end: Double) = (0, 0)

    init(kind: Kind, zone: Int, landClass: LandClass, seed: UInt64) {
        self.kind = kind
        self.zone = zone
        self.landClass = landClass
        var rng = SplitMix64(seed: seed)
        vigor = Float(rng.uniform(0.9, 1.05))
    }

    /// A lattice cell of a field-like zone, its crop drawn from the zone's class.
    static func cell(zone z: Landscape.Zone, i: Int, j: Int, sub: Int8, span: (Double, Double), seed: UInt64) -> LandUnit {
        var unit = LandUnit(kind: Kind(zoneClass: z.landClass), zone: z.index, landClass: z.landClass,
                            seed: Hash.mix(seed, UInt64(z.index), Hash.key(i), Hash.key(j) &+ UInt64(sub) << 32))
        var rng = SplitMix64(seed: Hash.mix(seed, 0x4352_4F50, UInt64(z.index), Hash.key(i) &* 65_537 &+ Hash.key(j) &+ UInt64(sub)))
        unit.cell = (i, j, sub)
        unit.span = span
        let r = rng.unit()
        switch z.landClass {
        case .largeCropland:
            unit.crop = r < 0.45 ? .soyMaize : r < 0.8 ? .soy : .cotton
            unit.phase = rng.uniform(-12, 12)
            unit.vigor = Float(rng.uniform(0.85, 1.05))
        case .smallCropland:
            unit.crop = r < 0.35 ? .cassava : r < 0.75 ? .maizeBeans : .fallow
            unit.phase = rng.uniform(-30, 30)
            unit.vigor = Float(rng.uniform(0.7, 1.0))
        case .pasture:
            unit.crop = .pasture
            unit.vigor = Float(rng.uniform(0.7, 1.1))
        case .treeCrops:
            unit.crop = .oilPalm
            let start = z.established.year
            unit.plantYear = z.lossDay == nil ? start + rng.below(3) : start + 1 + rng.below(2)
            unit.vigor = Float(rng.uniform(0.9, 1.05))
        default:
            break
        }
        return unit
    }
}

/// A river meandering west to east across the lower middle of the area.
struct River: Sendable {
    let base: Double
    let a1: Double, l1: Double, p1: Double
    let a2: Double, l2: Double, p2: Double
    let widthPhase: Double

    init(seed: UInt64, extent: Double) {
        var rng = SplitMix64(seed: seed, stream: 0x5249_5645)  // "RIVE"
        base = extent * rng.uniform(0.55, 0.68)
        a1 = rng.uniform(150, 260); l1 = rng.uniform(2000, 2800); p1 = rng.uniform(0, 2 * .pi)
        a2 = rng.uniform(40, 90); l2 = rng.uniform(700, 1100); p2 = rng.uniform(0, 2 * .pi)
        widthPhase = rng.uniform(0, 2 * .pi)
    }

    /// Relative depth (1 mid-channel, 0 at the bank) or nil on land.
    func depth(east: Double, south: Double) -> Float? {
        let centre = base + a1 * sin(2 * .pi * east / l1 + p1) + a2 * sin(2 * .pi * east / l2 + p2)
        let halfWidth = 28 + 10 * sin(2 * .pi * east / 3100 + widthPhase)
        let d = abs(south - centre)
        return d < halfWidth ? Float(1 - d / halfWidth) : nil
    }
}
