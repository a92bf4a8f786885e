import ArgumentParser
import Cube

struct IndicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indices",
        abstract: "Append spectral indices to an existing cube (a step of `cube`).")

    @Argument(help: "Cube folder (with cube.json).")
    var cube: String

    @Option(help: "Indices to append: ndvi,ndmi,ndwi,bi,nd:A:B.")
    var add: String

    @Option(help: "Worker threads.")
    var threads: Int = 2

    func run() throws {
        let indices = try SpectralIndex.parseList(add)
        guard !indices.isEmpty else { throw ValidationError("--add names no index") }
        var options = CubeRunOptions()
        options.threads = max(1, threads)
        let manifest = try CubeEditor.apply(.addIndices(indices), to: cube, run: options)
        print("\(cube): bands now \(manifest.bands.joined(separator: ","))")
    }
}

struct FillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Interpolate the NaN gaps of a cube linearly in time (a step of `cube`).")

    @Argument(help: "Cube folder (with cube.json).")
    var cube: String

    @Option(name: .customLong("fill-ends"), help: "Leading and trailing gaps: nearest or none.")
    var fillEnds: String = "nearest"

    @Option(help: "Worker threads.")
    var threads: Int = 2

    func run() throws {
        guard fillEnds == "nearest" || fillEnds == "none" else { throw ValidationError("--fill-ends must be nearest or none") }
        var options = CubeRunOptions()
        options.threads = max(1, threads)
        try CubeEditor.apply(.fill(.linear, fillEnds: fillEnds == "nearest"), to: cube, run: options)
        print("\(cube): gaps filled")
    }
}
