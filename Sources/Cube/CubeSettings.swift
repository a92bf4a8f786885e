import GeoIO
import Scenes

/// Everything that decides a cube's values. The block size and thread count are not here on
/// purpose: they change the speed and memory of a build, never its bytes.
public struct CubeSettings: Sendable {
    public var windows: WindowScheme = .halfYear
    public var from: CalendarDate?
    public var to: CalendarDate?
    public var reducer: Reducer = .median
    /// Reflectance bands; nil takes every band that all scenes share.
    public var bands: [CommonBand]?
    public var indices: [SpectralIndex] = [.ndvi, .ndmi]
    /// Compute indices per scene and composite them, instead of from the composite (FLU default).
    public var indicesBeforeComposite = false
    public var fill: GapFill = .linear
    public var fillEnds = true
    public var mask = MaskOptions()
    public var resampling: Resampling = .bilinear

    public init() {}

    /// A stable text of the settings, for the manifest's digest.
    var fingerprint: String {
        let m = mask
        return [windows.name, "\(windows)", from?.description ?? "-", to?.description ?? "-", reducer.name,
                bands?.map(\.rawValue).joined(separator: ",") ?? "auto", indices.map(\.description).joined(separator: ","),
                "\(indicesBeforeComposite)", fill.rawValue, "\(fillEnds)",
                "\(m.maskSnow),\(m.maskDarkArea),\(m.cloudConfidence ?? -1),\(m.cirrusConfidence ?? -1),\(m.maskSaturated),\(m.bufferPixels)",
                resampling.rawValue].joined(separator: "|")
    }

    var maskDescription: [String: String] {
        [
            "snow": "\(mask.maskSnow)", "dark_area": "\(mask.maskDarkArea)", "saturated": "\(mask.maskSaturated)",
            "buffer_pixels": "\(mask.bufferPixels)", "cloud_confidence": mask.cloudConfidence.map(String.init) ?? "none",
            "cirrus_confidence": mask.cirrusConfidence.map(String.init) ?? "none",
            "qa": "fill, dilated cloud, cirrus, cloud, cloud shadow (Landsat QA_PIXEL); SCL 0,1,3,8,9,10 (Sentinel-2)",
        ]
    }
}

/// How a build runs: memory budget, block size and threads.
public struct CubeRunOptions: Sendable {
    /// Bytes the block buffers of all workers together may use (default 1 GiB).
    public var memoryBytes: Int = 1 << 30
    /// A fixed block side in pixels; nil derives it from `memoryBytes`.
    public var blockSize: Int?
    public var threads: Int = ParallelWork.defaultThreads
    /// Compute only this shard's blocks into the staging area; nil builds (assembles) the cube,
    /// taking staged blocks as they are.
    public var shard: Shard?

    public init() {}
}
