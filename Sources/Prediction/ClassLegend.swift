import GeoIO
import Models

/// How class indices become map values: the codes, a nodata value no class uses, the pixel
/// type (UInt8, or UInt16 when the codes need it), the colour table and the category names.
struct ClassLegend {
    /// Map value of each output index.
    let codes: [UInt16]
    let names: [String]
    let noData: UInt16
    let type: RasterDataType
    let colors: [RGBA]

    init(card: ModelCard) throws {
        let byIndex = card.classes.sorted { $0.index < $1.index }
        for c in byIndex where c.code < 0 || c.code > 65_534 {
            throw PredictionError.unsupportedModel("class '\(c.name)' has code \(c.code); map codes must lie in 0…65534")
        }
        let used = Set(byIndex.map(\.code))
        guard used.count == byIndex.count else { throw PredictionError.unsupportedModel("the model's class table repeats a code") }
        codes = byIndex.map { UInt16($0.code) }
        names = byIndex.map(\.name)
        let fitsByte = used.allSatisfy { $0 <= 255 } && used.count < 256
        if fitsByte {
            type = .byte
            noData = used.contains(255) ? UInt16((0...255).first { !used.contains($0) } ?? 0) : 255
        } else {
            type = .uint16
            noData = used.contains(65_535) ? UInt16((0...65_535).first { !used.contains($0) } ?? 0) : 65_535
        }
        colors = byIndex.enumerated().map { i, c in
            if let rgb = c.color, rgb.count >= 3 {
                return RGBA(UInt8(clamping: rgb[0]), UInt8(clamping: rgb[1]), UInt8(clamping: rgb[2]))
            }
            return ClassLegend.palette[i % ClassLegend.palette.count]
        }
    }

    /// The colour table indexed by map value up to the largest code or nodata; nodata is transparent.
    var colorTable: [RGBA] {
        let top = Int(max(codes.max() ?? 0, noData == 65_535 || noData == 255 ? 0 : noData))
        var table = [RGBA](repeating: RGBA(0, 0, 0, 0), count: top + 1)
        for (i, code) in codes.enumerated() { table[Int(code)] = colors[i] }
        return table
    }

    /// Category names indexed by map value ("" for unused values).
    var categoryNames: [String] {
        let top = Int(codes.max() ?? 0)
        var table = [String](repeating: "", count: top + 1)
        for (i, code) in codes.enumerated() { table[Int(code)] = names[i] }
        return table
    }

    /// A qualitative palette (Tableau 20) for classes without a colour in the model.
    static let palette: [RGBA] = [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
        (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207), (174, 199, 232), (255, 187, 120),
        (152, 223, 138), (255, 152, 150), (197, 176, 213), (196, 156, 148), (247, 182, 210), (199, 199, 199),
        (219, 219, 141), (158, 218, 229),
    ].map { RGBA(UInt8($0.0), UInt8($0.1), UInt8($0.2)) }
}
