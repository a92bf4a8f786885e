import CGDAL

/// Window reads and writes. GDAL converts between the file's pixel type and the element type
/// asked for, so `[Float]` reads any band as Float32 and `[UInt16]` keeps DNs as they are.
extension Raster {
    /// Reads a window of a band (the whole band when `window` is nil) as `T`.
    public func read<T: RasterScalar>(band index: Int, window: Window? = nil, as _: T.Type = T.self) throws -> [T] {
        let w = window ?? Window(width: width, height: height)
        var values = [T](repeating: T(), count: max(w.pixelCount, 0))
        try read(band: index, window: w, into: &values)
        return values
    }

    /// Reads a window into a caller-owned buffer, resized only when too small (block loops reuse it).
    public func read<T: RasterScalar>(band index: Int, window: Window, into buffer: inout [T]) throws {
        try validate(window, band: index)
        if buffer.count < window.pixelCount { buffer = [T](repeating: T(), count: window.pixelCount) }
        let b = try band(index)
        try buffer.withUnsafeMutableBytes { bytes in
            try checkStatus(path, "reading band \(index), \(window)", kind: .unreadable) {
                GDALRasterIO(b, GF_Read, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                             bytes.baseAddress, Int32(window.width), Int32(window.height), T.rasterType.gdal, 0, 0)
            }
        }
    }

    /// Writes `values` (row-major, `window.pixelCount` of them) into a window of a band.
    public func write<T: RasterScalar>(band index: Int, window: Window? = nil, _ values: [T]) throws {
        try write(band: index, window: window, values[...])
    }

    /// Writes a slice of a larger buffer (one band of a band-sequential block) without copying it.
    public func write<T: RasterScalar>(band index: Int, window: Window? = nil, _ values: ArraySlice<T>) throws {
        let w = window ?? Window(width: width, height: height)
        try validate(w, band: index)
        guard values.count >= w.pixelCount else {
            throw GeoIOError(.invalidArgument, path: path, "writing band \(index), \(w): \(values.count) values for \(w.pixelCount) pixels")
        }
        let b = try band(index)
        try values.withUnsafeBytes { bytes in
            // GF_Write only reads the buffer; GDAL's signature is not const.
            let pointer = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
            try checkStatus(path, "writing band \(index), \(w)", kind: .unwritable) {
                GDALRasterIO(b, GF_Write, Int32(w.col), Int32(w.row), Int32(w.width), Int32(w.height),
                             pointer, Int32(w.width), Int32(w.height), T.rasterType.gdal, 0, 0)
            }
        }
    }

    private func validate(_ window: Window, band index: Int) throws {
        guard !window.isEmpty, Window(width: width, height: height).contains(window) else {
            throw GeoIOError(.invalidArgument, path: path, "band \(index): \(window) is outside the \(width)×\(height) raster")
        }
    }
}
