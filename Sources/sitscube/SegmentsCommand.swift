import ArgumentParser
import Samples

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Cut segmentation tiles with label masks from a cube.",
        discussion: """
            Rasterizes line labels (roads) onto the cube grid, dilates them by --dilate pixels
            (a square of side 2N+1), and cuts size×size tiles every --stride pixels (seed 004);
            tiles that would cross the cube's right or bottom edge are not cut.
            Writes x.npy (N, T, C, S, S) raw values, labels.npy (N, S, S) UInt8 with 1 on the
            dilated lines, y.npy (N,) 1 when a tile holds any line pixel, samples.csv (x, y of
            the tile centre, row, col of its top-left pixel) and dataset.json (kind "segments",
            per-band statistics of the train tiles). Splits are stratified by y.
            """)

    @Argument(help: "Cube folder (with cube.json).")
    var cube: String

    @Option(help: "Line labels (GeoPackage, GeoJSON, Shapefile).")
    var labels: String

    @Option(name: .shortAndLong, help: "Output dataset folder.")
    var output: String

    @Option(help: "Attribute selecting the lines to burn (set, not empty and not 0); every feature when absent.")
    var field: String?

    @Option(help: "Layer of a multi-layer vector file (default: the first).")
    var layer: String?

    @Option(help: "CRS of the label coordinates, for a file without one.")
    var crs: String?

    @Option(help: "Dilation radius in pixels (a (2N+1)×(2N+1) square).")
    var dilate: Int = 0

    @Option(help: "Tile size in pixels.")
    var size: Int = 512

    @Option(help: "Pixels between tile origins (default: the tile size, no overlap).")
    var stride: Int?

    @Option(help: "Comma-separated cube time labels to keep, in order (default: every date).")
    var times: String?

    @Flag(name: .customLong("keep-nan"), help: "Keep tiles with NaN (skipped by default).")
    var keepNaN = false

    @OptionGroup var split: SplitOptions

    func run() throws {
        let splits = try split.settings()
        let timeList = times.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let settings = SegmentSettings(size: size, stride: stride, dilate: dilate, field: field, layer: layer, crs: crs,
                                       times: timeList, keepNaN: keepNaN, threads: split.threads)
        let manifest = try DatasetBuilder.segments(cube: cube, labels: labels, settings: settings, splits: splits,
                                                   output: output, tool: "sitscube \(Sitscube.version)",
                                                   progress: DatasetReport.progress())
        print(DatasetReport.summary(manifest, output: output))
    }
}
