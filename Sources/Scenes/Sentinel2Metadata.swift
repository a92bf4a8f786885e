import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What sitscube needs from a Sentinel-2 L2A product's metadata, whichever file it came from.
struct Sentinel2Metadata {
    var id: String?
    var date: CalendarDate?
    var platform: Platform?
    var cloudCover: Double?
    var processingBaseline: String?
    var tile: String?
    var quantification: Double = 10000
    /// BOA_ADD_OFFSET per band ("B02" → −1000) when the metadata states it.
    var offsets: [String: Double] = [:]
    /// earth-search items say when the offset has already been applied to the DNs.
    var offsetAlreadyApplied = false

    /// The DN offset of a band: stated in the metadata, else decided by processing baseline
    /// (≥ 04.00 ⇒ −1000), not by date, because reprocessed old acquisitions carry it too.
    func offset(for band: String) -> Double {
        if offsetAlreadyApplied { return 0 }
        if let stated = offsets[band] { return stated }
        if let baseline = processingBaseline, let value = Double(baseline), value >= 4.0 { return -1000 }
        return 0
    }

    /// From a STAC item JSON (earth-search layout).
    static func stacItem(at path: String) throws -> Sentinel2Metadata {
        guard let data = FileManager.default.contents(atPath: path),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw SceneError.badMetadata(path: path, "not a JSON object") }
        guard let properties = root["properties"] as? [String: Any] else {
            throw SceneError.badMetadata(path: path, "the item has no 'properties'")
        }
        var m = Sentinel2Metadata()
        m.id = root["id"] as? String
        if let datetime = properties["datetime"] as? String {
            guard let date = CalendarDate(datetime) else {
                throw SceneError.badMetadata(path: path, "'datetime' \(datetime) is not an ISO 8601 date")
            }
            m.date = date
        }
        m.platform = (properties["platform"] as? String).flatMap(Platform.init(loose:))
        m.cloudCover = number(properties["eo:cloud_cover"])
        m.processingBaseline = properties["s2:processing_baseline"] as? String
        if let code = properties["grid:code"] as? String, code.hasPrefix("MGRS-") {
            m.tile = String(code.dropFirst(5))
        } else if let zone = number(properties["mgrs:utm_zone"]).flatMap({ Int(exactly: $0) }), (1...60).contains(zone), let band = properties["mgrs:latitude_band"] as? String,
                  let square = properties["mgrs:grid_square"] as? String {
            m.tile = String(format: "%02d", zone) + band + square
        }
        m.offsetAlreadyApplied = (properties["earthsearch:boa_offset_applied"] as? Bool) ?? false
        return m
    }

    /// From a SAFE product's `MTD_MSIL2A.xml`.
    static func productMetadata(at path: String) throws -> Sentinel2Metadata {
        guard let parser = XMLParser(contentsOf: URL(fileURLWithPath: path)) else {
            throw SceneError.badMetadata(path: path, "cannot read MTD_MSIL2A.xml")
        }
        let collector = XMLCollector(wanted: ["PRODUCT_START_TIME", "PROCESSING_BASELINE", "SPACECRAFT_NAME", "PRODUCT_URI",
                                              "Cloud_Coverage_Assessment", "CLOUDY_PIXEL_PERCENTAGE",
                                              "BOA_QUANTIFICATION_VALUE", "BOA_ADD_OFFSET"])
        parser.delegate = collector
        guard parser.parse() else {
            throw SceneError.badMetadata(path: path, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "parse error")")
        }
        var m = Sentinel2Metadata()
        let v = collector.values
        if let start = v["PRODUCT_START_TIME"]?.first?.text {
            guard let date = CalendarDate(start) else {
                throw SceneError.badMetadata(path: path, "PRODUCT_START_TIME \(start) is not an ISO 8601 date")
            }
            m.date = date
        }
        m.processingBaseline = v["PROCESSING_BASELINE"]?.first?.text
        m.platform = v["SPACECRAFT_NAME"]?.first.flatMap { Platform(loose: $0.text) }
        m.cloudCover = (v["Cloud_Coverage_Assessment"] ?? v["CLOUDY_PIXEL_PERCENTAGE"])?.first.flatMap { Double($0.text) }
        if let q = v["BOA_QUANTIFICATION_VALUE"]?.first.flatMap({ Double($0.text) }), q > 0 { m.quantification = q }
        for entry in v["BOA_ADD_OFFSET"] ?? [] {
            guard let id = entry.attributes["band_id"].flatMap(Int.init), id >= 0, id < BandMap.msiBandIDs.count,
                  let value = Double(entry.text) else { continue }
            m.offsets[BandMap.msiBandIDs[id]] = value
        }
        m.id = v["PRODUCT_URI"]?.first?.text.replacingOccurrences(of: ".SAFE", with: "")
        return m
    }

    private static func number(_ any: Any?) -> Double? {
        if let d = any as? Double { return d }
        if let n = any as? NSNumber { return n.doubleValue }
        if let s = any as? String { return Double(s) }
        return nil
    }
}

/// Collects the text and attributes of the XML elements named in `wanted`.
private final class XMLCollector: NSObject, XMLParserDelegate {
    struct Element { var text: String; var attributes: [String: String] }
    let wanted: Set<String>
    var values: [String: [Element]] = [:]
    private var current: (name: String, element: Element)?

    init(wanted: Set<String>) { self.wanted = wanted }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        current = wanted.contains(name) ? (name, Element(text: "", attributes: attributes)) : nil
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current?.element.text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard var c = current, c.name == name else { return }
        c.element.text = c.element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        values[name, default: []].append(c.element)
        current = nil
    }
}
