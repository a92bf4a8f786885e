import CGDAL
import Foundation

/// An attribute value as Swift sees it. OGR integer types become `int`, reals `real`, and every
/// other type (strings, dates, lists) its text form in `string`; unset and null fields are `null`.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int64)
    case real(Double)
    case string(String)
    case null

    /// The value as a number: ints and reals as they are, strings when they parse as numbers.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .real(let v): return v
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        case .null: return nil
        }
    }

    /// The value as an integer: ints, reals with no fraction, strings holding an integer.
    public var intValue: Int64? {
        switch self {
        case .int(let v): return v
        case .real(let v): return v.rounded() == v && abs(v) < 9.2e18 ? Int64(v) : nil
        case .string(let s): return Int64(s.trimmingCharacters(in: .whitespaces))
        case .null: return nil
        }
    }

    /// Strings as they are, numbers as text, nil for null.
    public var stringValue: String? {
        switch self {
        case .int(let v): return String(v)
        case .real(let v): return String(v)
        case .string(let s): return s
        case .null: return nil
        }
    }

    /// Whether the field is unset or null.
    public var isNull: Bool { self == .null }
    public var description: String { stringValue ?? "null" }
}

/// The type of an attribute column as sitscube uses it.
public enum FieldType: String, Sendable, Codable {
    case integer, real, string
}

