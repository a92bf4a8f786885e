import CGDAL
import Foundation

/// The vector formats sitscube writes.
public enum VectorFormat: String, Sendable, CaseIterable {
    case geoPackage = "GPKG"
    case geoJSON = "GeoJSON"

    /// The format a file name implies (`.gpkg`, `.geojson`/`.json`), or nil.
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "gpkg": self = .geoPackage
        case "geojson", "json": self = .geoJSON
        default: return nil
        }
    }
}

/// Writes one layer of features to a new GeoPackage or GeoJSON file, under a temporary name that
/// is renamed when complete (a failed write leaves no file at `path`, and an older file there is
/// kept until the new one is whole).
public enum VectorWriter {
    /// Writes `features` as layer `layerName` of a new file at `path`.
    ///
    /// - Parameters:
    ///   - crs: the CRS of the coordinates ("EPSG:32633", WKT …).
    ///   - fields: the attribute columns, in order; every key of every feature's attributes must be one.
    ///   - features: geometries (points, lines, polygons, multi-, mixed) and attributes; `.null`
    ///     or missing attributes are written as null, feature ids (when set) as the fid.
    /// - Throws: `.invalidArgument` for an unknown CRS, an attribute that is not a field, or a value
    ///   of the wrong type; `.unwritable` when the folder is not writable or GDAL fails.
    public static func write(path: String, format: VectorFormat, crs: String, layerName: String,
                             fields: [FieldDefinition], features: [Feature]) throws {
        GDALEnvironment.ensure()
        let srs = try SpatialReference(crs)
        let names = Set(fields.map(\.name))
        guard names.count == fields.count else {
            throw GeoIOError(.invalidArgument, path: path, "field names repeat: \(fields.map(\.name).joined(separator: ", "))")
        }
        for (i, f) in features.enumerated() {
            if let unknown = f.attributes.keys.sorted().first(where: { !names.contains($0) }) {
                throw GeoIOError(.invalidArgument, path: path,
                                 "feature #\(i) has attribute \"\(unknown)\", which is not among the fields: \(fields.map(\.name).joined(separator: ", "))")
            }
        }
        // One geometry type for the layer when all features agree, else "any geometry".
        let kinds = Set(features.compactMap { $0.geometry?.ogrType.rawValue })
        let layerType = kinds.count == 1 ? OGRwkbGeometryType(kinds.first ?? 0) : wkbUnknown

        // The GPKG driver warns unless the name ends in .gpkg, so the temporary name keeps the extension.
        try AtomicOutput.prepareFolder(of: path)
        let tmp = AtomicOutput.temporaryPath(for: path) + (format == .geoPackage ? ".gpkg" : ".geojson")
        let leftovers = ["", "-journal", "-wal", "-shm"].map { tmp + $0 }
        leftovers.forEach { try? FileManager.default.removeItem(atPath: $0) }
        // GeoPackages record the time of writing; a fixed one keeps the same inputs giving the same bytes.
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        do {
            try writeLayer(to: tmp, path: path, format: format, srs: srs, layerName: layerName, layerType: layerType,
                           fields: fields, features: features)
            try AtomicOutput.commit(tmp, to: path)
        } catch {
            leftovers.forEach { try? FileManager.default.removeItem(atPath: $0) }
            throw error
        }
    }

    private static func writeLayer(to tmp: String, path: String, format: VectorFormat, srs: SpatialReference, layerName: String,
                                   layerType: OGRwkbGeometryType, fields: [FieldDefinition], features: [Feature]) throws {
        let driver = try check(path, "no GDAL driver named \(format.rawValue)") { GDALGetDriverByName(format.rawValue) }
        let ds = try check(path, "cannot create", kind: .unwritable) { GDALCreate(driver, tmp, 0, 0, 0, GDT_Unknown, nil) }
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        let layer = try check(path, "cannot create layer \(layerName)", kind: .unwritable) {
            GDALDatasetCreateLayer(ds, layerName, srs.handle, layerType, nil)
        }
        for field in fields {
            guard let fd = OGR_Fld_Create(field.name, field.type.ogr) else {
                throw GeoIOError(.unwritable, path: path, "cannot define field \(field.name)")
            }
            defer { OGR_Fld_Destroy(fd) }
            try checkOGR(path, "creating field \(field.name)") { OGR_L_CreateField(layer, fd, 1) }
        }
        guard let defn = OGR_L_GetLayerDefn(layer) else { throw GeoIOError(.unwritable, path: path, "layer \(layerName) has no definition") }
        let indices = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, OGR_FD_GetFieldIndex(defn, $0.name)) })
        // One transaction: GeoPackage inserts are otherwise one SQLite commit each.
        let transaction = GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE
        for (i, feature) in features.enumerated() {
            guard let f = OGR_F_Create(defn) else { throw GeoIOError(.unwritable, path: path, "cannot create feature #\(i)") }
            defer { OGR_F_Destroy(f) }
            if let id = feature.id { OGR_F_SetFID(f, id) }
            for field in fields {
                guard let index = indices[field.name], index >= 0 else { continue }
                switch (field.type, feature[field.name]) {
                case (_, .null): OGR_F_SetFieldNull(f, index)
                case (.integer, .int(let v)): OGR_F_SetFieldInteger64(f, index, v)
                case (.real, let v) where v.doubleValue != nil: OGR_F_SetFieldDouble(f, index, v.doubleValue ?? 0)
                case (.string, let v): OGR_F_SetFieldString(f, index, v.stringValue ?? "")
                case (.integer, .real(let v)) where v.rounded() == v && abs(v) < 9.2e18: OGR_F_SetFieldInteger64(f, index, Int64(v))
                case (let type, let v):
                    throw GeoIOError(.invalidArgument, path: path, "feature #\(i): field \(field.name) is \(type.rawValue), but the value is \"\(v)\"")
                }
            }
            if let g = feature.geometry { OGR_F_SetGeometryDirectly(f, try g.ogrGeometry()) }
            try checkOGR(path, "writing feature #\(i)") { OGR_L_CreateFeature(layer, f) }
        }
        if transaction { try checkOGR(path, "committing features") { GDALDatasetCommitTransaction(ds) } }
        closed = true
        CPLErrorReset()
        GDALClose(ds)
        if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue {
            throw GeoIOError(.unwritable, path: path, "closing: \(lastGDALMessage(or: "failed"))")
        }
    }
}

/// Runs an OGR call returning OGRErr; anything but OGRERR_NONE throws.
func checkOGR(_ path: String, _ doing: String, kind: GeoIOError.Kind = .unwritable, _ call: () -> OGRErr) throws {
    CPLErrorReset()
    let err = call()
    if err != OGRERR_NONE {
        throw GeoIOError(kind, path: path, "\(doing): \(lastGDALMessage(or: "OGR error \(err)"))")
    }
}

extension FieldType {
    var ogr: OGRFieldType {
        switch self {
        case .integer: return OFTInteger64
        case .real: return OFTReal
        case .string: return OFTString
        }
    }
}
