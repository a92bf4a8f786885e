import ArgumentParser
import Foundation
import GeoIO
import Scenes

struct MaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask",
        abstract: "Scale and cloud-mask a scene (or every scene of an archive) onto a grid.",
        discussion: """
            Writes Float32 reflectance (and kelvin for thermal) with NaN where QA_PIXEL or SCL flags
            fill, cloud, dilated cloud, cirrus or cloud shadow (plus snow, dark area, saturation or
            confidence thresholds when asked), and where DNs are outside the valid range.
            Given a product folder, writes OUT as one GeoTIFF. Given an archive, writes one
            GeoTIFF per scene into the folder OUT, on all cores, skipping scenes already done;
            a bad scene is reported and the others go on.
            """)

    @Argument(help: "A product folder, or an archive folder of products.")
    var input: String

    @Option(name: .shortAndLong, help: "Output GeoTIFF (one product) or folder (archive).")
    var output: String

    @Option(help: "Bands, comma-separated common names (default: the sensor's reflectance bands, plus thermal for Landsat).")
    var bands: String?

    @Option(help: "Target grid: like:FILE.tif or EPSG:n,RES[,xmin,ymin,xmax,ymax] (default: each scene's own grid).")
    var grid: String?

    @OptionGroup var masking: MaskingOptions

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ParallelWork.defaultThreads

    @OptionGroup var filter: SceneFilterOptions

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let options = masking.maskOptions
        let bandList = try bands.map { try CommonBand.parseList($0) }
        let spec = try GridSpec(parsing: grid)
        let method = try masking.method()

        if Catalog.looksLikeProduct(input) {
            let scene = try Catalog.scene(at: input, useLandCloudCover: filter.landCloud)
            let target = spec == .firstScene ? nil : try spec.resolve(for: [scene])
            let result = try MaskedSceneWriter.write(scene, to: output, grid: target, bands: bandList, mask: options,
                                                     resampling: method, threads: threads)
            print("\(output): \(scene.id), \(String(format: "%.1f", result.maskedFraction * 100)) % masked")
            return
        }
        try runBatch(options: options, bands: bandList, spec: spec, method: method)
    }

    private func runBatch(options: MaskOptions, bands: [CommonBand]?, spec: GridSpec, method: Resampling) throws {
        let catalog = try Catalog.scan(input, filter: filter.makeFilter())
        guard !catalog.scenes.isEmpty else {
            let reasons = catalog.skipped.prefix(3).map { "\($0.path): \($0.reason)" }.joined(separator: "; ")
            throw CLIError.invalid("\(input): no usable scenes (\(reasons.isEmpty ? "none found" : reasons))")
        }
        for s in catalog.skipped { Log.info("skipped \(s.path): \(s.reason)") }
        let target = spec == .firstScene ? nil : try spec.resolve(for: catalog.scenes)
        let progress = Progress(total: catalog.scenes.count, unit: "scenes")
        let lock = NSLock()
        var failures: [(String, String)] = []
        // Scenes in parallel, one thread each: whole files are the natural unit of batch work.
        try ParallelWork.run(count: catalog.scenes.count, threads: threads) { _, job in
            let scene = catalog.scenes[job]
            let path = output + "/" + scene.id + ".tif"
            var note = "done already"
            if !FileManager.default.fileExists(atPath: path) {
                do {
                    let result = try MaskedSceneWriter.write(scene, to: path, grid: target, bands: bands, mask: options,
                                                             resampling: method, threads: 1)
                    note = String(format: "%.1f %% masked", result.maskedFraction * 100)
                } catch {
                    lock.lock()
                    failures.append((scene.path, "\(error)"))
                    lock.unlock()
                    note = "FAILED: \(error)"
                }
            }
            progress.advance(note: "\(scene.id): \(note)")
        }
        progress.finish()
        print("\(catalog.scenes.count - failures.count) of \(catalog.scenes.count) scenes masked into \(output)"
              + (catalog.skipped.isEmpty ? "" : ", \(catalog.skipped.count) skipped by the catalog"))
        if !failures.isEmpty {
            for (path, why) in failures { print("failed \(path): \(why)") }
            throw CLIError.invalid("\(failures.count) scene(s) failed; the others were written")
        }
    }
}
