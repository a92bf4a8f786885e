import Foundation
import GeoIO

/// Labels from a vector file: points label the pixel under them; polygons label every pixel
/// whose centre falls inside (GDAL's rasterizer rule), or `perPolygon` of them drawn with the seed.
enum VectorLabels {
    /// A layer opened, checked and reprojected to the cube grid, with its class codes decoded.
    struct Prepared {
        var layer: VectorLayer
        var codes: [Int?]
        var names: [String?]
        var groups: [String]
        var nameField: String?
    }

    /// Reads the layer, checks the fields and reprojects it onto `grid`'s CRS.
    /// - Throws: `SamplesError.badLabels` for an empty layer, a missing CRS or a bad class value;
    ///   `GeoIOError.invalidArgument` naming the fields there are when a field is unknown.
    static func prepare(_ options: LabelOptions, grid: Grid) throws -> Prepared {
        let isCSV = options.path.lowercased().hasSuffix(".csv")
        var csv: CSVGeometryColumns? = nil
        if isCSV {
            let lonLat = CSVGeometryColumns.lonLat(), xy = CSVGeometryColumns.xy(crs: "")
            // With --crs the columns may be x/y (projected) or lon/lat; without it only lon/lat make sense.
            csv = options.crs.map { CSVGeometryColumns(xNames: xy.xNames + lonLat.xNames, yNames: xy.yNames + lonLat.yNames, crs: $0) } ?? lonLat
        }
        var layer = try VectorLayer.read(options.path, layer: options.layer, csv: csv)
        guard !layer.features.isEmpty else {
            throw SamplesError.badLabels(path: options.path, "layer \(layer.name) has no features; nothing to label")
        }
        _ = try layer.field(named: options.field)
        var nameField = options.nameField
        if let n = nameField { _ = try layer.field(named: n) } else if layer.fields.contains(where: { $0.name == "name" }), options.field != "name" {
            nameField = "name"
        }
        if let g = options.groupField { _ = try layer.field(named: g) }

        if layer.crs.isEmpty {
            guard let crs = options.crs else {
                throw SamplesError.badLabels(path: options.path, "has no CRS; give the CRS of its coordinates with --crs (e.g. --crs EPSG:4326)")
            }
            layer.crs = try SpatialReference(crs).wkt
        }
        layer = try layer.transformed(toCRSOf: grid)

        let codes = try ClassField.codes(layer, field: options.field)
        var names: [String?] = nameField.map { f in layer.features.map { $0[f].stringValue } } ?? codes.names
        if options.nameField == nil, nameField != nil {
            // A `name` picked by default must name the classes one to one (the parcels' `name` is
            // the crop's, which does not name their land `class`); otherwise codes stay unnamed.
            var seen: [Int: String] = [:]
            let consistent = zip(codes.values, names).allSatisfy { code, name in
                guard let code, let name else { return true }
                if let known = seen[code] { return known == name }
                seen[code] = name
                return true
            }
            if !consistent { nameField = nil; names = codes.names }
        }
        let groups: [String] = layer.features.enumerated().map { i, f in
            let own = String(f.id ?? Int64(i))
            // A feature without a group value is a group of its own, not one big "null" group.
            if let g = options.groupField { return f[g].stringValue ?? "(no \(g)) \(own)" }
            return own
        }
        return Prepared(layer: layer, codes: codes.values, names: names, groups: groups, nameField: nameField)
    }

