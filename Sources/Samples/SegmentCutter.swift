import Foundation
import GeoIO

/// What `sitscube segments` cuts (seed 004 §III): tiles, their stride, the dilation of the
/// rasterized lines, and which of the layer's features and cube dates to use.
public struct SegmentSettings: Sendable {
    /// Tile side in pixels (512 in seed 004).
    public var size: Int
    /// Pixels between tile origins; the tile size (no overlap) when nil.
    public var stride: Int?
    /// Dilation radius in pixels: a (2N+1)×(2N+1) square around every line pixel.
    public var dilate: Int
    /// Attribute selecting the features that are lines to label; every feature when nil.
    public var field: String?
    public var layer: String?
    /// CRS of a label file that has none.
    public var crs: String?
    /// Cube time labels to keep, in the order given; every date when nil.
    public var times: [String]?
    public var keepNaN: Bool
    public var threads: Int

    public init(size: Int = 512, stride: Int? = nil, dilate: Int = 0, field: String? = nil, layer: String? = nil,
                crs: String? = nil, times: [String]? = nil, keepNaN: Bool = false, threads: Int = 2) {
        self.size = size; self.stride = stride; self.dilate = dilate; self.field = field; self.layer = layer
        self.crs = crs; self.times = times; self.keepNaN = keepNaN; self.threads = threads
    }

    public var tileStride: Int { stride ?? size }

    /// - Throws: `SamplesError.invalidOption` naming the flag that is out of range.
    public func validate() throws {
        guard size >= 1, size <= 4096 else { throw SamplesError.invalidOption("--size \(size): tiles need a size of 1…4096 (512 in seed 004)") }
        guard tileStride >= 1 else { throw SamplesError.invalidOption("--stride \(tileStride): must be at least 1") }
        guard dilate >= 0, dilate <= 256 else { throw SamplesError.invalidOption("--dilate \(dilate): must be 0…256 pixels") }
        guard threads >= 1 else { throw SamplesError.invalidOption("--threads \(threads): must be at least 1") }
        if let times, times.isEmpty { throw SamplesError.invalidOption("--times: give at least one time label") }
    }
}

/// The line labels of `sitscube segments`, rasterized and dilated one tile at a time.
///
/// Lines burn the pixels they cross (GDAL's rasterizer, as `gdal_rasterize` without
/// `-at`); polygons and points in the layer burn too. The mask of a tile is rasterized on
/// the tile grown by the dilation radius, so lines just outside the tile (or the cube)
/// widen into it exactly as they would on one whole-cube mask; memory is one tile's.
public struct LineLabels {
    public let geometries: [Geometry]
    let envelopes: [Envelope?]
    public let skipped: SkipCounts
    public let path: String

    /// Reads `path` and reprojects it onto `grid`'s CRS.
    /// - Throws: `SamplesError.badLabels` for an empty layer or a missing CRS; GeoIO errors
    ///   naming the fields there are when `field` is unknown.
    public init(path: String, settings: SegmentSettings, grid: Grid) throws {
        var layer = try VectorLayer.read(path, layer: settings.layer)
        guard !layer.features.isEmpty else { throw SamplesError.badLabels(path: path, "layer \(layer.name) has no features; nothing to label") }
        if let f = settings.field { _ = try layer.field(named: f) }
        if layer.crs.isEmpty {
            guard let crs = settings.crs else {
                throw SamplesError.badLabels(path: path, "has no CRS; give the CRS of its coordinates with --crs (e.g. --crs EPSG:4326)")
            }
            layer.crs = try SpatialReference(crs).wkt
        }
        layer = try layer.transformed(toCRSOf: grid)
        var geometries: [Geometry] = []
        var skipped = SkipCounts()
        for feature in layer.features {
            guard let g = feature.geometry else { skipped.add(.noGeometry); continue }
            if let f = settings.field, !Self.selects(feature[f]) { skipped.add(.noClass); continue }
            geometries.append(g)
        }
        guard !geometries.isEmpty else {
            throw SamplesError.badLabels(path: path, "no feature to burn (\(skipped.summaryLines.joined(separator: "; ")))")
        }
        self.geometries = geometries
        envelopes = geometries.map(\.envelope)
        self.skipped = skipped
        self.path = path
    }

