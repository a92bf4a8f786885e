/// GDAL's affine geotransform: x = x0 + col·dx + row·rx, y = y0 + col·ry + row·dy
/// (for a north-up raster rx = ry = 0 and dy < 0). Pixel (0, 0) is the top-left corner.
public struct GeoTransform: Hashable, Sendable, Codable {
    public var originX: Double
    public var pixelWidth: Double
    public var rowRotation: Double
    public var originY: Double
    public var columnRotation: Double
    public var pixelHeight: Double

    public init(originX: Double, pixelWidth: Double, rowRotation: Double = 0,
                originY: Double, columnRotation: Double = 0, pixelHeight: Double) {
        self.originX = originX
        self.pixelWidth = pixelWidth
        self.rowRotation = rowRotation
        self.originY = originY
        self.columnRotation = columnRotation
        self.pixelHeight = pixelHeight
    }

    /// From GDAL's six coefficients; nil unless there are exactly six.
    public init?(_ coefficients: [Double]) {
        guard coefficients.count == 6 else { return nil }
        self.init(originX: coefficients[0], pixelWidth: coefficients[1], rowRotation: coefficients[2],
                  originY: coefficients[3], columnRotation: coefficients[4], pixelHeight: coefficients[5])
    }

    /// GDAL's order: [x0, dx, rx, y0, ry, dy].
    public var coefficients: [Double] { [originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight] }

    public var isNorthUp: Bool { rowRotation == 0 && columnRotation == 0 }

    /// World coordinates of a (fractional) pixel position; (c + 0.5, r + 0.5) is a pixel centre.
    public func world(col: Double, row: Double) -> (x: Double, y: Double) {
        (originX + col * pixelWidth + row * rowRotation, originY + col * columnRotation + row * pixelHeight)
    }

    /// Fractional pixel position of a world coordinate; floor() of it is the pixel that holds it.
    /// Nil when the transform is singular.
    public func pixel(x: Double, y: Double) -> (col: Double, row: Double)? {
        let det = pixelWidth * pixelHeight - rowRotation * columnRotation
        guard det != 0 else { return nil }
        let dx = x - originX, dy = y - originY
        return ((dx * pixelHeight - dy * rowRotation) / det, (dy * pixelWidth - dx * columnRotation) / det)
    }

    /// The transform of a window's top-left pixel, same resolution.
    public func shifted(by window: Window) -> GeoTransform {
        var t = self
        let origin = world(col: Double(window.col), row: Double(window.row))
        t.originX = origin.x
        t.originY = origin.y
        return t
    }
}
