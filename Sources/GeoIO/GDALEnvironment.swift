import CGDAL
import Logging

/// One-time GDAL setup: driver registration, and GDAL's own stderr messages routed into the log.
enum GDALEnvironment {
    static let logger = Logger(label: "sitscube.gdal")

    /// Registration happens once, the first time any GeoIO entry point touches GDAL.
    static let registered: Void = {
        GDALAllRegister()
        CPLSetErrorHandler(routeToLog)
        // Tiled writes of 512×512 blocks; a larger cache keeps whole block rows in memory.
        GDALSetCacheMax64(256 * 1024 * 1024)
    }()

    static func ensure() { _ = registered }
}

/// GDAL reports through this instead of printing to stderr. Failures are also recorded as the
/// thread's last error, which `check` turns into a thrown `GeoIOError`, so they log at debug only.
private func routeToLog(_ errorClass: CPLErr, _ number: CPLErrorNum, _ message: UnsafePointer<CChar>?) {
    let text = message.map { String(cString: $0) } ?? ""
    switch errorClass {
    case CE_Warning: GDALEnvironment.logger.warning("\(text)")
    case CE_Debug: GDALEnvironment.logger.trace("\(text)")
    default: GDALEnvironment.logger.debug("GDAL error \(number): \(text)")
    }
}
