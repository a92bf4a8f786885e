import CGDAL
import Foundation

/// A position in a CRS's x/y (east/north, lon/lat) order.
public struct Point: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle in world coordinates.
public struct Envelope: Hashable, Sendable, Codable {
    public var minX, minY, maxX, maxY: Double
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    /// Whether the point lies inside or on the border.
    public func contains(x: Double, y: Double) -> Bool { x >= minX && x <= maxX && y >= minY && y <= maxY }
    /// Whether the two rectangles overlap or touch.
    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }
}

/// A 2-D geometry as a plain Swift value: no GDAL handle, safe to keep, compare and send between
/// threads. Z and M are dropped and curves are linearised when read. Polygons list the exterior
/// ring first, then the holes; rings are closed (first point repeated at the end) as OGR gives them.
public indirect enum Geometry: Hashable, Sendable {
    case point(Point)
    case multiPoint([Point])
    case lineString([Point])
    case multiLineString([[Point]])
    case polygon([[Point]])
    case multiPolygon([[[Point]]])
    case collection([Geometry])

    /// The OGC name of the type ("Point", "MultiPolygon" …).
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .multiPoint: return "MultiPoint"
        case .lineString: return "LineString"
        case .multiLineString: return "MultiLineString"
        case .polygon: return "Polygon"
        case .multiPolygon: return "MultiPolygon"
        case .collection: return "GeometryCollection"
        }
    }

    /// Every vertex, in order.
    public var points: [Point] {
        switch self {
        case .point(let p): return [p]
        case .multiPoint(let ps), .lineString(let ps): return ps
        case .multiLineString(let ls), .polygon(let ls): return ls.flatMap { $0 }
        case .multiPolygon(let polys): return polys.flatMap { $0.flatMap { $0 } }
        case .collection(let gs): return gs.flatMap(\.points)
        }
    }

    /// The bounding box, or nil for an empty geometry.
    public var envelope: Envelope? {
        let ps = points
        guard let first = ps.first else { return nil }
        var e = Envelope(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        for p in ps.dropFirst() {
            e.minX = min(e.minX, p.x); e.maxX = max(e.maxX, p.x)
            e.minY = min(e.minY, p.y); e.maxY = max(e.maxY, p.y)
        }
        return e
    }

    /// Whether the point lies inside the polygon(s) (even-odd rule, so holes are excluded).
    /// Points, lines and empty geometries contain nothing.
    public func contains(x: Double, y: Double) -> Bool {
        switch self {
        case .polygon(let rings): return Self.ringsContain(rings, x: x, y: y)
        case .multiPolygon(let polys): return polys.contains { Self.ringsContain($0, x: x, y: y) }
        case .collection(let gs): return gs.contains { $0.contains(x: x, y: y) }
        default: return false
        }
    }

    /// The same geometry with every vertex passed through `transform` (vertices only, as OGR does).
    /// - Throws: when a vertex cannot be transformed.
    public func transformed(with transform: CoordinateTransform) throws -> Geometry {
        var xs = points.map(\.x), ys = points.map(\.y)
        try transform.transform(x: &xs, y: &ys)
        var i = 0
        return mapPoints { _ in
            defer { i += 1 }
            return Point(x: xs[i], y: ys[i])
        }
    }

    /// The same geometry from CRS `source` to CRS `target` (any definition `SpatialReference` takes).
    /// - Throws: `.invalidArgument` for an unknown CRS or a vertex outside the target's domain.
    public func transformed(from source: String, to target: String) throws -> Geometry {
        try transformed(with: CoordinateTransform(from: SpatialReference(source), to: SpatialReference(target)))
    }

    /// Replaces every vertex, in `points` order.
    func mapPoints(_ f: (Point) -> Point) -> Geometry {
        switch self {
        case .point(let p): return .point(f(p))
        case .multiPoint(let ps): return .multiPoint(ps.map(f))
        case .lineString(let ps): return .lineString(ps.map(f))
        case .multiLineString(let ls): return .multiLineString(ls.map { $0.map(f) })
        case .polygon(let rings): return .polygon(rings.map { $0.map(f) })
        case .multiPolygon(let polys): return .multiPolygon(polys.map { $0.map { $0.map(f) } })
        case .collection(let gs): return .collection(gs.map { $0.mapPoints(f) })
        }
    }

    private static func ringsContain(_ rings: [[Point]], x: Double, y: Double) -> Bool {
        var inside = false
        for ring in rings where ring.count >= 3 {
            var j = ring.count - 1
            for i in 0..<ring.count {
                let a = ring[i], b = ring[j]
                if (a.y > y) != (b.y > y), x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                j = i
            }
        }
        return inside
    }

    // MARK: WKT

    /// Well-known text, as OGR writes it (full precision).
    public var wkt: String {
        guard let h = try? ogrGeometry() else { return "" }
        defer { OGR_G_DestroyGeometry(h) }
        var text: UnsafeMutablePointer<CChar>? = nil
        _ = OGR_G_ExportToIsoWkt(h, &text)
        return takeGDALString(text) ?? ""
    }

    /// Parses well-known text.
    /// - Throws: `.invalidArgument` when OGR cannot parse it.
    public init(wkt: String) throws {
        GDALEnvironment.ensure()
        var h: OGRGeometryH? = nil
        let err: OGRErr = wkt.withCString { c in
            var cursor: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: c)
            return OGR_G_CreateFromWkt(&cursor, nil, &h)
        }
        guard err == OGRERR_NONE, let h else {
            let shown = wkt.count > 60 ? String(wkt.prefix(60)) + "…" : wkt
            throw GeoIOError(.invalidArgument, path: "", "not well-known text: \(shown)")
        }
        defer { OGR_G_DestroyGeometry(h) }
        self = try Geometry(ogr: h)
    }

    // MARK: OGR conversion (internal: handles never leave GeoIO)

    /// Reads an OGR geometry (any dimension; curves linearised).
    init(ogr h: OGRGeometryH) throws {
        let flat = OGR_GT_Flatten(OGR_G_GetGeometryType(h))
        switch flat {
        case wkbPoint where OGR_G_IsEmpty(h) != 0:
            self = .multiPoint([])
        case wkbPoint:
            self = .point(Point(x: OGR_G_GetX(h, 0), y: OGR_G_GetY(h, 0)))
        case wkbLineString, wkbLinearRing:
            self = .lineString(Self.vertices(h))
        case wkbPolygon:
            self = .polygon(Self.parts(h).map(Self.vertices))
        case wkbMultiPoint:
            self = .multiPoint(Self.parts(h).map { Point(x: OGR_G_GetX($0, 0), y: OGR_G_GetY($0, 0)) })
        case wkbMultiLineString:
            self = .multiLineString(Self.parts(h).map(Self.vertices))
        case wkbMultiPolygon:
            self = .multiPolygon(Self.parts(h).map { Self.parts($0).map(Self.vertices) })
        case wkbGeometryCollection:
            self = .collection(try Self.parts(h).map { try Geometry(ogr: $0) })
        default:
            // Curves, TINs, polyhedral surfaces: OGR's linear approximation.
            guard OGR_GT_IsNonLinear(flat) != 0 || OGR_GT_IsSubClassOf(flat, wkbSurface) != 0,
                  let linear = OGR_G_GetLinearGeometry(h, 0, nil) else {
                let name = OGRGeometryTypeToName(flat).map { String(cString: $0) } ?? "type \(flat.rawValue)"
                throw GeoIOError(.unreadable, path: "", "unsupported geometry type \(name)")
            }
            defer { OGR_G_DestroyGeometry(linear) }
            guard OGR_GT_Flatten(OGR_G_GetGeometryType(linear)) != flat else {
                throw GeoIOError(.unreadable, path: "", "unsupported geometry type \(flat.rawValue)")
            }
            self = try Geometry(ogr: linear)
        }
    }

    private static func parts(_ h: OGRGeometryH) -> [OGRGeometryH] {
        (0..<OGR_G_GetGeometryCount(h)).compactMap { OGR_G_GetGeometryRef(h, $0) }
    }

    private static func vertices(_ h: OGRGeometryH) -> [Point] {
        (0..<OGR_G_GetPointCount(h)).map { Point(x: OGR_G_GetX(h, $0), y: OGR_G_GetY(h, $0)) }
    }

    /// A new OGR geometry the caller must destroy.
    /// - Throws: `.gdal` when OGR cannot allocate it.
    func ogrGeometry() throws -> OGRGeometryH {
        GDALEnvironment.ensure()
        func create(_ type: OGRwkbGeometryType) throws -> OGRGeometryH {
            guard let g = OGR_G_CreateGeometry(type) else {
                throw GeoIOError(.gdal, path: "", "OGR could not create a geometry")
            }
            return g
        }
        func line(_ type: OGRwkbGeometryType, _ ps: [Point]) throws -> OGRGeometryH {
            let g = try create(type)
            for p in ps { OGR_G_AddPoint_2D(g, p.x, p.y) }
            return g
        }
        func collection(_ type: OGRwkbGeometryType, _ members: [OGRGeometryH]) throws -> OGRGeometryH {
            let g: OGRGeometryH
            do { g = try create(type) } catch {
                members.forEach { OGR_G_DestroyGeometry($0) }
                throw error
            }
            for m in members { OGR_G_AddGeometryDirectly(g, m) }
            return g
        }
        func polygon(_ rings: [[Point]]) throws -> OGRGeometryH {
            try collection(wkbPolygon, rings.map { try line(wkbLinearRing, $0) })
        }
        switch self {
        case .point(let p): return try line(wkbPoint, [p])
        case .multiPoint(let ps): return try collection(wkbMultiPoint, ps.map { try line(wkbPoint, [$0]) })
        case .lineString(let ps): return try line(wkbLineString, ps)
        case .multiLineString(let ls): return try collection(wkbMultiLineString, ls.map { try line(wkbLineString, $0) })
        case .polygon(let rings): return try polygon(rings)
        case .multiPolygon(let polys): return try collection(wkbMultiPolygon, polys.map(polygon))
        case .collection(let gs): return try collection(wkbGeometryCollection, gs.map { try $0.ogrGeometry() })
        }
    }

    /// The OGR type of this value, for layer creation.
    var ogrType: OGRwkbGeometryType {
        switch self {
        case .point: return wkbPoint
        case .multiPoint: return wkbMultiPoint
        case .lineString: return wkbLineString
        case .multiLineString: return wkbMultiLineString
        case .polygon: return wkbPolygon
        case .multiPolygon: return wkbMultiPolygon
        case .collection: return wkbGeometryCollection
        }
    }
}
