import ArgumentParser
import GeoIO
import Scenes

/// Cloud-masking and resampling flags shared by `mask` and `cube`.
struct MaskingOptions: ParsableArguments {
    @Option(help: "Grow clouds and shadows by N pixels.")
    var buffer: Int = 0

    @Flag(name: .customLong("mask-snow"), help: "Also mask snow and ice.")
    var maskSnow = false

    @Flag(name: .customLong("mask-dark"), help: "Also mask Sentinel-2 dark areas / topographic shadow (SCL 2).")
    var maskDark = false

    @Flag(name: .customLong("mask-saturated"), help: "Also mask pixels saturated in any band (Landsat QA_RADSAT).")
    var maskSaturated = false

    @Option(name: .customLong("cloud-confidence"), help: "Also mask Landsat pixels with cloud confidence ≥ this level (1 low, 2 medium, 3 high).")
    var cloudConfidence: Int?

    @Option(help: "Resampling of reflectance for scenes off the target grid: nearest, bilinear, cubic, average.")
    var resampling: String = "bilinear"

    func validate() throws {
        guard buffer >= 0, buffer <= 100 else { throw ValidationError("--buffer must be between 0 and 100 pixels, not \(buffer)") }
        if let c = cloudConfidence, !(1...3).contains(c) { throw ValidationError("--cloud-confidence must be 1, 2 or 3") }
        _ = try method()
    }

    func method() throws -> Resampling {
        guard let r = Resampling(name: resampling), r != .mode else {
            throw ValidationError("--resampling must be nearest, bilinear, cubic or average, not '\(resampling)'")
        }
        return r
    }

    var maskOptions: MaskOptions {
        var o = MaskOptions()
        o.maskSnow = maskSnow
        o.maskDarkArea = maskDark
        o.maskSaturated = maskSaturated
        o.cloudConfidence = cloudConfidence
        o.bufferPixels = buffer
        return o
    }
}
