import Foundation
import GeoIO

/// Writes the map (and the optional probability and confidence rasters) from the staged tiles:
/// a cloud-optimized GeoTIFF of class codes with mode overviews, nodata, a colour table and
/// category names, so QGIS shows a legend (issue 8 "The map").
struct MapAssembler {
    let predictor: Predictor
    let store: TileStore

    func write() throws {
        let options = predictor.options, legend = predictor.legend, grid = predictor.grid
        let k = predictor.card.classes.count
        let map = try GeoTIFFWriter(path: options.output, grid: grid, bandCount: 1, type: legend.type, profile: .classMap)
        let percentProfile = GeoTIFFProfile(cloudOptimized: true, overviewResampling: "AVERAGE")
        let probabilities = try options.probabilities.map {
            try GeoTIFFWriter(path: $0, grid: grid, bandCount: k, type: .byte, profile: percentProfile)
        }
        let confidence = try options.confidence.map {
            try GeoTIFFWriter(path: $0, grid: grid, bandCount: 2, type: .byte, profile: percentProfile)
        }
        var codes: [UInt16] = []
        var bytes: [UInt8] = []
        for (index, tile) in predictor.tiles.enumerated() {
            let n = tile.pixelCount
            let data = try store.read(tile: index, bytes: predictor.tileBytes(tile))
            codes = [UInt16](repeating: 0, count: n)
            data.withUnsafeBytes { raw in
                for i in 0..<n { codes[i] = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            }
            if legend.type == .byte {
                bytes = codes.map { UInt8(truncatingIfNeeded: $0) }
                try map.write(band: 1, window: tile, bytes)
            } else {
                try map.write(band: 1, window: tile, codes)
            }
            var offset = 2 * n
            if let probabilities {
                for b in 0..<k {
                    try probabilities.write(band: b + 1, window: tile, [UInt8](data[(offset + b * n)..<(offset + (b + 1) * n)]))
                }
                offset += k * n
            }
            if let confidence {
                for b in 0..<2 {
                    try confidence.write(band: b + 1, window: tile, [UInt8](data[(offset + b * n)..<(offset + (b + 1) * n)]))
                }
            }
        }
        try map.setNoData(Double(legend.noData))
        try map.setColorTable(legend.colorTable)
        try map.setCategoryNames(legend.categoryNames)
        try map.setBandNames(["class"])
        // The file name only: the map's bytes must not depend on the folder the model sits in.
        map.setMetadata("SITSCUBE_MODEL", URL(fileURLWithPath: options.model).lastPathComponent)
        map.setMetadata("SITSCUBE_CLASSES", zip(legend.codes, legend.names).map { "\($0)=\($1)" }.joined(separator: ";"))
        try map.finish()
        if let probabilities {
            try probabilities.setNoData(255)
            try probabilities.setBandNames(legend.names)
            try probabilities.finish()
        }
        if let confidence {
            try confidence.setNoData(255)
            try confidence.setBandNames(["max_probability", "margin"])
            try confidence.finish()
        }
    }
}
