import ArgumentParser
import Cube

struct CubeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cube",
        abstract: "Build a cube: cloud-masked composites per time window, spectral indices, gap filling.",
        discussion: """
            Writes CUBE/cube.json, one Float32 GeoTIFF per time step (bands in manifest order, NaN
            for no data), counts/ with the valid observations behind each pixel, and cube.vrt
            stacking every step for GIS viewers. The defaults follow the FLU study (seed 000):
            half-year medians of scenes with at most 50 % cloud, NDVI and NDMI, linear gap filling.
            """)

    @Argument(help: "Archive folder of Landsat C2 L2 / Sentinel-2 L2A products.")
    var archive: String

    @Option(name: .shortAndLong, help: "Output cube folder.")
    var output: String

    @OptionGroup var filter: SceneFilterOptions
    @OptionGroup var build: CubeBuildOptions

    @Option(help: "Indices appended after the bands: ndvi,ndmi,ndwi,bi,nd:A:B, or none.")
    var indices: String = "ndvi,ndmi"

    @Flag(name: .customLong("indices-before-composite"), help: "Compute indices per scene and composite them, instead of from the composites.")
    var indicesBeforeComposite = false

    @Option(help: "Gap filling in time: linear or none.")
    var fill: String = "linear"

    @Option(name: .customLong("fill-ends"), help: "Leading and trailing gaps: nearest (take the nearest valid value) or none (leave NaN).")
    var fillEnds: String = "nearest"

    func run() throws {
        var settings = try build.settings(indices: SpectralIndex.parseList(indices), fill: GapFill(parsing: fill))
        settings.indicesBeforeComposite = indicesBeforeComposite
        switch fillEnds {
        case "nearest": settings.fillEnds = true
        case "none": settings.fillEnds = false
        default: throw ValidationError("--fill-ends must be nearest or none")
        }
        try CubeRun.build(archive: archive, output: output, filter: filter, options: build, settings: settings)
    }
}

struct CompositeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "composite",
        abstract: "Composite masked scenes per time window, without indices or gap filling (the first step of `cube`).")

    @Argument(help: "Archive folder.")
    var archive: String

    @Option(name: .shortAndLong, help: "Output cube folder.")
    var output: String

    @OptionGroup var filter: SceneFilterOptions
    @OptionGroup var build: CubeBuildOptions

    func run() throws {
        let settings = try build.settings(indices: [], fill: .none)
        try CubeRun.build(archive: archive, output: output, filter: filter, options: build, settings: settings)
    }
}
