import Cube
import Foundation
import GeoIO
import Models

/// Wall-to-wall prediction of a cube into a class map (issue 8; seed 000 §2.4 classifies every
/// pixel of the study area with the patch model, seed 004 §2.5 maps with overlapping windows).
///
/// The cube is processed tile by tile. Each tile is read with a halo of the patch radius, so
/// every pixel sees the same patch as in an untiled run: the map does not depend on the tile
/// size nor on the thread count. Finished tiles are kept in `MAP.tif.parts/` until the map is
/// assembled, so a killed run resumes, and shards (`--shard I/N`) can share the work.
///
///     var options = PredictionOptions(model: "model.safetensors", cube: "cube", output: "map.tif")
///     let summary = try Predictor(options: options).run { p in print(p.tilesDone, p.tilesTotal) }
public final class Predictor {
    public let options: PredictionOptions
    public let card: ModelCard
    let classifier: Classifier
    let legend: ClassLegend
    let reader: TileReader
    let grid: Grid
    let policy: BorderPolicy
    /// Tile side actually used (the requested one, shrunk to fit the memory budget).
    public let tileSize: Int
    public let tiles: [Window]
    private let blender: WindowBlender?
    private let mask: WarpedRaster?
    private let maskNoData: Double?
    private let signature: [String: String]

    public init(options: PredictionOptions) throws {
        try options.validate()
        self.options = options
        let modelURL = URL(fileURLWithPath: options.model)
        let model: TrainedModel, card: ModelCard
        do { (model, card, _) = try TrainedModel.read(from: modelURL) } catch let ModelError.badModelFile(message) {
            throw PredictionError.unsupportedModel("\(options.model): \(message); predict needs a model with its card (bands, times, classes, normalization), as `sitscube train` writes")
        }
        self.card = card
        let manifest = try CubeManifest.read(from: options.cube)
        try ModelCheck.compatible(card: card, cubeBands: manifest.bands, cubeTimes: manifest.times.map(\.label))
        guard let policy = BorderPolicy(rawValue: card.border) else {
            throw PredictionError.unsupportedModel("\(options.model): border policy '\(card.border)' is not skip, reflect or nan")
        }
        self.policy = policy
        classifier = try Classifier(model: model, card: card, batchSize: options.batchSize, threads: options.threads)
        legend = try ClassLegend(card: card)
        if case let .network(net) = model, net.task == .segmentation {
            blender = try WindowBlender(net: net, overlap: options.overlap, threads: options.threads, cubeFolder: options.cube, manifest: manifest, card: card, policy: policy)
        } else {
            blender = nil
        }
        reader = try TileReader(cubeFolder: options.cube, manifest: manifest, card: card, radius: classifier.radius, policy: policy)
        let grid = manifest.gridValue
        self.grid = grid

        // The tile shrinks until its buffers and the batch fit the memory budget.
        var tile = min(options.tileSize, max(grid.width, grid.height))
        let k = card.classes.count, radius = classifier.radius, batchBytes = classifier.batchBytes
        let times = manifest.times.count, bands = manifest.bands.count
        func bytes(_ s: Int) -> Int {
            TileReader.bytes(tile: s, radius: radius, times: times, bands: bands) + s * s * (8 + 4 * k + 2 + k + 2) + batchBytes
        }
        while tile > 16 && bytes(tile) > options.memoryBytes { tile = max(16, tile / 2) }
        guard bytes(tile) <= options.memoryBytes else {
            throw PredictionError.invalidOption("--memory \(options.memoryBytes) bytes is too small for a 16-pixel tile and a batch of \(options.batchSize); give more memory or a smaller --batch")
        }
        tileSize = tile
        tiles = grid.window.subdivided(tileWidth: tile, tileHeight: tile)

        if let maskPath = options.mask {
            let warped = try WarpedRaster(path: maskPath, grid: grid, options: WarpOptions(resampling: .nearest))
            mask = warped
            maskNoData = try warped.noData(band: 1)
        } else {
            mask = nil
            maskNoData = nil
        }
        signature = try Predictor.signature(options: options, tile: tile, cube: options.cube)
    }

