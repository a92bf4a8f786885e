import Foundation
import GeoIO

/// Small helpers for writing single-band rasters and text atomically.
enum RasterFiles {
    /// Landsat Collection 2 files are tiled and DEFLATE-compressed; 256 px tiles suit small clips.
    static let landsatProfile = GeoTIFFProfile(tileSize: 256)
    /// earth-search's per-band Cloud Optimized GeoTIFFs.
    static let cogProfile = GeoTIFFProfile(tileSize: 512, cloudOptimized: true)

    /// Writes one band through `GeoTIFFWriter` (temporary name, renamed when complete).
    static func writeGeoTIFF<T: RasterScalar>(_ path: String, grid: Grid, values: [T], noData: Double?,
                                              profile: GeoTIFFProfile = landsatProfile) throws {
        let writer = try GeoTIFFWriter(path: path, grid: grid, bandCount: 1, type: T.rasterType, profile: profile)
        try writer.write(band: 1, values)
        if let noData { try writer.setNoData(noData) }
        try writer.finish()
    }

    /// Writes one band as lossless JPEG 2000, as the `.SAFE` layout ships its bands: an
    /// in-memory raster copied through the JP2OpenJPEG driver under a temporary name. CODEC=JP2
    /// is needed because the driver picks a bare J2K codestream, without the GeoJP2/GMLJP2
    /// georeferencing boxes, for a name not ending in .jp2.
    static func writeJPEG2000<T: RasterScalar>(_ path: String, grid: Grid, values: [T]) throws {
        let memory = try Raster.create("", grid: grid, bandCount: 1, type: T.rasterType, driver: "MEM")
        try memory.write(band: 1, values)
        try AtomicOutput.write(path) { tmp in
            let copy = try memory.copy(to: tmp, driver: "JP2OpenJPEG",
                                       options: [("CODEC", "JP2"), ("QUALITY", "100"), ("REVERSIBLE", "YES"), ("YCBCR420", "NO")])
            try copy.close()
            // GDAL may leave PAM side files beside the temporary name; they would not match the final one.
            try? FileManager.default.removeItem(atPath: tmp + ".aux.xml")
        }
    }

    static func writeText(_ text: String, to path: String) throws {
        try AtomicOutput.write(Data(text.utf8), to: path)
    }
}
