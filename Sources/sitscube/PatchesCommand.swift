import ArgumentParser
import Samples

struct PatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patches",
        abstract: "Cut labeled patches (default 9×9) from a cube into a dataset.",
        discussion: """
            Each labeled pixel (a point, every pixel centre inside a polygon, or a pixel of a label
            raster) gets a size×size window of every time step and band: DATASET/x.npy (N, T, C,
            H, W) Float32, y.npy class indices, samples.csv and dataset.json (DESIGN.md §3). The
            defaults follow the FLU study (seed 000): 9×9 patches, a 75/10/15 split, 3 folds.
            Samples are ordered by cube block (the cube is read one block at a time).
            """)

    @Argument(help: "Cube folder (with cube.json).")
    var cube: String

    @Option(help: "Labels: points or polygons (GeoJSON, GeoPackage, Shapefile, CSV) or a label raster (GeoTIFF).")
    var labels: String

    @Option(name: .shortAndLong, help: "Output dataset folder.")
    var output: String

    @OptionGroup var fields: LabelFieldOptions

    @Option(help: "Odd window size in pixels.")
    var size: Int = 9

    @Option(help: "Windows crossing the cube border: skip, reflect, or nan.")
    var pad: String = "skip"

    @Flag(name: .customLong("keep-nan"), help: "Keep samples whose window holds NaN (skipped by default).")
    var keepNaN = false

    @Option(name: .customLong("per-polygon"), help: "Sample at most N pixels per polygon (default: every pixel centre inside).")
    var perPolygon: Int?

    @Option(name: .customLong("max-per-class"), help: "Keep at most N labels per class, drawn with the seed.")
    var maxPerClass: Int?

    @Option(help: "Memory for the block buffer, e.g. 256MiB, 1GiB.")
    var memory: String = "512MiB"

    @OptionGroup var split: SplitOptions

    func run() throws {
        guard let padMode = PadMode(rawValue: pad) else { throw ValidationError("--pad '\(pad)': expected skip, reflect or nan") }
        if let perPolygon, perPolygon < 1 { throw ValidationError("--per-polygon must be at least 1") }
        if let maxPerClass, maxPerClass < 1 { throw ValidationError("--max-per-class must be at least 1") }
        guard let bytes = ByteSize.parse(memory), bytes >= 16 << 20 else {
            throw ValidationError("--memory '\(memory)': expected a size of at least 16MiB, such as 512MiB")
        }
        let splits = try split.settings()
        let settings = PatchSettings(size: size, pad: padMode, keepNaN: keepNaN, threads: split.threads, memoryBytes: bytes)
        try settings.validate()
        let options = try fields.options(path: labels, defaultField: "class", seed: splits.seed,
                                         perPolygon: perPolygon, maxPerClass: maxPerClass)
        let manifest = try DatasetBuilder.patches(cube: cube, labels: options, settings: settings, splits: splits,
                                                  output: output, tool: "sitscube \(Sitscube.version)",
                                                  progress: DatasetReport.progress())
        print(DatasetReport.summary(manifest, output: output))
    }
}
