import Foundation
import GeoIO

/// A PNG preview of a class map for reports: the map (shrunk to at most 1024 pixels a side,
/// nearest neighbour) with a legend column of class colour swatches, top to bottom in class
/// order. The class names travel in the PNG's text chunks (GDAL writes the metadata as tEXt).
enum Quicklook {
    static let maxSide = 1024
    static let swatch = 16

    static func write(map path: String, to output: String, legend: ClassLegend) throws {
        let map = try Raster.open(path)
        let step = max(1, (max(map.width, map.height) + maxSide - 1) / maxSide)
        let w = (map.width + step - 1) / step, h = (map.height + step - 1) / step
        let k = legend.codes.count
        let legendWidth = 2 * swatch + 8
        let width = w + legendWidth, height = max(h, k * (swatch + 4) + 4)
        var colorOf: [UInt16: RGBA] = [:]
        for (i, c) in legend.codes.enumerated() { colorOf[c] = legend.colors[i] }
        var rgba = [[UInt8]](repeating: [UInt8](repeating: 255, count: width * height), count: 4)
        // Map rows read one at a time (nearest neighbour every `step` pixels).
        var row: [UInt16] = []
        for y in 0..<h {
            try map.read(band: 1, window: Window(col: 0, row: y * step, width: map.width, height: 1), into: &row)
            for x in 0..<w {
                let c = colorOf[row[x * step]] ?? RGBA(255, 255, 255, 0)
                let i = y * width + x
                rgba[0][i] = c.r; rgba[1][i] = c.g; rgba[2][i] = c.b; rgba[3][i] = c.a
            }
        }
        for (i, c) in legend.colors.enumerated() {
            for y in 0..<swatch {
                for x in 0..<swatch {
                    let p = (4 + i * (swatch + 4) + y) * width + w + 8 + x
                    rgba[0][p] = c.r; rgba[1][p] = c.g; rgba[2][p] = c.b; rgba[3][p] = 255
                }
            }
        }
        let image = try Raster.create("", grid: Grid(crs: "", transform: GeoTransform(originX: 0, pixelWidth: 1, originY: 0, pixelHeight: 1),
                                                      width: width, height: height),
                                      bandCount: 4, type: .byte, driver: "MEM")
        for b in 0..<4 { try image.write(band: b + 1, rgba[b]) }
        image.setMetadata("legend", zip(legend.codes, legend.names).map { "\($0) \($1)" }.joined(separator: "; "))
        for (i, name) in legend.names.enumerated() { image.setMetadata("class_\(i + 1)", "\(legend.codes[i]) \(name)") }
        try AtomicOutput.write(output) { tmp in
            try image.copy(to: tmp, driver: "PNG", options: [("WRITE_METADATA_AS_TEXT", "YES")]).close()
            try? FileManager.default.removeItem(atPath: tmp + ".aux.xml")
        }
    }
}
