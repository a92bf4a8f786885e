import GeoIO

/// The land classes of the sample landscape. Codes 2–7 are the six follow-up land uses after
/// tropical deforestation of the FLU study (seed 000, §2.1.1 and Table 1): large- and
/// small-scale cropland, pasture, mining, tree crops and other land with tree cover. Forest is
/// the state before the loss; water is the river and nothing else. Code 0 is nodata in
/// `labels/classes.tif`.
public enum LandClass: UInt8, CaseIterable, Sendable {
    case forest = 1
    case largeCropland = 2
    case smallCropland = 3
    case pasture = 4
    case mining = 5
    case treeCrops = 6
    case otherTreeCover = 7
    case water = 8

    public var code: Int { Int(rawValue) }

    public var name: String {
        switch self {
        case .forest: return "forest"
        case .largeCropland: return "large-scale cropland"
        case .smallCropland: return "small-scale cropland"
        case .pasture: return "pasture"
        case .mining: return "mining"
        case .treeCrops: return "tree crops"
        case .otherTreeCover: return "other land with tree cover"
        case .water: return "water"
        }
    }

    /// One of the six FLU classes, the land uses a cleared forest turns into.
    public var isFollowUpLandUse: Bool { (2...7).contains(rawValue) }

    /// Legend colours in the spirit of common land-cover palettes.
    var color: RGBA {
        switch self {
        case .forest: return RGBA(28, 94, 32)
        case .largeCropland: return RGBA(240, 200, 70)
        case .smallCropland: return RGBA(220, 130, 60)
        case .pasture: return RGBA(170, 215, 110)
        case .mining: return RGBA(150, 60, 120)
        case .treeCrops: return RGBA(90, 160, 60)
        case .otherTreeCover: return RGBA(120, 150, 90)
        case .water: return RGBA(40, 110, 200)
        }
    }
}

/// What grows on a parcel in `labels/parcels.gpkg`: the `crop` code. Crop calendars follow
/// eastern Amazonia's rain-fed agriculture: soy sown with the rains in November, a second
/// ("safrinha") maize or cotton crop after it, cassava and maize–beans on smallholder plots.
public enum CropType: UInt8, CaseIterable, Sendable {
    case soyMaize = 1
    case soy = 2
    case cotton = 3
    case cassava = 4
    case maizeBeans = 5
    case fallow = 6
    case pasture = 7
    case oilPalm = 8

    public var code: Int { Int(rawValue) }

    public var name: String {
        switch self {
        case .soyMaize: return "soy then maize"
        case .soy: return "soy"
        case .cotton: return "cotton"
        case .cassava: return "cassava"
        case .maizeBeans: return "maize then beans"
        case .fallow: return "fallow"
        case .pasture: return "pasture"
        case .oilPalm: return "oil palm"
        }
    }

    /// The land class a parcel of this crop belongs to.
    var landClass: LandClass {
        switch self {
        case .soyMaize, .soy, .cotton: return .largeCropland
        case .cassava, .maizeBeans, .fallow: return .smallCropland
        case .pasture: return .pasture
        case .oilPalm: return .treeCrops
        }
    }
}
