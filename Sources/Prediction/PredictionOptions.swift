import Foundation
import Cube
import GeoIO

/// What `sitscube predict` does, as a value the pipeline can fill in too.
public struct PredictionOptions: Sendable {
    /// The model file (`model.safetensors`: a network or a random forest with its ``ModelCard``).
    public var model: String
    /// The cube folder (with `cube.json`).
    public var cube: String
    /// The class map GeoTIFF to write.
    public var output: String
    /// A raster of any grid: pixels are predicted only where it is non-zero (nearest neighbour onto the cube grid).
    public var mask: String?
    /// UInt8 percent per class, one band per class.
    public var probabilities: String?
    /// Two UInt8 percent bands: the top probability and its margin over the second.
    public var confidence: String?
    /// A PNG of the map with a legend.
    public var quicklook: String?
    /// Tile side in pixels; the map does not depend on it.
    public var tileSize: Int = 512
    /// Samples per forward pass.
    public var batchSize: Int = 256
    public var threads: Int = ParallelWork.defaultThreads
    /// Overlap of segmentation windows in pixels (default: a quarter of the model's window).
    public var overlap: Int?
    /// Budget for the tile buffers and the batch; the tile shrinks to fit.
    public var memoryBytes: Int = 1 << 30
    /// Polygons (any OGR format): predict one class per polygon into `output` (a GeoPackage)
    /// instead of a map.
    public var parcels: String?
    /// Process only one group of tiles into the staging folder and stop (no map is assembled).
    /// The same 0-based `I/N` as `sitscube cube --shard` and `SLURM_ARRAY_TASK_ID`.
    public var shard: Shard?

    public init(model: String, cube: String, output: String) {
        self.model = model; self.cube = cube; self.output = output
    }

    /// The staging folder that holds finished tiles beside the output.
    public var partsFolder: String { output + ".parts" }

    func validate() throws {
        guard tileSize >= 1, tileSize <= 65_536 else { throw PredictionError.invalidOption("--tile \(tileSize): expected 1 to 65536 pixels") }
        guard batchSize >= 1, batchSize <= 1 << 20 else { throw PredictionError.invalidOption("--batch \(batchSize): expected 1 to 1048576") }
        guard threads >= 1 else { throw PredictionError.invalidOption("--threads \(threads): expected at least 1") }
        guard memoryBytes >= 16 << 20 else { throw PredictionError.invalidOption("--memory: expected at least 16MiB") }
        let outputs = [output, probabilities, confidence, quicklook].compactMap { $0 }
        guard Set(outputs).count == outputs.count else { throw PredictionError.invalidOption("the map, --probabilities, --confidence and --quicklook need different file names") }
    }
}

/// Errors of the predictor; each names the file or option and what was expected.
public enum PredictionError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)
    /// The cube does not hold what the model was trained on.
    case mismatch(String)
    case unsupportedModel(String)
    case badStaging(path: String, String)

    public var description: String {
        switch self {
        case let .invalidOption(m), let .mismatch(m), let .unsupportedModel(m): return m
        case let .badStaging(path, m): return "\(path): \(m)"
        }
    }
}

/// Where a run stands, reported after every tile.
public struct PredictionProgress: Sendable {
    /// Tiles this run has to do (its shard's, not counting those finished by an earlier run).
    public var tilesTotal: Int
    public var tilesDone: Int
    /// Pixels classified so far by this run (nodata pixels excluded).
    public var pixelsPredicted: Int
    /// Tiles found already finished in the staging folder.
    public var tilesResumed: Int
}

/// What a run did.
public struct PredictionSummary: Sendable {
    public var tiles: Int
    public var tilesResumed: Int
    public var pixelsPredicted: Int
    /// Whether the map was assembled (false for a `--shard` run).
    public var assembled: Bool
    public var seconds: Double
}