/// An attribute column: its name and type.
public struct FieldDefinition: Hashable, Sendable {
    public var name: String
    public var type: FieldType
    public init(_ name: String, _ type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// One feature: its id in the file, its geometry (nil when it has none) and its attributes by name.
public struct Feature: Hashable, Sendable {
    /// OGR's feature id (the GeoPackage fid, the row number of Shapefiles and CSVs); nil when unset.
    public var id: Int64?
    public var geometry: Geometry?
    public var attributes: [String: FieldValue]

    public init(id: Int64? = nil, geometry: Geometry?, attributes: [String: FieldValue] = [:]) {
        self.id = id
        self.geometry = geometry
        self.attributes = attributes
    }

    /// The value of a field; `.null` when the feature does not carry it.
    public subscript(field: String) -> FieldValue { attributes[field] ?? .null }
}

/// Where a CSV keeps its point coordinates, and their CRS (a CSV cannot say).
/// Column names are matched without regard to case; the first present one is used.
public struct CSVGeometryColumns: Sendable {
    /// Candidate names of the x (easting, longitude) column.
    public var xNames: [String]
    /// Candidate names of the y (northing, latitude) column.
    public var yNames: [String]
    /// The CRS of the coordinates ("EPSG:4326" for lon/lat); nil leaves the layer without one.
    public var crs: String?

    public init(xNames: [String], yNames: [String], crs: String?) {
        self.xNames = xNames
        self.yNames = yNames
        self.crs = crs
    }

    /// `longitude`/`lon`/`x`, `latitude`/`lat`/`y` in WGS 84 unless told otherwise.
    public static func lonLat(crs: String = "EPSG:4326") -> CSVGeometryColumns {
        CSVGeometryColumns(xNames: ["longitude", "lon", "long", "lng", "x"], yNames: ["latitude", "lat", "y"], crs: crs)
    }

    /// `x`/`easting`, `y`/`northing` in a projected CRS.
    public static func xy(crs: String) -> CSVGeometryColumns {
        CSVGeometryColumns(xNames: ["x", "easting", "e"], yNames: ["y", "northing", "n"], crs: crs)
    }

    var openOptions: [(String, String)] {
        [("X_POSSIBLE_NAMES", xNames.joined(separator: ",")), ("Y_POSSIBLE_NAMES", yNames.joined(separator: ",")),
         ("KEEP_GEOM_COLUMNS", "NO"), ("AUTODETECT_TYPE", "YES")]
    }
}

/// A vector layer read whole into plain Swift values (labels and parcels are small; nothing keeps
/// a GDAL handle). Reads GeoJSON, GeoPackage, Shapefile, CSV and anything else OGR opens.
public struct VectorLayer: Sendable {
    /// The file it was read from (errors name it).
    public var path: String
    public var name: String
    /// WKT of the layer's CRS; empty when the file has none.
    public var crs: String
    /// OGR's name of the layer's declared geometry type ("Point", "Polygon", "Unknown (any)").
    public var geometryTypeName: String
    public var fields: [FieldDefinition]
    public var features: [Feature]

    public init(path: String, name: String, crs: String, geometryTypeName: String, fields: [FieldDefinition], features: [Feature]) {
        self.path = path
        self.name = name
        self.crs = crs
        self.geometryTypeName = geometryTypeName
        self.fields = fields
        self.features = features
    }

    /// The names of the layers in a vector file, in file order.
    /// - Throws: `.notFound` for a missing file, `.unreadable` when OGR cannot open it.
    public static func layerNames(_ path: String, csv: CSVGeometryColumns? = nil) throws -> [String] {
        let ds = try VectorDataset(path, csv: csv)
        return (0..<GDALDatasetGetLayerCount(ds.handle)).compactMap { i in
            GDALDatasetGetLayer(ds.handle, i).flatMap { OGR_L_GetName($0) }.map { String(cString: $0) }
        }
    }

    /// Reads a layer (the first one when `layer` is nil). A `.csv` file is read with `csv`'s
    /// columns, or `CSVGeometryColumns.lonLat()` when none are given.
    /// - Throws: `.notFound` for a missing file, `.unreadable` when OGR cannot read it or a CSV has
    ///   none of the coordinate columns, `.invalidArgument` when the layer does not exist (the
    ///   message lists the layers there are).
    public static func read(_ path: String, layer: String? = nil, csv: CSVGeometryColumns? = nil) throws -> VectorLayer {
        let isCSV = path.lowercased().hasSuffix(".csv")
        let csv = isCSV ? (csv ?? .lonLat()) : nil
        let ds = try VectorDataset(path, csv: csv)
        let count = GDALDatasetGetLayerCount(ds.handle)
        guard count > 0 else { throw GeoIOError(.unreadable, path: path, "holds no vector layer") }
        let l: OGRLayerH
        if let layer {
            guard let found = GDALDatasetGetLayerByName(ds.handle, layer) else {
                let names = try layerNames(path, csv: csv)
                throw GeoIOError(.invalidArgument, path: path, "no layer named \"\(layer)\"; the layers are: \(names.joined(separator: ", "))")
            }
            l = found
        } else {
            l = try check(path, "reading the first layer", kind: .unreadable) { GDALDatasetGetLayer(ds.handle, 0) }
        }
        let name = OGR_L_GetName(l).map { String(cString: $0) } ?? ""

        var crs = ""
        if let csvCRS = csv?.crs {
            crs = try SpatialReference(csvCRS).wkt
        } else if let srs = OGR_L_GetSpatialRef(l) {
            crs = SpatialReference(cloning: srs).wkt
        }
        let geomType = OGR_GT_Flatten(OGR_L_GetGeomType(l))
        let typeName = OGRGeometryTypeToName(geomType).map { String(cString: $0) } ?? "Unknown"

        guard let defn = OGR_L_GetLayerDefn(l) else { throw GeoIOError(.unreadable, path: path, "layer \(name) has no definition") }
        var fields: [FieldDefinition] = []
        var ogrTypes: [OGRFieldType] = []
        for i in 0..<OGR_FD_GetFieldCount(defn) {
            guard let fd = OGR_FD_GetFieldDefn(defn, i) else { continue }
            let t = OGR_Fld_GetType(fd)
            ogrTypes.append(t)
            let type: FieldType = (t == OFTInteger || t == OFTInteger64) ? .integer : t == OFTReal ? .real : .string
            fields.append(FieldDefinition(OGR_Fld_GetNameRef(fd).map { String(cString: $0) } ?? "field\(i)", type))
        }
        if csv != nil, geomType == wkbNone || OGR_FD_GetGeomFieldCount(defn) == 0 {
            throw GeoIOError(.unreadable, path: path,
                             "no coordinate columns: looked for x in [\(csv?.xNames.joined(separator: ", ") ?? "")] and y in [\(csv?.yNames.joined(separator: ", ") ?? "")]; the columns are: \(fields.map(\.name).joined(separator: ", "))")
        }

        var features: [Feature] = []
        OGR_L_ResetReading(l)
        CPLErrorReset()
        while let f = OGR_L_GetNextFeature(l) {
            defer { OGR_F_Destroy(f) }
            let fid = OGR_F_GetFID(f)
            var geometry: Geometry? = nil
            if let g = OGR_F_GetGeometryRef(f) {
                do { geometry = try Geometry(ogr: g) } catch let e as GeoIOError {
                    throw GeoIOError(.unreadable, path: path, "feature \(fid): \(e.message)")
                }
            }
            var attributes: [String: FieldValue] = [:]
            for (i, field) in fields.enumerated() {
                let index = Int32(i)
                guard OGR_F_IsFieldSetAndNotNull(f, index) != 0 else { attributes[field.name] = .null; continue }
                switch field.type {
                case .integer: attributes[field.name] = .int(OGR_F_GetFieldAsInteger64(f, index))
                case .real: attributes[field.name] = .real(OGR_F_GetFieldAsDouble(f, index))
                case .string:
                    let t = ogrTypes[i]
                    if t == OFTDate || t == OFTDateTime || t == OFTTime, let iso = isoDate(f, index, t) {
                        attributes[field.name] = .string(iso)
                    } else {
                        attributes[field.name] = .string(OGR_F_GetFieldAsString(f, index).map { String(cString: $0) } ?? "")
                    }
                }
            }
            features.append(Feature(id: fid == OGRNullFID ? nil : fid, geometry: geometry, attributes: attributes))
        }
        if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue {
            throw GeoIOError(.unreadable, path: path, "reading features of \(name): \(lastGDALMessage(or: "failed"))")
        }
        return VectorLayer(path: path, name: name, crs: crs, geometryTypeName: typeName, fields: fields, features: features)
    }

    // MARK: Fields

    /// The definition of a field.
    /// - Throws: `.invalidArgument` naming the file, the field and the fields there are.
    public func field(named field: String) throws -> FieldDefinition {
        guard let found = fields.first(where: { $0.name == field }) else {
            let hint = fields.first(where: { $0.name.lowercased() == field.lowercased() }).map { " (did you mean \"\($0.name)\"?)" } ?? ""
            throw GeoIOError(.invalidArgument, path: path,
                             "layer \(name) has no field \"\(field)\"\(hint); its fields are: \(fields.map(\.name).joined(separator: ", "))")
        }
        return found
    }

    /// The value of `field` for every feature, in feature order.
    /// - Throws: `.invalidArgument` when the field does not exist (see `field(named:)`).
    public func values(of field: String) throws -> [FieldValue] {
        _ = try self.field(named: field)
        return features.map { $0[field] }
    }

    /// The value of a numeric field for every feature.
    /// - Throws: `.invalidArgument` when the field does not exist or a value is null or not a number
    ///   (naming the feature).
    public func numbers(of field: String) throws -> [Double] {
        try values(of: field).enumerated().map { i, v in
            guard let d = v.doubleValue else {
                let id = features[i].id.map(String.init) ?? "#\(i)"
                throw GeoIOError(.invalidArgument, path: path, "field \"\(field)\" of feature \(id) is \(v == .null ? "null" : "\"\(v)\""), not a number")
            }
            return d
        }
    }

    // MARK: Geometry

    /// The bounding box of every geometry, or nil when there is none.
    public var envelope: Envelope? {
        let boxes = features.compactMap { $0.geometry?.envelope }
        guard var e = boxes.first else { return nil }
        for b in boxes.dropFirst() {
            e.minX = min(e.minX, b.minX); e.minY = min(e.minY, b.minY)
            e.maxX = max(e.maxX, b.maxX); e.maxY = max(e.maxY, b.maxY)
        }
        return e
    }

    /// The layer with every geometry transformed into `target` (any CRS definition).
    /// - Throws: `.invalidArgument` when the layer has no CRS, or a vertex cannot be transformed
    ///   (the message names the feature).
    public func transformed(to target: String) throws -> VectorLayer {
        guard !crs.isEmpty else {
            throw GeoIOError(.invalidArgument, path: path, "layer \(name) has no CRS, so it cannot be transformed; give the CRS of its coordinates")
        }
        let from = try SpatialReference(crs), to = try SpatialReference(target)
        if from.isSame(as: to) { return self }
        let t = try CoordinateTransform(from: from, to: to)
        var out = self
        out.crs = to.wkt
        for i in out.features.indices {
            guard let g = out.features[i].geometry else { continue }
            do { out.features[i].geometry = try g.transformed(with: t) } catch let e as GeoIOError {
                let id = out.features[i].id.map(String.init) ?? "#\(i)"
                throw GeoIOError(.invalidArgument, path: path, "feature \(id): \(e.message)")
            }
        }
        return out
    }

    /// The layer in the CRS of `grid` (unchanged when it is already).
    /// - Throws: as `transformed(to:)`.
    public func transformed(toCRSOf grid: Grid) throws -> VectorLayer {
        try transformed(to: grid.crs)
    }
}

/// OGR writes dates as "2013/09/14"; sitscube (and GeoJSON) use ISO 8601: "2013-09-14",
/// "2013-09-14T10:30:00", "10:30:00".
private func isoDate(_ f: OGRFeatureH, _ index: Int32, _ type: OGRFieldType) -> String? {
    var y: Int32 = 0, mo: Int32 = 0, d: Int32 = 0, h: Int32 = 0, mi: Int32 = 0, tz: Int32 = 0
    var sec: Float = 0
    guard OGR_F_GetFieldAsDateTimeEx(f, index, &y, &mo, &d, &h, &mi, &sec, &tz) != 0 else { return nil }
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let date = String(format: "%04d-%@-%@", Int(y), two(mo), two(d))
    let seconds = sec.isFinite ? min(max(sec, 0), 61) : 0
    let time = "\(two(h)):\(two(mi)):" + (seconds.rounded() == seconds ? two(Int32(seconds)) : String(format: "%06.3f", Double(seconds)))
    switch type {
    case OFTDate: return date
    case OFTTime: return time
    default:
        // tz: 0 unknown, 1 local, 100 UTC, 100±4n = offset of n quarter hours.
        var zone = ""
        if tz == 100 { zone = "Z" } else if tz > 1 {
            let minutes = Int(tz - 100) * 15
            zone = String(format: "%@%02d:%02d", minutes < 0 ? "-" : "+", abs(minutes) / 60, abs(minutes) % 60)
        }
        return date + "T" + time + zone
    }
}

/// An OGR dataset opened read-only for the length of one call.
final class VectorDataset {
    let handle: GDALDatasetH
    let path: String

    init(_ path: String, csv: CSVGeometryColumns?) throws {
        GDALEnvironment.ensure()
        if !path.hasPrefix("/vsi"), !FileManager.default.fileExists(atPath: path) {
            throw GeoIOError(.notFound, path: path, "no such file")
        }
        let options = csv?.openOptions ?? []
        let drivers = csv != nil ? ["CSV"] : []
        handle = try withArgumentList(options.map { "\($0.0)=\($0.1)" }) { opts in
            try withArgumentList(drivers) { allowed in
                try check(path, "cannot open as a vector file", kind: .unreadable) {
                    GDALOpenEx(path, sc_open_flags(0, 1, 0), drivers.isEmpty ? nil : constList(allowed), constList(opts), nil)
                }
            }
        }
        self.path = path
    }

    deinit { GDALClose(handle) }
}