    /// A feature is a line to label when its `--field` value is set, not empty and not 0.
    static func selects(_ v: FieldValue) -> Bool {
        if v.isNull { return false }
        if let d = v.doubleValue { return d != 0 }
        return !(v.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// The 0/1 mask of `window` on `grid`, lines dilated by `radius` pixels, row-major.
    public func mask(_ window: Window, grid: Grid, radius: Int) throws -> [UInt8] {
        let grown = window.padded(by: radius)
        let sub = grid.subgrid(grown)
        let b = sub.bounds
        let area = Envelope(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY)
        let near = geometries.indices.filter { envelopes[$0].map { $0.intersects(area) } ?? true }
        guard !near.isEmpty else { return [UInt8](repeating: 0, count: window.pixelCount) }
        let burnt: [UInt8] = try Rasterizer.rasterize(near.map { geometries[$0] }, values: Array(repeating: 1, count: near.count),
                                                      onto: sub, background: 0)
        let wide = Self.dilate(burnt, width: grown.width, height: grown.height, radius: radius)
        var out = [UInt8](repeating: 0, count: window.pixelCount)
        for r in 0..<window.height {
            for c in 0..<window.width { out[r * window.width + c] = wide[(r + radius) * grown.width + c + radius] }
        }
        return out
    }

    /// Morphological dilation by a (2r+1)×(2r+1) square (Chebyshev distance ≤ r), as a
    /// running maximum along rows then along columns; pixels beyond the edge count as 0.
    /// Seed 004 Fig. 8 does not give the structuring element: a square is the choice.
    public static func dilate(_ mask: [UInt8], width: Int, height: Int, radius r: Int) -> [UInt8] {
        guard r > 0 else { return mask }
        let across = runningMax(mask, lines: height, length: width, lineStep: width, step: 1, radius: r)
        return runningMax(across, lines: width, length: height, lineStep: 1, step: width, radius: r)
    }

    /// The maximum over ±r of each element along `lines` lines of `length` elements, line i
    /// starting at i·lineStep with elements `step` apart.
    private static func runningMax(_ v: [UInt8], lines: Int, length: Int, lineStep: Int, step: Int, radius r: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: v.count)
        for line in 0..<lines {
            let base = line * lineStep
            for i in 0..<length {
                var m: UInt8 = 0
                for k in max(0, i - r)...min(length - 1, i + r) where v[base + k * step] > m { m = v[base + k * step] }
                out[base + i * step] = m
            }
        }
        return out
    }
}

extension DatasetBuilder {
    /// Tile origins along one axis: 0, stride, 2·stride, … while the tile fits.
    static func tileOrigins(extent: Int, size: Int, stride: Int) -> [Int] {
        guard extent >= size else { return [] }
        return Array(Swift.stride(from: 0, through: extent - size, by: stride))
    }