    /// Pixel labels for patches: points and polygons.
    static func pixels(_ options: LabelOptions, grid: Grid) throws -> LabelSet<PixelLabel> {
        let p = try prepare(options, grid: grid)
        var labels: [PixelLabel] = []
        var skipped = SkipCounts()
        var candidates = 0
        for (i, feature) in p.layer.features.enumerated() {
            guard let geometry = feature.geometry else { skipped.add(.noGeometry); continue }
            guard let code = p.codes[i] else { skipped.add(.noClass); continue }
            candidates += 1
            switch geometry {
            case .point(let pt):
                guard let px = grid.pixel(x: pt.x, y: pt.y) else { skipped.add(.outside); continue }
                labels.append(PixelLabel(col: px.col, row: px.row, x: pt.x, y: pt.y, code: code, group: p.groups[i]))
            case .multiPoint(let pts):
                for pt in pts {
                    guard let px = grid.pixel(x: pt.x, y: pt.y) else { skipped.add(.outside); continue }
                    labels.append(PixelLabel(col: px.col, row: px.row, x: pt.x, y: pt.y, code: code, group: p.groups[i]))
                }
            case .polygon, .multiPolygon:
                switch try pixelsInside(geometry, grid: grid) {
                case .outside: skipped.add(.outside)
                case .none: skipped.add(.noPixel)
                case .pixels(var inside):
                    if let n = options.perPolygon, inside.count > n {
                        var rng = SeededRandom(seed: options.seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15, purpose: "per-polygon")
                        inside = rng.choose(n, of: inside.count).map { inside[$0] }
                    }
                    for px in inside {
                        let c = grid.center(col: px.col, row: px.row)
                        labels.append(PixelLabel(col: px.col, row: px.row, x: c.x, y: c.y, code: code, group: p.groups[i]))
                    }
                }
            default:
                skipped.add(.unsupportedGeometry)
            }
        }
        try checkOverlap(kept: labels.count, candidates: candidates, skipped: skipped, layer: p.layer, grid: grid, path: options.path)
        return LabelSet(labels: labels, classes: table(p, used: labels.map(\.code)), skipped: skipped,
                        field: options.field, nameField: p.nameField, groupField: options.groupField)
    }

    /// Polygon labels for parcels.
    static func polygons(_ options: LabelOptions, grid: Grid) throws -> LabelSet<PolygonLabel> {
        let p = try prepare(options, grid: grid)
        var labels: [PolygonLabel] = []
        var skipped = SkipCounts()
        var candidates = 0
        let bounds = grid.bounds
        for (i, feature) in p.layer.features.enumerated() {
            guard let geometry = feature.geometry else { skipped.add(.noGeometry); continue }
            guard let code = p.codes[i] else { skipped.add(.noClass); continue }
            switch geometry {
            case .polygon, .multiPolygon: break
            default: skipped.add(.unsupportedGeometry); continue
            }
            candidates += 1
            guard let e = geometry.envelope, e.intersects(Envelope(minX: bounds.minX, minY: bounds.minY, maxX: bounds.maxX, maxY: bounds.maxY)) else {
                skipped.add(.outside); continue
            }
            labels.append(PolygonLabel(geometry: geometry, code: code, group: p.groups[i], feature: i))
        }
        if candidates == 0 {
            throw SamplesError.badLabels(path: options.path, "holds no polygon with a class in \"\(options.field)\" (\(p.layer.features.count) features, geometry type \(p.layer.geometryTypeName)); parcels need polygons")
        }
        try checkOverlap(kept: labels.count, candidates: candidates, skipped: skipped, layer: p.layer, grid: grid, path: options.path)
        return LabelSet(labels: labels, classes: table(p, used: labels.map(\.code)), skipped: skipped,
                        field: options.field, nameField: p.nameField, groupField: options.groupField)
    }

    enum Inside { case outside, none, pixels([(col: Int, row: Int)]) }

    /// The cube pixels whose centre lies inside `geometry` (in the grid's CRS), by GDAL's rasterizer.
    static func pixelsInside(_ geometry: Geometry, grid: Grid) throws -> Inside {
        guard let window = envelopeWindow(geometry, grid: grid) else { return .outside }
        let mask: [UInt8] = try Rasterizer.rasterize([geometry], values: [1], onto: grid.subgrid(window), as: UInt8.self)
        var pixels: [(col: Int, row: Int)] = []
        for r in 0..<window.height {
            for c in 0..<window.width where mask[r * window.width + c] != 0 {
                pixels.append((window.col + c, window.row + r))
            }
        }
        return pixels.isEmpty ? .none : .pixels(pixels)
    }

