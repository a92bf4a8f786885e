import CGDAL

/// A coordinate reference system, parsed by GDAL/PROJ from "EPSG:n", WKT, PROJ strings or
/// anything `OSRSetFromUserInput` takes. Axis order is always x/east, y/north (lon/lat).
public final class SpatialReference: @unchecked Sendable {
    let handle: OGRSpatialReferenceH

    /// - Throws: `GeoIOError.invalidArgument` when GDAL cannot make sense of the definition.
    public init(_ definition: String) throws {
        GDALEnvironment.ensure()
        guard let h = OSRNewSpatialReference(nil) else {
            throw GeoIOError(.gdal, path: "", "could not allocate a spatial reference")
        }
        CPLErrorReset()
        if OSRSetFromUserInput(h, definition) != OGRERR_NONE {
            OSRDestroySpatialReference(h)
            let shown = definition.count > 80 ? String(definition.prefix(80)) + "…" : definition
            throw GeoIOError(.invalidArgument, path: "", "not a coordinate reference system: \(shown) (\(lastGDALMessage(or: "unrecognised")))")
        }
        OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER)
        handle = h
    }

    /// Takes a clone of a handle owned by someone else (a dataset or a layer).
    init(cloning other: OGRSpatialReferenceH) {
        handle = OSRClone(other)
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit { OSRDestroySpatialReference(handle) }

    /// WKT2 (2019), the form GDAL writes into GeoTIFFs and our manifests.
    public var wkt: String {
        withArgumentList(["FORMAT=WKT2_2019"]) { options in
            var text: UnsafeMutablePointer<CChar>? = nil
            _ = OSRExportToWktEx(handle, &text, constList(options))
            return takeGDALString(text) ?? ""
        }
    }

    /// The EPSG code when the CRS is (or is identified as) an EPSG one.
    public var epsg: Int? {
        let clone = OSRClone(handle)
        defer { OSRDestroySpatialReference(clone) }
        _ = OSRAutoIdentifyEPSG(clone)
        for target in [Optional<String>.none, "PROJCS", "GEOGCS"] {
            guard let name = OSRGetAuthorityName(clone, target), String(cString: name) == "EPSG",
                  let code = OSRGetAuthorityCode(clone, target) else { continue }
            return Int(String(cString: code))
        }
        return nil
    }

    public var name: String { OSRGetName(handle).map { String(cString: $0) } ?? "unnamed" }
    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }

    /// Whether both describe the same CRS (ignoring naming and data-axis order differences).
    public func isSame(as other: SpatialReference) -> Bool {
        withArgumentList(["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS"]) {
            OSRIsSameEx(handle, other.handle, constList($0)) != 0
        }
    }
}

/// Transforms coordinates between two CRSs (x/y order on both sides).
public final class CoordinateTransform {
    let handle: OGRCoordinateTransformationH
    public let source: SpatialReference
    public let target: SpatialReference

    public init(from source: SpatialReference, to target: SpatialReference) throws {
        self.source = source
        self.target = target
        handle = try check("", "creating a transformation from \(source.name) to \(target.name)") {
            OCTNewCoordinateTransformation(source.handle, target.handle)
        }
    }

    deinit { OCTDestroyCoordinateTransformation(handle) }

    /// Transforms points in place. - Throws: when any point cannot be transformed.
    public func transform(x: inout [Double], y: inout [Double]) throws {
        guard x.count == y.count else {
            throw GeoIOError(.invalidArgument, path: "", "transform: \(x.count) x values but \(y.count) y values")
        }
        var ok = [Int32](repeating: 0, count: x.count)
        let count = Int32(x.count)
        let h = handle
        let all = x.withUnsafeMutableBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                OCTTransformEx(h, count, xs.baseAddress, ys.baseAddress, nil, &ok)
            }
        }
        if all == 0 || ok.contains(0) {
            throw GeoIOError(.invalidArgument, path: "", "coordinates cannot be transformed from \(source.name) to \(target.name)")
        }
    }

    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        var xs = [x], ys = [y]
        try transform(x: &xs, y: &ys)
        return (xs[0], ys[0])
    }
}
