import Foundation
import GeoIO

/// The reference data of the archive, all in the Landsat CRS (EPSG:32622) and, for rasters, on
/// the Landsat 30 m grid: the true land use of 2005 onwards, the 2001–2004 forest loss, a few
/// hundred reference points stratified by class, and parcel polygons with their crops.
struct Labels {
    let landscape: Landscape
    let seed: UInt64

    /// Class and forest loss per Landsat pixel: the majority of its 3×3 cells of 10 m (ties go
    /// to the centre cell), so labels agree with what the mixed 30 m pixel mostly shows.
    func landsatRasters() -> (classes: [UInt8], loss: [UInt8]) {
        let g = landscape.geometry
        let n = g.size, f = g.fineSize
        var classes = [UInt8](repeating: 0, count: n * n)
        var loss = [UInt8](repeating: 0, count: n * n)
        var votes = [Int](repeating: 0, count: 256)
        for r in 0..<n {
            for c in 0..<n {
                var lossVotes = 0
                for k in 0..<votes.count where votes[k] != 0 { votes[k] = 0 }
                for fr in (3 * r)..<(3 * r + 3) {
                    for fc in (3 * c)..<(3 * c + 3) {
                        let p = fr * f + fc
                        let unit = landscape.units[Int(landscape.unit[p])]
                        votes[Int(unit.landClass.rawValue)] += 1
                        if unit.kind != .river, landscape.zones[unit.zone].lossDay != nil { lossVotes += 1 }
                    }
                }
                let centre = landscape.landClass(atFine: (3 * r + 1) * f + 3 * c + 1).rawValue
                var best = centre, bestVotes = votes[Int(centre)]
                for k in 1..<votes.count where votes[k] > bestVotes { best = UInt8(k); bestVotes = votes[k] }
                classes[r * n + c] = best
                loss[r * n + c] = lossVotes >= 5 ? 1 : 0
            }
        }
        return (classes, loss)
    }

    func write(into folder: String) throws -> (points: Int, parcels: Int) {
        let grid = landscape.geometry.landsatGrid
        let (classes, loss) = landsatRasters()

        let classWriter = try GeoTIFFWriter(path: folder + "/classes.tif", grid: grid, bandCount: 1, type: .byte,
                                            profile: RasterFiles.landsatProfile)
        try classWriter.write(band: 1, classes)
        try classWriter.setNoData(0)
        var colors = [RGBA](repeating: RGBA(0, 0, 0, 0), count: Int(LandClass.water.rawValue) + 1)
        var names = [String](repeating: "", count: colors.count)
        names[0] = "nodata"
        for c in LandClass.allCases {
            colors[Int(c.rawValue)] = c.color
            names[Int(c.rawValue)] = c.name
        }
        try classWriter.setColorTable(colors)
        try classWriter.setCategoryNames(names)
        try classWriter.setBandNames(["class"])
        try classWriter.finish()

        let lossWriter = try GeoTIFFWriter(path: folder + "/forest_loss.tif", grid: grid, bandCount: 1, type: .byte,
                                           profile: RasterFiles.landsatProfile)
        try lossWriter.write(band: 1, loss)
        try lossWriter.setColorTable([RGBA(0, 0, 0, 0), RGBA(220, 40, 40)])
        try lossWriter.setCategoryNames(["no forest loss", "forest loss 2001-2004"])
        try lossWriter.setBandNames(["forest_loss"])
        try lossWriter.finish()

        let points = referencePoints(classes: classes, loss: loss)
        try RasterFiles.writeText(Self.geoJSON(features: points, name: "points"), to: folder + "/points.geojson")
        let parcels = parcelFeatures()
        try ParcelOutput.write(features: parcels, folder: folder)
        return (points.count, parcels.count)
    }

    // MARK: Points

    /// Reference points stratified by class: up to ~40 per class on the default area, at pixel
    /// centres whose 3×3 neighbourhood is all one class (so 9×9 patches centred on them are
    /// mostly that class, as in seed 000's patch sampling). For the follow-up land uses, half
    /// are taken inside the forest loss when there is enough of it.
    func referencePoints(classes: [UInt8], loss: [UInt8]) -> [String] {
        let n = landscape.geometry.size
        let perClass = min(200, max(8, Int((40 * Double(n * n) / 65536).rounded())))
        var rng = SplitMix64(seed: seed, stream: 0x504F_494E)  // "POIN"
        var features: [String] = []
        for c in LandClass.allCases {
            var inLoss: [Int] = [], outside: [Int] = []
            for r in 1..<(n - 1) {
                for col in 1..<(n - 1) {
                    let i = r * n + col
                    guard classes[i] == c.rawValue else { continue }
                    var uniform = true
                    for dr in -1...1 { for dc in -1...1 where classes[i + dr * n + dc] != c.rawValue { uniform = false } }
                    guard uniform else { continue }
                    if loss[i] == 1 { inLoss.append(i) } else { outside.append(i) }
                }
            }
            rng.shuffle(&inLoss)
            rng.shuffle(&outside)
            let fromLoss = c.isFollowUpLandUse ? min(inLoss.count, max(perClass / 2, perClass - outside.count)) : 0
            let chosen = (Array(inLoss.prefix(fromLoss)) + Array(outside.prefix(perClass - fromLoss))).sorted()
            for i in chosen {
                let (x, y) = ArchiveGeometry.landsatWorld(east: (Double(i % n) + 0.5) * 30, south: (Double(i / n) + 0.5) * 30)
                let props = "\"id\": \(features.count + 1), \"class\": \(c.code), \"name\": \(JSONText.quote(c.name)), \"forest_loss\": \(loss[i])"
                features.append("{\"type\": \"Feature\", \"properties\": {\(props)}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [\(JSONText.number(x, decimals: 2)), \(JSONText.number(y, decimals: 2))]}}")
            }
        }
        return features
    }