    /// `sitscube segments` (seed 004 §III): size×size tiles over the cube every `stride` pixels,
    /// with the rasterized, dilated line mask of each. Tiles that would cross the cube's right or
    /// bottom edge are not cut.
    ///
    /// Writes x.npy (N, T, C, S, S) raw Float32, labels.npy (N, S, S) UInt8 (1 on a dilated
    /// line), y.npy (N,) Int32 (1 when the tile holds a line pixel), samples.csv (x, y of
    /// the tile centre; row, col of its top-left pixel; group = the tile), dataset.json
    /// (kind "segments", classes 0 background and 1 road, per-band statistics of the train
    /// tiles). Splits are stratified by y with the seed. Tiles with NaN are skipped unless
    /// `keepNaN`. Memory: one tile of every date and band.
    /// - Throws: `SamplesError`, `CubeError` or `GeoIOError` naming the file and what is wrong;
    ///   nothing is left at `output` on error.
    @discardableResult
    public static func segments(cube cubeFolder: String, labels path: String, settings: SegmentSettings, splits: SplitSettings,
                                output: String, tool: String, progress: ProgressHandler? = nil) throws -> DatasetManifest {
        try settings.validate()
        try splits.validate()
        guard !splits.oversample else { throw SamplesError.invalidOption("--oversample does not apply to segments (tiles hold both classes)") }
        let cube = try CubeSource(folder: cubeFolder)
        let allTimes = cube.manifest.times.map(\.label)
        let timeIndex: [Int] = try (settings.times ?? allTimes).map { label in
            guard let i = allTimes.firstIndex(of: label) else {
                throw SamplesError.invalidOption("--times: the cube has no time step '\(label)'; it has \(allTimes.joined(separator: ", "))")
            }
            return i
        }
        let s = settings.size, T = timeIndex.count, C = cube.bandCount, grid = cube.grid
        let rows = tileOrigins(extent: grid.height, size: s, stride: settings.tileStride)
        let cols = tileOrigins(extent: grid.width, size: s, stride: settings.tileStride)
        guard !rows.isEmpty, !cols.isEmpty else {
            throw SamplesError.invalidOption("--size \(s): the cube is only \(grid.width)×\(grid.height) pixels; choose a smaller --size")
        }
        let lines = try LineLabels(path: path, settings: settings, grid: grid)
        let folder = try DatasetFolder(output: output)
        do {
            let x = try NpyWriter(path: folder.file("x.npy"), type: .float32, rowShape: [T, C, s, s])
            let masks = try NpyWriter(path: folder.file("labels.npy"), type: .uint8, rowShape: [s, s])
            var records: [SampleRecord] = []
            var tileStats: [StatsAccumulator] = []  // per kept tile, per band: merged over the train tiles
            var skipped = lines.skipped
            // Every date in cube order is the read buffer itself; a --times subset is copied out.
            let everyDate = timeIndex == Array(allTimes.indices)
            var buffer: [Float] = [], subset = [Float](repeating: 0, count: everyDate ? 0 : T * C * s * s)
            let total = rows.count * cols.count
            for (i, (row, col)) in rows.flatMap({ r in cols.map { (r, $0) } }).enumerated() {
                let window = Window(col: col, row: row, width: s, height: s)
                try cube.read(window: window, into: &buffer, threads: settings.threads)
                if !everyDate {
                    for (t, source) in timeIndex.enumerated() {
                        for c in 0..<C {
                            let from = (source * C + c) * s * s, to = (t * C + c) * s * s
                            for p in 0..<(s * s) { subset[to + p] = buffer[from + p] }
                        }
                    }
                }
                let tile = everyDate ? buffer : subset  // shares storage, no copy
                progress?("tiles", i + 1, total)
                if !settings.keepNaN, tile.contains(where: \.isNaN) { skipped.add(.nan); continue }
                let mask = try lines.mask(window, grid: grid, radius: settings.dilate)
                // Plane by plane, so the writer's buffer stays a few MB instead of a second tile.
                try tile.withUnsafeBufferPointer { all in
                    for plane in 0..<(T * C) { try x.append(UnsafeBufferPointer(rebasing: all[plane * s * s..<(plane + 1) * s * s])) }
                }
                try masks.append(mask)
                var stats = StatsAccumulator(slots: C)
                for plane in 0..<(T * C) { for p in 0..<(s * s) { stats.add(tile[plane * s * s + p], slot: plane % C) } }
                tileStats.append(stats)
                let centre = grid.center(col: col + s / 2, row: row + s / 2)
                let (cx, cy) = s % 2 == 1 ? centre : (centre.x - grid.transform.pixelWidth / 2, centre.y - grid.transform.pixelHeight / 2)
                records.append(SampleRecord(code: mask.contains(1) ? 1 : 0, x: cx, y: cy, row: row, col: col, group: "tile \(row) \(col)"))
            }
            guard !records.isEmpty else {
                throw SamplesError.noSamples("no tile left of \(total); skipped: \(skipped.summaryLines.joined(separator: "; "))")
            }
            try x.finish()
            try masks.finish()
            let y = records.map(\.code)
            let (splitNames, folds) = Splitter.assign(classes: y, groups: records.map(\.group), settings: splits)
            try NpyWriter.write(y.map { Int32($0) }, type: .int32, shape: [y.count], to: folder.file("y.npy"))
            var train = StatsAccumulator(slots: C)
            for (i, split) in splitNames.enumerated() where split == .train { train.merge(tileStats[i]) }
            let normalization = train.normalization(timeCount: T, bandCount: C, perDate: false)
            let classes = ClassTable(classes: [ClassInfo(code: 0, name: "background", index: 0), ClassInfo(code: 1, name: "road", index: 1)])
            try write(SamplesCSV.text(records: records, classes: classes, splits: splitNames, folds: folds), to: folder.file("samples.csv"))

            let n = records.count
            let (bySplit, byClass) = counts(classes: classes, indices: y, splits: splitNames)
            let manifest = DatasetManifest(
                format: DatasetManifest.formatTag, kind: "segments", shape: [n, T, C, s, s], axes: "NTCHW",
                bands: cube.manifest.bands, times: timeIndex.map { allTimes[$0] }, classes: classes.classes,
                arrays: ["x": DatasetManifest.ArrayEntry(file: "x.npy", dtype: "float32", shape: [n, T, C, s, s]),
                         "y": DatasetManifest.ArrayEntry(file: "y.npy", dtype: "int32", shape: [n]),
                         "labels": DatasetManifest.ArrayEntry(file: "labels.npy", dtype: "uint8", shape: [n, s, s])],
                normalization: normalization,
                splits: DatasetManifest.Splits(fractions: splits.fractions, folds: splits.folds >= 2 ? splits.folds : 0, seed: splits.seed,
                                               oversample: false, groupedBy: "tile"),
                counts: DatasetManifest.Counts(total: n, bySplit: bySplit, byClass: byClass,
                                               byFold: splits.folds >= 2 ? (0..<splits.folds).map { f in folds.filter { $0 == f }.count } : [],
                                               oversampled: 0),
                skipped: skipped.byName,
                settings: DatasetManifest.Settings(size: s, pad: nil, keepNaN: settings.keepNaN, perPolygon: nil, maxPerClass: nil,
                                                   resize: nil, stride: settings.tileStride, dilate: settings.dilate),
                provenance: DatasetManifest.Provenance(
                    cube: DatasetManifest.CubeSource(path: cube.folder, manifestSHA256: try SHA256.file(cube.folder + "/cube.json"),
                                                     settingsDigest: cube.manifest.provenance.settingsDigest),
                    labels: DatasetManifest.LabelSource(path: path, sha256: try SHA256.file(path), layer: settings.layer,
                                                        field: settings.field ?? "", nameField: nil, groupField: nil, crs: settings.crs),
                    tool: tool))
            try write(String(decoding: try manifest.encoded(), as: UTF8.self) + "\n", to: folder.file(DatasetManifest.fileName))
            try folder.commit()
            return manifest
        } catch {
            folder.discard()
            throw error
        }
    }
}
