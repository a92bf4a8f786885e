import Foundation
import GeoIO

/// `predict --parcels`: one class per polygon (issue 8 "Parcels"). The model classifies the
/// pixels whose centre lies in a parcel, exactly as on the map (same tiles, halo, border policy
/// and mask), and the parcel takes the majority class (ties go to the lower class index); its
/// probabilities are the mean of its pixels'. Polygons are rasterized tile by tile, so memory
/// stays bounded by the tile; overlapping polygons give a shared pixel to the later one.
struct ParcelPrediction {
    let predictor: Predictor
    let parcels: String

    func run(progress: ((PredictionProgress) -> Void)?) throws -> PredictionSummary {
        let clock = Date()
        let options = predictor.options, legend = predictor.legend, k = predictor.card.classes.count
        let layer = try VectorLayer.read(parcels)
        let shapes = layer.features.enumerated().compactMap { i, f in f.geometry.map { (index: i, geometry: $0) } }
        guard !shapes.isEmpty else { throw PredictionError.invalidOption("\(parcels): no polygons to predict") }
        var votes = [Int](repeating: 0, count: layer.features.count * k)
        var sums = [Double](repeating: 0, count: layer.features.count * k)
        var pixelsOf = [Int](repeating: 0, count: layer.features.count)
        var state = PredictionProgress(tilesTotal: predictor.tiles.count, tilesDone: 0, pixelsPredicted: 0, tilesResumed: 0)
        var probabilities: [Float] = []
        for tile in predictor.tiles {
            let ids = try Rasterizer.rasterize(shapes.map(\.geometry), values: shapes.map { Double($0.index + 1) },
                                               crs: layer.crs.isEmpty ? nil : layer.crs, onto: predictor.grid.subgrid(tile),
                                               background: 0, as: Int32.self)
            if ids.contains(where: { $0 > 0 }) {
                let inMask = try predictor.maskFilter(tile)
                let pixels = try predictor.classify(tile: tile, probabilities: &probabilities) { y, x in
                    let i = y * tile.width + x
                    return ids[i] > 0 && inMask(i)
                }
                for (j, (y, x)) in pixels.enumerated() {
                    let parcel = Int(ids[y * tile.width + x]) - 1
                    var best = 0
                    for q in 0..<k {
                        let p = probabilities[j * k + q]
                        sums[parcel * k + q] += Double(p)
                        if p > probabilities[j * k + best] { best = q }
                    }
                    votes[parcel * k + best] += 1
                    pixelsOf[parcel] += 1
                }
                state.pixelsPredicted += pixels.count
            }
            state.tilesDone += 1
            progress?(state)
        }

        let probabilityFields = legend.names.map { "p_" + $0 }
        let fields = [FieldDefinition("parcel", .integer), FieldDefinition("code", .integer), FieldDefinition("class", .string),
                      FieldDefinition("pixels", .integer)] + probabilityFields.map { FieldDefinition($0, .real) }
        guard Set(fields.map(\.name)).count == fields.count else {
            throw PredictionError.unsupportedModel("class names give repeated field names: \(probabilityFields.joined(separator: ", "))")
        }
        var out: [Feature] = []
        for (i, feature) in layer.features.enumerated() {
            var a: [String: FieldValue] = ["parcel": .int(Int64(feature.id ?? Int64(i))), "pixels": .int(Int64(pixelsOf[i]))]
            if pixelsOf[i] > 0 {
                let row = votes[(i * k)..<((i + 1) * k)]
                let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }.map { $0 - i * k } ?? 0
                a["code"] = .int(Int64(legend.codes[best]))
                a["class"] = .string(legend.names[best])
                for q in 0..<k { a[probabilityFields[q]] = .real((sums[i * k + q] / Double(pixelsOf[i]) * 1e4).rounded() / 1e4) }
            }
            out.append(Feature(id: feature.id, geometry: feature.geometry, attributes: a))
        }
        let format = VectorFormat(path: options.output) ?? .geoPackage
        try AtomicOutput.write(options.output) { tmp in
            try VectorWriter.write(path: tmp, format: format, crs: layer.crs.isEmpty ? predictor.grid.crs : layer.crs,
                                   layerName: "parcels", fields: fields, features: out)
        }
        return PredictionSummary(tiles: predictor.tiles.count, tilesResumed: 0, pixelsPredicted: state.pixelsPredicted,
                                 assembled: true, seconds: Date().timeIntervalSince(clock))
    }
}
