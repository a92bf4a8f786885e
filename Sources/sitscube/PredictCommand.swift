import ArgumentParser
import Cube
import Foundation
import GeoIO
import Prediction

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify a cube wall to wall into a map GeoTIFF.",
        discussion: """
            MODEL is a model file written by `sitscube train` (a network or a random forest with its \
            card: bands, times, classes, normalisation, border policy). The cube must hold the \
            model's bands in the same order and its time steps.

            The cube is classified tile by tile; each tile is read with a halo of the patch radius, \
            so the map is the same, byte for byte, whatever --tile and --threads. Pixels whose own \
            series holds NaN, or outside --mask, are nodata; patches crossing the cube border follow \
            the model's border policy (skip: nodata, reflect, nan: zeros).

            The map is a cloud-optimized GeoTIFF of the class codes (UInt8, UInt16 beyond 254 \
            classes) with a nodata value no class uses, a colour table, category names and mode \
            overviews.

            Segmentation models (per-pixel output, e.g. cnn2d-stack) run windows of their input size \
            that overlap by --overlap pixels (default a quarter of the window; seed 004 used 2048 with \
            512) and are blended with weights that fall towards each window's edges.

            Resume and shards: finished tiles are kept in MAP.tif.parts/ until the map is written. \
            A killed run, started again with the same arguments, continues from there. With \
            --shard I/N (I from 0 to N−1, as SLURM_ARRAY_TASK_ID) a run does only the I-th of N \
            equal runs of tiles (row by row), leaves them in MAP.tif.parts/ and stops without \
            writing the map; run N shards (for example as a Slurm array 0…N−1), then the same \
            command without --shard: it finds \
            every tile done and only assembles the map.

            Parcels: with --parcels FILE -o OUT.gpkg the model classifies the pixels whose centre \
            lies in each polygon, and the polygon gets their majority class (code, class name, pixel \
            count and the mean probability of each class, p_NAME). Models on per-date parcel \
            statistics (gru-stats) are not supported by predict.
            """)

    @Argument(help: "Model file (model.safetensors).")
    var model: String

    @Argument(help: "Cube folder (with cube.json).")
    var cube: String

    @Option(name: .shortAndLong, help: "Class map GeoTIFF to write.")
    var output: String

    @Option(help: "Raster of any grid: predict only where it is non-zero (nearest neighbour onto the cube grid).")
    var mask: String?

    @Option(help: "Also write class probabilities (UInt8 percent, one band per class).")
    var probabilities: String?

    @Option(help: "Also write the top probability and its margin over the second (UInt8 percent, 2 bands).")
    var confidence: String?

    @Option(help: "Also write a PNG preview with a legend.")
    var quicklook: String?

    @Option(help: "Tile side in pixels (the map does not depend on it).")
    var tile: Int = 512

    @Option(help: "Samples per forward pass.")
    var batch: Int = 256

    @Option(help: "Overlap in pixels of the windows of a segmentation model (default: a quarter of its window).")
    var overlap: Int?

    @Option(help: "Threads for inference (default: all cores).")
    var threads: Int = ParallelWork.defaultThreads

    @Option(help: "Memory for the tile buffers and the batch, e.g. 512MiB, 1GiB; the tile shrinks to fit.")
    var memory: String = "1GiB"

    @Option(help: "Polygons (GeoPackage, GeoJSON, Shapefile …): write one class per polygon to -o OUT.gpkg (majority of its pixels) instead of a map.")
    var parcels: String?

    @Option(help: "Do only shard I of N (0-based, like cube --shard), e.g. 2/8, into MAP.tif.parts/ and stop without writing the map.")
    var shard: String?

    func run() throws {
        guard let bytes = ByteSize.parse(memory) else {
            throw ValidationError("--memory '\(memory)': expected a size such as 512MiB or 1GiB")
        }
        var options = PredictionOptions(model: model, cube: cube, output: output)
        options.mask = mask
        options.probabilities = probabilities
        options.confidence = confidence
        options.quicklook = quicklook
        options.tileSize = tile
        options.batchSize = batch
        options.threads = threads
        options.overlap = overlap
        options.memoryBytes = bytes
        options.parcels = parcels
        options.shard = try shard.map { try Shard(parsing: $0) }
        let predictor = try Predictor(options: options)
        Log.info("predict: \(predictor.tiles.count) tiles of \(predictor.tileSize) px" + (options.shard.map { ", shard \($0.index)/\($0.count)" } ?? ""))
        var bar: Progress?
        let start = Date()
        let summary = try predictor.run { p in
            if bar == nil {
                if p.tilesResumed > 0 { Log.info("resuming: \(p.tilesResumed) tiles already done") }
                bar = Progress(total: p.tilesTotal, unit: "tiles")
            }
            let rate = Double(p.pixelsPredicted) / max(Date().timeIntervalSince(start), 1e-3)
            bar?.advance(note: String(format: "%.0f px/s", rate))
        }
        bar?.finish()
        if parcels != nil {
            print("wrote \(output): parcels classified from \(summary.pixelsPredicted) pixels, \(String(format: "%.1f", summary.seconds)) s")
        } else if summary.assembled {
            print("wrote \(output): \(summary.pixelsPredicted) pixels predicted in \(summary.tiles - summary.tilesResumed) tiles (\(summary.tilesResumed) resumed), \(String(format: "%.1f", summary.seconds)) s")
        } else {
            print("shard \(options.shard?.index ?? 0)/\(options.shard?.count ?? 0) done: \(summary.tiles) tiles in \(options.partsFolder); run without --shard to assemble the map")
        }
    }
}
