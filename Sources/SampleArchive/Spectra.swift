/// Surface reflectance and temperature of the landscape's materials.
///
/// A pixel is a linear mixture of endmembers (green vegetation of several kinds, dry
/// vegetation, soils, char, water), the classic spectral-mixture view of tropical land use
/// after clearing. Phenology moves the fractions; spectra stay put. Values are typical surface
/// reflectances of eastern Amazonia (dense forest NIR ≈ 0.30, latosol red ≈ 0.16, turbid
/// water below 0.08), so indices such as NDVI (seed 000, §2.1.2) land where they do in real
/// scenes.

/// The wavelengths every sensor band is taken from, in spectral order.
enum SpectralBand: Int, CaseIterable, Sendable {
    case coastal, blue, green, red, rededge1, rededge2, rededge3, nir, nir08, waterVapour, swir1, swir2
}

enum Endmember: Int, CaseIterable, Sendable {
    case forest, crop, grass, shrub, palm, dryVegetation, latosol, miningSoil, road, char, river, pond

    /// Reflectance per `SpectralBand` (coastal … swir2).
    static let table: [[Float]] = [
        /* forest  */ [0.020, 0.024, 0.048, 0.026, 0.075, 0.210, 0.270, 0.295, 0.305, 0.290, 0.145, 0.062],
        /* crop    */ [0.026, 0.030, 0.078, 0.036, 0.112, 0.300, 0.390, 0.425, 0.435, 0.410, 0.215, 0.095],
        /* grass   */ [0.030, 0.036, 0.072, 0.048, 0.108, 0.250, 0.305, 0.330, 0.338, 0.320, 0.235, 0.125],
        /* shrub   */ [0.022, 0.028, 0.060, 0.033, 0.095, 0.245, 0.315, 0.340, 0.348, 0.330, 0.172, 0.076],
        /* palm    */ [0.022, 0.027, 0.058, 0.030, 0.090, 0.235, 0.300, 0.322, 0.330, 0.312, 0.160, 0.070],
        /* dry veg */ [0.050, 0.060, 0.090, 0.120, 0.160, 0.200, 0.230, 0.260, 0.270, 0.260, 0.340, 0.220],
        /* latosol */ [0.050, 0.060, 0.100, 0.160, 0.200, 0.228, 0.248, 0.258, 0.264, 0.258, 0.330, 0.270],
        /* mining  */ [0.140, 0.160, 0.210, 0.262, 0.290, 0.310, 0.320, 0.330, 0.335, 0.330, 0.400, 0.350],
        /* road    */ [0.070, 0.080, 0.120, 0.190, 0.228, 0.250, 0.270, 0.280, 0.285, 0.280, 0.360, 0.300],
        /* char    */ [0.030, 0.032, 0.038, 0.045, 0.055, 0.065, 0.072, 0.080, 0.082, 0.080, 0.110, 0.100],
        /* river   */ [0.060, 0.055, 0.075, 0.055, 0.045, 0.030, 0.025, 0.022, 0.020, 0.015, 0.008, 0.005],
        /* pond    */ [0.080, 0.085, 0.120, 0.120, 0.100, 0.070, 0.060, 0.055, 0.050, 0.035, 0.015, 0.008],
    ]

    /// Surface temperature at midday in the wet season (K): evapotranspiring canopies stay
    /// cool, bare and burnt ground heats up.
    static let temperature: [Float] = [297, 299.5, 301, 298.5, 298.5, 306, 309, 312, 310, 314, 300, 300.5]
}

/// Thick cloud tops: bright and flat in the visible, darker in the SWIR (ice and water absorb).
let cloudReflectance: [Float] = [0.50, 0.50, 0.50, 0.51, 0.52, 0.53, 0.53, 0.54, 0.54, 0.44, 0.40, 0.28]
/// Thin cirrus adds a little everywhere, mostly at short wavelengths.
let cirrusReflectance: [Float] = [0.09, 0.085, 0.08, 0.075, 0.07, 0.07, 0.068, 0.065, 0.065, 0.05, 0.05, 0.035]
/// Fraction of surface reflectance left in cloud shadow (diffuse skylight is bluer).
let shadowTransmission: [Float] = [0.42, 0.38, 0.32, 0.28, 0.26, 0.24, 0.23, 0.22, 0.22, 0.22, 0.20, 0.19]

/// The makeup of one 10 m cell on one date: fractions of each endmember (summing to 1).
struct Cover: Sendable {
    var green: Float = 0
    var greenKind: Endmember = .forest
    /// Herbaceous green (grass, weeds, understory), alongside the main green kind.
    var grass: Float = 0
    var dry: Float = 0
    var soil: Float = 0
    var soilKind: Endmember = .latosol
    var char: Float = 0
    var water: Float = 0
    var waterKind: Endmember = .river
    /// Persistent brightness texture (canopy shading, soil moisture), around 1.
    var brightness: Float = 1

    /// Gives whatever the named fractions leave to soil.
    mutating func soilTakesRest() {
        soil = max(0, 1 - green - grass - dry - char - water)
    }

    @inline(__always)
    func reflectance(_ band: Int) -> Float {
        let t = Endmember.table
        let land = green * t[greenKind.rawValue][band] + grass * t[Endmember.grass.rawValue][band]
            + dry * t[Endmember.dryVegetation.rawValue][band] + soil * t[soilKind.rawValue][band]
            + char * t[Endmember.char.rawValue][band]
        return brightness * land + water * t[waterKind.rawValue][band]
    }

    /// Surface temperature (K); `dryness` 0 in the wet season, 1 at the end of the dry season.
    @inline(__always)
    func temperature(dryness: Float) -> Float {
        let t = Endmember.temperature
        let base = green * t[greenKind.rawValue] + grass * t[Endmember.grass.rawValue]
            + dry * t[Endmember.dryVegetation.rawValue] + soil * t[soilKind.rawValue]
            + char * t[Endmember.char.rawValue] + water * t[waterKind.rawValue]
        // Bare surfaces warm more in the dry season than canopies do.
        let exposed = 1 - green - water
        return base + dryness * (1.5 + 4 * exposed)
    }
}
