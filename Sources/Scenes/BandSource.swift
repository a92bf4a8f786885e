import GeoIO

/// One file read onto the target grid: straight window reads when the file's grid is aligned
/// with the target (same CRS, resolution and pixel edges — the common Landsat case), GDAL's
/// warper otherwise (another CRS or resolution, Sentinel-2 20 m bands onto 10 m).
/// Pixels of the target outside the file read as `outside`.
final class BandSource {
    private let path: String
    private let direct: (raster: Raster, offset: Window)?
    private let warped: WarpedRaster?
    private let outside: Float

    /// - Parameters:
    ///   - resampling: used only when warping; QA layers must pass `.nearest`.
    ///   - sourceNoData: the DN the warper must not blend in (fill).
    init(path: String, grid: Grid, resampling: Resampling, sourceNoData: Double?, outside: Float) throws {
        self.path = path
        self.outside = outside
        let raster = try Raster.open(path)
        let fileGrid = raster.grid
        if try fileGrid.hasSameCRS(as: grid), let offset = fileGrid.window(of: grid) {
            direct = (raster, offset)
            warped = nil
        } else {
            direct = nil
            let options = WarpOptions(resampling: resampling, sourceNoData: sourceNoData,
                                      targetNoData: Double(outside), outputType: .float32)
            warped = try WarpedRaster(raster, grid: grid, options: options)
        }
    }

    /// Reads a target-grid window into `buffer` (`window.pixelCount` values, row-major).
    func read(_ window: Window, into buffer: inout [Float], scratch: inout [Float]) throws {
        if buffer.count < window.pixelCount { buffer = [Float](repeating: 0, count: window.pixelCount) }
        if let warped {
            try warped.read(band: 1, window: window, into: &buffer)
            return
        }
        guard let (raster, offset) = direct else { return }
        let inFile = Window(col: window.col + offset.col, row: window.row + offset.row, width: window.width, height: window.height)
        guard let part = inFile.intersection(Window(width: raster.width, height: raster.height)) else {
            for i in 0..<window.pixelCount { buffer[i] = outside }
            return
        }
        if part == inFile {
            try raster.read(band: 1, window: part, into: &buffer)
            return
        }
        // The window hangs over the file's edge: read the overlap, place it, fill the rest.
        try raster.read(band: 1, window: part, into: &scratch)
        for i in 0..<window.pixelCount { buffer[i] = outside }
        let dc = part.col - inFile.col, dr = part.row - inFile.row
        for r in 0..<part.height {
            for c in 0..<part.width {
                buffer[(r + dr) * window.width + c + dc] = scratch[r * part.width + c]
            }
        }
    }
}
