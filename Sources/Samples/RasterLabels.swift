import GeoIO

/// Labels from a raster of class codes, warped onto the cube grid by nearest neighbour; every
/// pixel with a code (not nodata) is a label, its own group.
enum RasterLabels {
    /// - Throws: `SamplesError.badLabels` for non-integer codes, `.noSamples` (with both extents)
    ///   when no labeled pixel falls on the cube; GeoIO errors when the raster cannot be read.
    static func pixels(_ options: LabelOptions, grid: Grid) throws -> LabelSet<PixelLabel> {
        let source = try Raster.open(options.path)
        // Float64 with NaN as the target nodata: outside the source and source nodata both read as NaN.
        let warped = try WarpedRaster(source, grid: grid, options: WarpOptions(resampling: .nearest, targetNoData: .nan, outputType: .float64))
        let categories = (try? source.categoryNames(band: 1)) ?? []
        var reservoir = Reservoir(cap: options.maxPerClass, seed: options.seed)
        var buffer: [Double] = []
        for window in grid.window.subdivided(tileWidth: 512, tileHeight: 512) {
            try warped.read(band: 1, window: window, into: &buffer)
            for r in 0..<window.height {
                for c in 0..<window.width {
                    let v = buffer[r * window.width + c]
                    guard !v.isNaN else { continue }
                    guard v.rounded() == v, abs(v) <= Double(Int32.max) else {
                        throw SamplesError.badLabels(path: options.path, "holds the value \(v), not an integer class code")
                    }
                    let col = window.col + c, row = window.row + r
                    let centre = grid.center(col: col, row: row)
                    reservoir.add(PixelLabel(col: col, row: row, x: centre.x, y: centre.y, code: Int(v), group: "\(row):\(col)"))
                }
            }
        }
        let labels = reservoir.labels.sorted { ($0.row, $0.col) < ($1.row, $1.col) }
        guard !labels.isEmpty else {
            let b = grid.bounds, s = source.grid.bounds
            let cubeCRS = (try? SpatialReference(grid.crs).name) ?? "cube CRS"
            let labelCRS = (try? SpatialReference(source.crs).name) ?? "no CRS"
            throw SamplesError.noSamples(
                "\(options.path): no labeled pixel lies on the cube: the extents differ or the raster holds only nodata. Cube extent \(Extent.text(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY)) (\(cubeCRS)), label raster extent \(Extent.text(minX: s.minX, minY: s.minY, maxX: s.maxX, maxY: s.maxY)) (\(labelCRS)).")
        }
        var names: [Int: [String]] = [:]
        for code in Set(labels.map(\.code)) where code >= 0 && code < categories.count && !categories[code].isEmpty {
            names[code] = [categories[code]]
        }
        var skipped = SkipCounts()
        skipped.add(.overCap, reservoir.dropped)
        return LabelSet(labels: labels, classes: ClassTable(codes: labels.map(\.code), names: names), skipped: skipped,
                        field: "value", nameField: categories.isEmpty ? nil : "category names", groupField: nil)
    }
}

/// Keeps at most `cap` labels per class, each with equal chance (reservoir sampling, seeded), so
/// a wall-to-wall label raster never has to be held whole.
struct Reservoir {
    let cap: Int?
    var rng: SeededRandom
    var kept: [Int: [PixelLabel]] = [:]
    var seen: [Int: Int] = [:]
    var dropped = 0

    init(cap: Int?, seed: UInt64) {
        self.cap = cap
        rng = SeededRandom(seed: seed, purpose: "max-per-class")
    }

    mutating func add(_ label: PixelLabel) {
        let n = seen[label.code, default: 0]
        seen[label.code] = n + 1
        guard let cap else { kept[label.code, default: []].append(label); return }
        if n < cap {
            kept[label.code, default: []].append(label)
        } else {
            dropped += 1
            let j = rng.below(n + 1)
            if j < cap { kept[label.code]?[j] = label }
        }
    }

    var labels: [PixelLabel] { kept.keys.sorted().flatMap { kept[$0] ?? [] } }
}
