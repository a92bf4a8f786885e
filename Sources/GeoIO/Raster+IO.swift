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
        if T.rasterType.byteSize != 1, try dataType(band: index) == .int8 {
            // GDAL 3.6 has no signed byte type: RasterIO converts SIGNEDBYTE bands as unsigned
            // (-5 would read as 251), so read the bytes and widen them here.
            var bytes = [Int8](repeating: 0, count: window.pixelCount)
            try read(band: index, window: window, into: &bytes)
            guard let widened = SignedBytes.widen(bytes, to: T.self) else {
                throw GeoIOError(.invalidArgument, path: path, "band \(index) is Int8 and cannot be read as \(T.self)")
            }
            buffer.replaceSubrange(0..<window.pixelCount, with: widened)
            return
        }
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
        if T.rasterType.byteSize != 1, try dataType(band: index) == .int8 {
            // See `read`: GDAL 3.6 would clamp negative values to 0 when converting to a SIGNEDBYTE band.
            guard let narrowed = SignedBytes.narrow(Array(values.prefix(w.pixelCount))) else {
                throw GeoIOError(.invalidArgument, path: path, "band \(index) is Int8 and cannot be written from \(T.self)")
            }
            try write(band: index, window: w, narrowed)
            return
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

/// Conversions for Int8 bands, which GDAL 3.6 stores as Byte with PIXELTYPE=SIGNEDBYTE.
enum SignedBytes {
    static func widen<T>(_ bytes: [Int8], to _: T.Type) -> [T]? {
        switch T.self {
        case is Float.Type: return bytes.map { Float($0) } as? [T]
        case is Double.Type: return bytes.map { Double($0) } as? [T]
        case is Int16.Type: return bytes.map { Int16($0) } as? [T]
        case is Int32.Type: return bytes.map { Int32($0) } as? [T]
        default: return nil  // unsigned types cannot hold negative values
        }
    }

    /// Rounds and clamps to -128…127 (NaN becomes 0), as GDAL does for other integer types.
    static func narrow<T>(_ values: [T]) -> [Int8]? {
        func clamp(_ d: Double) -> Int8 { d.isNaN ? 0 : Int8(max(-128, min(127, d.rounded()))) }
        switch values {
        case let v as [Float]: return v.map { clamp(Double($0)) }
        case let v as [Double]: return v.map(clamp)
        case let v as [Int16]: return v.map { clamp(Double($0)) }
        case let v as [Int32]: return v.map { clamp(Double($0)) }
        case let v as [UInt16]: return v.map { clamp(Double($0)) }
        case let v as [UInt32]: return v.map { clamp(Double($0)) }
        default: return nil
        }
    }
}
