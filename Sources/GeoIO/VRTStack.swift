import Foundation

/// Writes a VRT that stacks bands of several files into one dataset (GDAL's `gdalbuildvrt
/// -separate` takes only one band per file). Used for `cube.vrt`, so that GIS viewers open a
/// whole cube at once.
public enum VRTStack {
    public struct Source: Sendable {
        /// Path relative to the VRT's folder.
        public var file: String
        public var band: Int
        public var description: String
        public init(file: String, band: Int, description: String) {
            self.file = file
            self.band = band
            self.description = description
        }
    }

    /// - Throws: `GeoIOError.unwritable` when the file cannot be written.
    public static func write(to path: String, grid: Grid, type: RasterDataType, noData: Double?, sources: [Source]) throws {
        var xml = "<VRTDataset rasterXSize=\"\(grid.width)\" rasterYSize=\"\(grid.height)\">\n"
        if !grid.crs.isEmpty {
            xml += "  <SRS dataAxisToSRSAxisMapping=\"1,2\">\(escape(try SpatialReference(grid.crs).wkt))</SRS>\n"
        }
        xml += "  <GeoTransform>\(grid.transform.coefficients.map { String(format: "%.17g", $0) }.joined(separator: ", "))</GeoTransform>\n"
        for (i, s) in sources.enumerated() {
            xml += "  <VRTRasterBand dataType=\"\(type.rawValue)\" band=\"\(i + 1)\">\n"
            xml += "    <Description>\(escape(s.description))</Description>\n"
            if let noData { xml += "    <NoDataValue>\(noData.isNaN ? "nan" : String(noData))</NoDataValue>\n" }
            xml += "    <SimpleSource>\n"
            xml += "      <SourceFilename relativeToVRT=\"1\">\(escape(s.file))</SourceFilename>\n"
            xml += "      <SourceBand>\(s.band)</SourceBand>\n"
            xml += "    </SimpleSource>\n"
            xml += "  </VRTRasterBand>\n"
        }
        xml += "</VRTDataset>\n"
        try AtomicOutput.write(Data(xml.utf8), to: path)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
