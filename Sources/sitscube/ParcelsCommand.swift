import ArgumentParser
import Samples

struct ParcelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parcels",
        abstract: "Cut parcel crops (default 32×32) from a cube into a dataset.",
        discussion: """
            For each polygon: its bounding box on the cube grid, every time step and band, pixels
            outside the polygon set to 0, resized to size×size without letting the outside bleed
            in (seed 003). Writes x.npy (N, T, C, S, S) raw values, mask.npy (N, S, S), features.npy
            (N, T, 2C: per-date mean then std of each band over the parcel's pixels, the GRU
            baseline's input), y.npy, samples.csv and dataset.json with per-date, per-band z-score
            statistics from the train split.
            """)

    @Argument(help: "Cube folder (with cube.json).")
    var cube: String

    @Option(help: "Parcel polygons (GeoJSON, GeoPackage, Shapefile).")
    var parcels: String

    @Option(name: .shortAndLong, help: "Output dataset folder.")
    var output: String

    @OptionGroup var fields: LabelFieldOptions

    @Option(help: "Crop size in pixels.")
    var size: Int = 32

    @Flag(name: .customLong("keep-nan"), help: "Keep parcels with NaN inside (skipped by default).")
    var keepNaN = false

    @OptionGroup var split: SplitOptions

    func run() throws {
        let splits = try split.settings()
        let settings = ParcelSettings(size: size, keepNaN: keepNaN, threads: split.threads)
        try settings.validate()
        let options = try fields.options(path: parcels, defaultField: nil, seed: splits.seed)
        let manifest = try DatasetBuilder.parcels(cube: cube, labels: options, settings: settings, splits: splits,
                                                  output: output, tool: "sitscube \(Sitscube.version)",
                                                  progress: DatasetReport.progress())
        print(DatasetReport.summary(manifest, output: output))
    }
}
