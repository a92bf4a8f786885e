import Cube
import Models

/// Checks that a cube holds what a model was trained on (issue 8 "Refusals"): the same band
/// names in the same order and the same time labels. The error names every difference.
enum ModelCheck {
    static func compatible(card: ModelCard, cubeBands: [String], cubeTimes: [String]) throws {
        var problems: [String] = []
        if card.bands != cubeBands {
            if Set(card.bands) == Set(cubeBands) {
                problems.append("the band order differs")
            } else {
                let missing = card.bands.filter { !cubeBands.contains($0) }
                if !missing.isEmpty { problems.append("the cube lacks band(s) \(missing.joined(separator: ", "))") }
                let extra = cubeBands.filter { !card.bands.contains($0) }
                if !extra.isEmpty { problems.append("the cube has band(s) the model does not know: \(extra.joined(separator: ", "))") }
            }
        }
        if card.times.count != cubeTimes.count {
            problems.append("the number of time steps differs")
        } else if card.times != cubeTimes {
            let i = card.times.indices.first { card.times[$0] != cubeTimes[$0] } ?? 0
            problems.append("time step \(i + 1) is '\(cubeTimes[i])' in the cube but '\(card.times[i])' in the model")
        }
        guard problems.isEmpty else {
            throw PredictionError.mismatch(
                "model expects bands [\(card.bands.joined(separator: ", "))] and \(card.times.count) times; "
                    + "cube has \(cubeBands.count) bands [\(cubeBands.joined(separator: ", "))] and \(cubeTimes.count) times: "
                    + problems.joined(separator: "; "))
        }
    }

    /// The network's input must agree with the card, and the model must read raster pixels or patches.
    static func usable(network: Network, card: ModelCard) throws {
        guard network.source != .features else {
            throw PredictionError.unsupportedModel("model '\(network.name)' reads per-date parcel statistics (features.npy); predict classifies pixels or patches of the cube (also for --parcels, by majority), so this model cannot be used here")
        }
        let s = network.inputShape
        guard s.t == card.times.count, s.c == card.bands.count else {
            throw PredictionError.mismatch("model '\(network.name)' reads \(s.t) times × \(s.c) bands but its card lists \(card.times.count) times and \(card.bands.count) bands")
        }
        guard network.classes == card.classes.count else {
            throw PredictionError.mismatch("model '\(network.name)' has \(network.classes) outputs but its card lists \(card.classes.count) classes")
        }
        if network.source == .patch && network.task == .classification {
            guard s.h == s.w, s.h % 2 == 1 else {
                throw PredictionError.unsupportedModel("model '\(network.name)' reads \(s.h)×\(s.w) patches; prediction needs an odd square patch")
            }
        }
    }

    static func usable(forest: RandomForest, card: ModelCard) throws {
        let want = card.times.count * card.bands.count
        guard forest.featureCount == want else {
            throw PredictionError.mismatch("random forest reads \(forest.featureCount) features but the card's \(card.times.count) times × \(card.bands.count) bands give \(want) (a parcel-statistics forest predicts with --parcels)")
        }
        guard forest.classCount == card.classes.count else {
            throw PredictionError.mismatch("random forest has \(forest.classCount) classes but its card lists \(card.classes.count)")
        }
    }
}