    /// What the staged tiles depend on; a re-run with other inputs must not reuse them.
    private static func signature(options: PredictionOptions, tile: Int, cube: String) throws -> [String: String] {
        func digest(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PredictionError.invalidOption("cannot read \(path)")
            }
            return Digest.fnv1a(data)
        }
        return [
            "model": try digest(options.model),
            "cube": try digest(cube + "/" + CubeManifest.fileName),
            "mask": try options.mask.map(digest) ?? "none",
            "tile": "\(tile)",
            "batch": "\(options.batchSize)",
            "overlap": options.overlap.map(String.init) ?? "default",
            "probabilities": options.probabilities == nil ? "no" : "yes",
            "confidence": options.confidence == nil ? "no" : "yes",
        ]
    }

    /// Bytes of one staged tile.
    func tileBytes(_ w: Window) -> Int {
        let n = w.pixelCount
        return 2 * n + (options.probabilities == nil ? 0 : n * card.classes.count) + (options.confidence == nil ? 0 : 2 * n)
    }

    /// Predicts every tile not yet staged (only the shard's with `options.shard`), then — without
    /// a shard — assembles the map and the optional outputs and removes the staging folder.
    @discardableResult
    public func run(progress: ((PredictionProgress) -> Void)? = nil) throws -> PredictionSummary {
        if let parcels = options.parcels {
            guard options.shard == nil, options.probabilities == nil, options.confidence == nil, options.quicklook == nil else {
                throw PredictionError.invalidOption("--parcels writes one GeoPackage; it does not take --shard, --probabilities, --confidence or --quicklook")
            }
            return try ParcelPrediction(predictor: self, parcels: parcels).run(progress: progress)
        }
        let clock = Date()
        let store = try TileStore(folder: options.partsFolder, signature: signature)
        let mine = tiles.indices.filter { options.shard?.range(of: tiles.count).contains($0) ?? true }
        let todo = mine.filter { !store.isDone(tile: $0, bytes: tileBytes(tiles[$0])) }
        var state = PredictionProgress(tilesTotal: todo.count, tilesDone: 0, pixelsPredicted: 0, tilesResumed: mine.count - todo.count)
        var probabilities: [Float] = []
        for k in todo {
            let (data, predicted) = try predict(tile: tiles[k], probabilities: &probabilities)
            try store.write(tile: k, data)
            state.tilesDone += 1
            state.pixelsPredicted += predicted
            progress?(state)
        }
        var summary = PredictionSummary(tiles: mine.count, tilesResumed: state.tilesResumed, pixelsPredicted: state.pixelsPredicted,
                                        assembled: false, seconds: 0)
        if options.shard == nil {
            try MapAssembler(predictor: self, store: store).write()
            if let quicklook = options.quicklook {
                try Quicklook.write(map: options.output, to: quicklook, legend: legend)
            }
            store.remove()
            summary.assembled = true
        }
        summary.seconds = Date().timeIntervalSince(clock)
        return summary
    }

    /// Classifies one tile: map values, then optional probability and confidence bytes.
    private func predict(tile: Window, probabilities: inout [Float]) throws -> (Data, Int) {
        let inMask = try maskFilter(tile)
        let pixels = try classify(tile: tile, probabilities: &probabilities) { y, x in inMask(y * tile.width + x) }
        let n = tile.pixelCount, k = card.classes.count
        var codes = [UInt16](repeating: legend.noData, count: n)
        let wantP = options.probabilities != nil, wantC = options.confidence != nil
        var percent = [UInt8](repeating: 255, count: wantP ? n * k : 0)
        var confidence = [UInt8](repeating: 255, count: wantC ? 2 * n : 0)
        for (j, (y, x)) in pixels.enumerated() {
            let i = y * tile.width + x
            var best = 0, top: Float = -1, second: Float = -1
            for q in 0..<k {
                let p = probabilities[j * k + q]
                if p > top { second = top; top = p; best = q } else if p > second { second = p }
                if wantP { percent[q * n + i] = Self.percent(p) }
            }
            codes[i] = legend.codes[best]
            if wantC {
                confidence[i] = Self.percent(top)
                confidence[n + i] = Self.percent(top - max(second, 0))
            }
        }
        var data = Data(capacity: tileBytes(tile))
        codes.withUnsafeBytes { raw in
            for v in raw.bindMemory(to: UInt16.self) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        }
        data.append(contentsOf: percent)
        data.append(contentsOf: confidence)
        return (data, pixels.count)
    }

    /// Whether each pixel of `tile` (row-major index) lies where the mask is non-zero (all, without a mask).
    func maskFilter(_ tile: Window) throws -> (Int) -> Bool {
        guard let mask else { return { _ in true } }
        let values: [Double] = try mask.read(band: 1, window: tile)
        let noData = maskNoData
        return { i in
            let m = values[i]
            return !(m == 0 || m.isNaN || m == noData)
        }
    }

    /// Reads a tile and classifies the pixels that `accept` (tile row, col) lets through and
    /// that have a full series and, with border 'skip', a patch inside the cube.
    /// - Returns: the pixels, in row order; `probabilities` holds pixels × classes.
    func classify(tile: Window, probabilities: inout [Float], accept: (Int, Int) -> Bool) throws -> [(row: Int, col: Int)] {
        try reader.read(tile)
        let r = classifier.radius
        var pixels: [(row: Int, col: Int)] = []
        pixels.reserveCapacity(tile.pixelCount)
        for y in 0..<tile.height {
            let row = tile.row + y
            if policy == .skip && r > 0 && (row < r || row + r >= grid.height) { continue }
            for x in 0..<tile.width {
                let col = tile.col + x
                if policy == .skip && r > 0 && (col < r || col + r >= grid.width) { continue }
                if accept(y, x) && reader.hasFullSeries(row: y, col: x) { pixels.append((y, x)) }
            }
        }
        if let blender {
            try blender.probabilities(tile: tile, pixels: pixels, into: &probabilities)
        } else {
            reader.zeroNaN()
            try classifier.probabilities(tile: reader, pixels: pixels, into: &probabilities)
        }
        return pixels
    }

    static func percent(_ p: Float) -> UInt8 { UInt8(max(0, min(100, (p * 100).rounded()))) }

    /// Map value of each class index, the nodata value and the colours (for the assembler and quicklook).
    var classCodes: [UInt16] { legend.codes }
}

/// A short content digest for the staging signature (64-bit FNV-1a, hex).
enum Digest {
    static func fnv1a(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            for b in raw { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        return String(format: "%016llx", h)
    }
}
