/// What counts as unusable in a scene's quality layer.
public struct MaskOptions: Sendable, Hashable {
    /// Mask snow and ice (Landsat bit 5, Sentinel-2 SCL 11).
    public var maskSnow = false
    /// Mask dark areas and topographic shadow (Sentinel-2 SCL 2).
    public var maskDarkArea = false
    /// Also mask Landsat pixels whose cloud confidence (bits 8–9) reaches this level (1 low, 2 medium, 3 high).
    public var cloudConfidence: Int?
    /// Also mask Landsat pixels whose cirrus confidence (bits 14–15) reaches this level.
    public var cirrusConfidence: Int?
    /// Mask pixels flagged saturated in any band by Landsat's QA_RADSAT.
    public var maskSaturated = false
    /// Grow clouds and shadows by this many pixels (a disk), as FORCE and Fmask users do.
    public var bufferPixels = 0

    public init() {}
}

/// Landsat Collection 2 QA_PIXEL, decoded bit by bit (USGS Landsat 8-9 C2 L2 Science Product
/// Guide, table 6-3): 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud shadow, 5 snow,
/// 6 clear, 7 water; 8–9 cloud, 10–11 shadow, 12–13 snow, 14–15 cirrus confidence.
/// The clear bit is never trusted alone: 23888 is a shadow that also has it set.
public enum LandsatQA {
    public static let fill: UInt16 = 1 << 0
    public static let dilatedCloud: UInt16 = 1 << 1
    public static let cirrus: UInt16 = 1 << 2
    public static let cloud: UInt16 = 1 << 3
    public static let shadow: UInt16 = 1 << 4
    public static let snow: UInt16 = 1 << 5
    public static let clear: UInt16 = 1 << 6
    public static let water: UInt16 = 1 << 7

    public static func cloudConfidence(_ qa: UInt16) -> Int { Int((qa >> 8) & 3) }
    public static func shadowConfidence(_ qa: UInt16) -> Int { Int((qa >> 10) & 3) }
    public static func snowConfidence(_ qa: UInt16) -> Int { Int((qa >> 12) & 3) }
    public static func cirrusConfidence(_ qa: UInt16) -> Int { Int((qa >> 14) & 3) }

    /// Fill: never usable, and never buffered.
    public static func isFill(_ qa: UInt16) -> Bool { qa & fill != 0 }

    /// Cloud, dilated cloud, cirrus or shadow, plus the optional confidence thresholds:
    /// the part of the mask that a buffer grows.
    public static func isCloudOrShadow(_ qa: UInt16, _ options: MaskOptions) -> Bool {
        if qa & (dilatedCloud | cirrus | cloud | shadow) != 0 { return true }
        if let level = options.cloudConfidence, cloudConfidence(qa) >= level { return true }
        if let level = options.cirrusConfidence, cirrusConfidence(qa) >= level { return true }
        return false
    }

    public static func isMasked(_ qa: UInt16, _ options: MaskOptions) -> Bool {
        isFill(qa) || isCloudOrShadow(qa, options) || (options.maskSnow && qa & snow != 0)
    }
}

/// Sentinel-2 L2A scene classification (SCL): 0 no data, 1 saturated or defective, 2 dark
/// area / topographic shadow, 3 cloud shadow, 4 vegetation, 5 bare soil, 6 water,
/// 7 unclassified, 8 cloud medium probability, 9 cloud high probability, 10 thin cirrus,
/// 11 snow or ice.
public enum SceneClassification {
    public static func isFill(_ scl: UInt16) -> Bool { scl == 0 || scl == 1 }
    public static func isCloudOrShadow(_ scl: UInt16, _ options: MaskOptions) -> Bool {
        scl == 3 || scl == 8 || scl == 9 || scl == 10
    }
    public static func isMasked(_ scl: UInt16, _ options: MaskOptions) -> Bool {
        if isFill(scl) || isCloudOrShadow(scl, options) || scl > 11 { return true }
        return (options.maskSnow && scl == 11) || (options.maskDarkArea && scl == 2)
    }
}

extension QualityFile.Kind {
    func isFill(_ v: UInt16) -> Bool {
        self == .landsatQAPixel ? LandsatQA.isFill(v) : SceneClassification.isFill(v)
    }
    func isCloudOrShadow(_ v: UInt16, _ o: MaskOptions) -> Bool {
        self == .landsatQAPixel ? LandsatQA.isCloudOrShadow(v, o) : SceneClassification.isCloudOrShadow(v, o)
    }
    func isMasked(_ v: UInt16, _ o: MaskOptions) -> Bool {
        self == .landsatQAPixel ? LandsatQA.isMasked(v, o) : SceneClassification.isMasked(v, o)
    }
}