    /// The pixels under a geometry's envelope, one pixel wider on each side (rounding), clipped
    /// to the grid; nil when it misses the grid.
    static func envelopeWindow(_ geometry: Geometry, grid: Grid) -> Window? {
        guard let e = geometry.envelope,
              let a = grid.transform.pixel(x: e.minX, y: e.maxY), let b = grid.transform.pixel(x: e.maxX, y: e.minY),
              a.col.isFinite, a.row.isFinite, b.col.isFinite, b.row.isFinite else { return nil }
        let limit = Double(Int32.max)
        let c0 = max(min(min(a.col, b.col).rounded(.down) - 1, limit), -limit), c1 = max(min(max(a.col, b.col).rounded(.up) + 1, limit), -limit)
        let r0 = max(min(min(a.row, b.row).rounded(.down) - 1, limit), -limit), r1 = max(min(max(a.row, b.row).rounded(.up) + 1, limit), -limit)
        return Window(col: Int(c0), row: Int(r0), width: Int(c1 - c0), height: Int(r1 - r0)).intersection(grid.window)
    }

    /// Classes of the labels kept, named from the name field.
    static func table(_ p: Prepared, used: [Int]) -> ClassTable {
        var names: [Int: [String]] = [:]
        for (code, name) in zip(p.codes, p.names) { if let code, let name { names[code, default: []].append(name) } }
        return ClassTable(codes: used, names: names)
    }

    /// Refuses a run where no label lies on the cube, naming both extents.
    static func checkOverlap(kept: Int, candidates: Int, skipped: SkipCounts, layer: VectorLayer, grid: Grid, path: String) throws {
        guard kept == 0 else { return }
        if candidates > 0, skipped[.outside] + skipped[.partlyOutside] == candidates {
            let b = grid.bounds
            let crsName = (try? SpatialReference(grid.crs).name) ?? "the cube's CRS"
            let labels = layer.envelope.map { Extent.text(minX: $0.minX, minY: $0.minY, maxX: $0.maxX, maxY: $0.maxY) } ?? "empty"
            throw SamplesError.noSamples(
                "\(path): none of the \(candidates) labels lies on the cube: the extents differ. Cube extent \(Extent.text(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY)), labels extent \(labels) (both in \(crsName)). Check that the labels belong to this cube and that their CRS is right (--crs for a CSV or a file without one).")
        }
        throw SamplesError.noSamples("\(path): no label left to sample (\(candidates) with a geometry and a class). Skipped: \(skipped.summaryLines.joined(separator: "; "))")
    }
}

/// Extents as text in messages.
enum Extent {
    static func text(minX: Double, minY: Double, maxX: Double, maxY: Double) -> String {
        func f(_ v: Double) -> String { abs(v) >= 1000 ? String(format: "%.1f", v) : String(format: "%.6f", v) }
        return "x \(f(minX))…\(f(maxX)), y \(f(minY))…\(f(maxY))"
    }
}

/// Class codes from an attribute: integers as they are; text that is not all integers is coded
/// 1…K in sorted order, and names the class.
enum ClassField {
    struct Codes {
        var values: [Int?]
        /// Names implied by text codes (nil for numeric codes).
        var names: [String?]
    }

    static func codes(_ layer: VectorLayer, field: String) throws -> Codes {
        let values = try layer.values(of: field)
        let def = try layer.field(named: field)
        let numeric = def.type != .string || values.allSatisfy { $0.isNull || isBlank($0) || $0.intValue != nil }
        if numeric {
            let codes: [Int?] = try values.enumerated().map { i, v in
                if v.isNull || isBlank(v) { return nil }
                guard let n = v.intValue, n >= Int64(Int32.min), n <= Int64(Int32.max) else {
                    let id = layer.features[i].id.map(String.init) ?? "#\(i)"
                    throw SamplesError.badLabels(path: layer.path, "field \"\(field)\" of feature \(id) is \(v), not an integer class code")
                }
                return Int(n)
            }
            return Codes(values: codes, names: codes.map { _ in nil })
        }
        let texts = values.map { v -> String? in isBlank(v) ? nil : v.stringValue }
        let distinct = Array(Set(texts.compactMap { $0 })).sorted()
        let codeOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0 + 1) })
        return Codes(values: texts.map { $0.flatMap { codeOf[$0] } }, names: texts)
    }

    private static func isBlank(_ v: FieldValue) -> Bool {
        if case .string(let s) = v { return s.trimmingCharacters(in: .whitespaces).isEmpty }
        return false
    }
}