    // MARK: Parcels

    /// Every field, plot, paddock and plantation block that lies whole inside the area and
    /// inside its zone (no river or neighbour cutting through it), as the polygon of its
    /// cropped part (inside the tracks), in EPSG:32622.
    func parcelFeatures() -> [String] {
        let f = landscape.geometry.fineSize
        let extent = landscape.geometry.extent
        var features: [String] = []
        for (index, u) in landscape.units.enumerated() {
            guard let cell = u.cell, let crop = u.crop else { continue }
            let z = landscape.zones[u.zone]
            let u0 = Double(cell.i) * z.cellWidth + u.span.start, u1 = Double(cell.i) * z.cellWidth + u.span.end
            let v0 = Double(cell.j) * z.cellHeight, v1 = v0 + z.cellHeight
            let corners = [(u0, v0), (u1, v0), (u1, v1), (u0, v1)].map { Landscape.localPoint(zone: z, u: $0.0, v: $0.1) }
            guard corners.allSatisfy({ $0.east >= 0 && $0.east <= extent && $0.south >= 0 && $0.south <= extent }) else { continue }
            // Whole: every 10 m cell whose centre lies in the lattice cell belongs to this unit.
            let minE = corners.map(\.east).min() ?? 0, maxE = corners.map(\.east).max() ?? 0
            let minS = corners.map(\.south).min() ?? 0, maxS = corners.map(\.south).max() ?? 0
            var whole = true
            var cells = 0
            rows: for r in max(0, Int(minS / 10))...min(f - 1, Int(maxS / 10)) {
                for c in max(0, Int(minE / 10))...min(f - 1, Int(maxE / 10)) {
                    let (cc, local, _) = Landscape.latticeCell(zone: z, east: (Double(c) + 0.5) * 10, south: (Double(r) + 0.5) * 10)
                    guard cc.i == cell.i, cc.j == cell.j,
                          local.x >= u.span.start, local.x < u.span.end else { continue }
                    cells += 1
                    if landscape.unit[r * f + c] != Int32(index) { whole = false; break rows }
                }
            }
            guard whole, cells >= 4 else { continue }
            let m = z.roadWidth / 2
            let ring = [(u0 + m, v0 + m), (u1 - m, v0 + m), (u1 - m, v1 - m), (u0 + m, v1 - m), (u0 + m, v0 + m)]
                .map { Landscape.localPoint(zone: z, u: $0.0, v: $0.1) }
                .map { ArchiveGeometry.landsatWorld(east: $0.east, south: $0.south) }
                .map { "[\(JSONText.number($0.x, decimals: 2)), \(JSONText.number($0.y, decimals: 2))]" }
                .joined(separator: ", ")
            let props = "\"id\": \(features.count + 1), \"crop\": \(crop.code), \"name\": \(JSONText.quote(crop.name)), \"class\": \(u.landClass.code)"
            features.append("{\"type\": \"Feature\", \"properties\": {\(props)}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[\(ring)]]}}")
        }
        return features
    }

    /// A GeoJSON FeatureCollection in EPSG:32622, one feature per line. The `crs` member is
    /// the GeoJSON 2008 form GDAL and QGIS read; RFC 7946 readers assume lon/lat, so it matters.
    static func geoJSON(features: [String], name: String) -> String {
        "{\n\"type\": \"FeatureCollection\",\n\"name\": \(JSONText.quote(name)),\n"
            + "\"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::\(ArchiveGeometry.landsatEPSG)\"}},\n"
            + "\"features\": [\n" + features.joined(separator: ",\n") + "\n]\n}\n"
    }
}

/// Where the parcels go. GeoIO has no vector writer yet, so for now they are written as
/// GeoJSON (`labels/parcels.geojson`); once GeoIO can write a GeoPackage this is the one place
/// to switch to `labels/parcels.gpkg`.
enum ParcelOutput {
    static let fileName = "parcels.gpkg"
    static let geoJSONName = "parcels.geojson"

    /// Writes the parcels as GeoJSON and, read back through GDAL, as the GeoPackage the
    /// parcel studies (seed 003) start from.
    static func write(features: [String], folder: String) throws {
        let geoJSON = folder + "/" + geoJSONName
        try RasterFiles.writeText(Labels.geoJSON(features: features, name: "parcels"), to: geoJSON)
        let layer = try VectorLayer.read(geoJSON)
        try VectorWriter.write(path: folder + "/" + fileName, format: .geoPackage, crs: layer.crs, layerName: "parcels",
                               fields: [FieldDefinition("id", .integer), FieldDefinition("crop", .integer),
                                        FieldDefinition("name", .string), FieldDefinition("class", .integer)],
                               features: layer.features.map { Feature(geometry: $0.geometry, attributes: $0.attributes) })
    }
}
