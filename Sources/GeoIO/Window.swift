/// A rectangle of pixels: `col`, `row` of the top-left corner, then its size (GDAL's order).
public struct Window: Hashable, Sendable, CustomStringConvertible {
    public var col: Int
    public var row: Int
    public var width: Int
    public var height: Int

    public init(col: Int, row: Int, width: Int, height: Int) {
        self.col = col
        self.row = row
        self.width = width
        self.height = height
    }

    /// The whole of a raster of this size.
    public init(width: Int, height: Int) {
        self.init(col: 0, row: 0, width: width, height: height)
    }

    public var pixelCount: Int { width * height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var colEnd: Int { col + width }
    public var rowEnd: Int { row + height }
    public var description: String { "window(col \(col), row \(row), \(width)×\(height))" }

    /// The overlap of two windows, or nil when they do not overlap.
    public func intersection(_ other: Window) -> Window? {
        let c0 = max(col, other.col), r0 = max(row, other.row)
        let c1 = min(colEnd, other.colEnd), r1 = min(rowEnd, other.rowEnd)
        guard c1 > c0, r1 > r0 else { return nil }
        return Window(col: c0, row: r0, width: c1 - c0, height: r1 - r0)
    }

    /// Whether `other` lies entirely inside this window.
    public func contains(_ other: Window) -> Bool {
        other.col >= col && other.row >= row && other.colEnd <= colEnd && other.rowEnd <= rowEnd
    }

    /// This window grown by `margin` pixels on every side (a halo), not clipped.
    public func padded(by margin: Int) -> Window {
        Window(col: col - margin, row: row - margin, width: width + 2 * margin, height: height + 2 * margin)
    }

    /// Tiles of at most `tileWidth`×`tileHeight` covering this window, row-major, the last
    /// ones in each direction smaller where the size does not divide evenly.
    public func subdivided(tileWidth: Int, tileHeight: Int) -> [Window] {
        guard tileWidth > 0, tileHeight > 0, !isEmpty else { return [] }
        var tiles: [Window] = []
        for r in stride(from: row, to: rowEnd, by: tileHeight) {
            for c in stride(from: col, to: colEnd, by: tileWidth) {
                tiles.append(Window(col: c, row: r, width: min(tileWidth, colEnd - c), height: min(tileHeight, rowEnd - r)))
            }
        }
        return tiles
    }
}
