import CGDAL

/// Every failure of GeoIO: what was being done, to which file, and GDAL's own message.
public struct GeoIOError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case notFound, unreadable, unwritable, invalidArgument, gdal
    }

    public let kind: Kind
    public let path: String
    public let message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// The last GDAL error on this thread, or a fallback text when GDAL recorded none.
func lastGDALMessage(or fallback: String) -> String {
    guard CPLGetLastErrorType().rawValue >= CE_Failure.rawValue,
          let cText = CPLGetLastErrorMsg(), cText.pointee != 0
    else { return fallback }
    return String(cString: cText)
}

/// Runs a GDAL call that returns a handle; nil (or a failure recorded by GDAL) throws.
func check<T>(_ path: String, _ doing: String, kind: GeoIOError.Kind = .gdal, _ call: () -> T?) throws -> T {
    GDALEnvironment.ensure()
    CPLErrorReset()
    guard let value = call() else {
        throw GeoIOError(kind, path: path, "\(doing): \(lastGDALMessage(or: "GDAL returned no result"))")
    }
    return value
}

/// Runs a GDAL call that returns CPLErr or OGRErr-style status; anything but success throws.
func checkStatus(_ path: String, _ doing: String, kind: GeoIOError.Kind = .gdal, _ call: () -> CPLErr) throws {
    GDALEnvironment.ensure()
    CPLErrorReset()
    let status = call()
    if status.rawValue >= CE_Failure.rawValue {
        throw GeoIOError(kind, path: path, "\(doing): \(lastGDALMessage(or: "failed"))")
    }
}

/// Converts a Swift dictionary into a GDAL string list (`KEY=VALUE`), freed after `body`.
func withStringList<R>(_ pairs: [(String, String)], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
    var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
    for (key, value) in pairs { list = CSLSetNameValue(list, key, value) }
    defer { CSLDestroy(list) }
    return try body(list)
}

/// Converts plain arguments (`["-of", "GTiff"]`) into a GDAL string list, freed after `body`.
func withArgumentList<R>(_ arguments: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
    var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
    for argument in arguments { list = CSLAddString(list, argument) }
    defer { CSLDestroy(list) }
    return try body(list)
}

/// Reads and frees a string GDAL allocated.
func takeGDALString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    defer { VSIFree(pointer) }
    return String(cString: pointer)
}

/// GDAL takes some string lists as `const char* const*`; same memory, other pointer type.
func constList(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafePointer<UnsafePointer<CChar>?>? {
    list.map { UnsafePointer(OpaquePointer($0)) }
}
