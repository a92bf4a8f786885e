import CGDAL

/// The pixel types sitscube reads and writes.
public enum RasterDataType: String, CaseIterable, Sendable, Codable {
    case byte = "Byte", int8 = "Int8", uint16 = "UInt16", int16 = "Int16", uint32 = "UInt32", int32 = "Int32"
    case float32 = "Float32", float64 = "Float64"

    var gdal: GDALDataType {
        switch self {
        case .byte, .int8: return GDT_Byte
        case .uint16: return GDT_UInt16
        case .int16: return GDT_Int16
        case .uint32: return GDT_UInt32
        case .int32: return GDT_Int32
        case .float32: return GDT_Float32
        case .float64: return GDT_Float64
        }
    }

    init?(gdal: GDALDataType, signedByte: Bool = false) {
        switch gdal {
        case GDT_Byte: self = signedByte ? .int8 : .byte
        case GDT_UInt16: self = .uint16
        case GDT_Int16: self = .int16
        case GDT_UInt32: self = .uint32
        case GDT_Int32: self = .int32
        case GDT_Float32: self = .float32
        case GDT_Float64: self = .float64
        default: return nil
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var byteSize: Int { Int(GDALGetDataTypeSizeBytes(gdal)) }

    /// The TIFF predictor that suits the type: 3 (floating point) or 2 (horizontal differencing).
    public var tiffPredictor: Int { isFloatingPoint ? 3 : 2 }
}

/// Swift element types that map onto a GDAL pixel type, for reads and writes in the native type.
public protocol RasterScalar: Sendable {
    static var rasterType: RasterDataType { get }
    init()
}

extension UInt8: RasterScalar { public static var rasterType: RasterDataType { .byte } }
/// Int8 bands are Byte bands with PIXELTYPE=SIGNEDBYTE in GDAL 3.6; bytes pass through unchanged.
extension Int8: RasterScalar { public static var rasterType: RasterDataType { .int8 } }
extension UInt16: RasterScalar { public static var rasterType: RasterDataType { .uint16 } }
extension Int16: RasterScalar { public static var rasterType: RasterDataType { .int16 } }
extension UInt32: RasterScalar { public static var rasterType: RasterDataType { .uint32 } }
extension Int32: RasterScalar { public static var rasterType: RasterDataType { .int32 } }
extension Float: RasterScalar { public static var rasterType: RasterDataType { .float32 } }
extension Double: RasterScalar { public static var rasterType: RasterDataType { .float64 } }
