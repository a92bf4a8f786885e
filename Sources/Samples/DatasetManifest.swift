import Foundation

/// `dataset.json`, the manifest of a training dataset (DESIGN.md §3). The trainer, `cv`,
/// `evaluate` and users' scripts read it: keep the keys stable.
public struct DatasetManifest: Codable, Equatable, Sendable {
    public static let formatTag = "sitscube-dataset/1"
    public static let fileName = "dataset.json"

    /// One array file: its name, NumPy dtype name and shape.
    public struct ArrayEntry: Codable, Equatable, Sendable {
        public var file: String
        public var dtype: String
        public var shape: [Int]
    }

    public struct Splits: Codable, Equatable, Sendable {
        /// Train, validation, test weights as given (`--split`).
        public var fractions: [Double]
        /// Number of folds in the `fold` column (0: none, fold −1).
        public var folds: Int
        public var seed: UInt64
        public var oversample: Bool
        /// What keeps samples together: the group field, or "feature" (each feature its own group).
        public var groupedBy: String

        enum CodingKeys: String, CodingKey {
            case fractions, folds, seed, oversample
            case groupedBy = "grouped_by"
        }
    }

    /// Samples per class and split.
    public struct ClassCount: Codable, Equatable, Sendable {
        public var code: Int
        public var name: String
        public var index: Int
        public var train: Int
        public var val: Int
        public var test: Int
        public var total: Int
    }

    public struct Counts: Codable, Equatable, Sendable {
        /// N, oversampled copies included.
        public var total: Int
        public var bySplit: [String: Int]
        public var byClass: [ClassCount]
        /// Samples per fold (empty without folds; oversampled copies have fold −1 and are not counted).
        public var byFold: [Int]
        /// Oversampled copies appended after the original samples (split train, fold −1).
        public var oversampled: Int

        enum CodingKeys: String, CodingKey {
            case total, oversampled
            case bySplit = "by_split"
            case byClass = "by_class"
            case byFold = "by_fold"
        }
    }

    /// The sampling settings used.
    public struct Settings: Codable, Equatable, Sendable {
        public var size: Int
        /// patches: skip, reflect or nan.
        public var pad: String?
        public var keepNaN: Bool
        public var perPolygon: Int?
        public var maxPerClass: Int?
        /// parcels: how crops are resized.
        public var resize: String?
        /// segments: pixels between tile origins, and the dilation radius of the line mask.
        public var stride: Int? = nil
        public var dilate: Int? = nil

        enum CodingKeys: String, CodingKey {
            case size, pad, resize, stride, dilate
            case keepNaN = "keep_nan"
            case perPolygon = "per_polygon"
            case maxPerClass = "max_per_class"
        }
    }

    public struct CubeSource: Codable, Equatable, Sendable {
        public var path: String
        /// SHA-256 of `cube.json` (which carries the cube's scenes and settings digest).
        public var manifestSHA256: String
        public var settingsDigest: String?

        enum CodingKeys: String, CodingKey {
            case path
            case manifestSHA256 = "manifest_sha256"
            case settingsDigest = "settings_digest"
        }
    }

    public struct LabelSource: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String
        public var layer: String?
        public var field: String
        public var nameField: String?
        public var groupField: String?
        public var crs: String?

        enum CodingKeys: String, CodingKey {
            case path, sha256, layer, field, crs
            case nameField = "name_field"
            case groupField = "group_field"
        }
    }

    public struct Provenance: Codable, Equatable, Sendable {
        public var cube: CubeSource
        public var labels: LabelSource
        /// The program that wrote the dataset ("sitscube 0.1.0").
        public var tool: String
    }

    public var format: String
    /// "patches", "parcels" or "segments".
    public var kind: String
    /// [N, T, C, H, W] of x.npy.
    public var shape: [Int]
    public var axes: String
    public var bands: [String]
    /// Time step labels from cube.json, in order.
    public var times: [String]
    public var classes: [ClassInfo]
    /// x, y (and mask, features for parcels).
    public var arrays: [String: ArrayEntry]
    public var normalization: Normalization
    public var splits: Splits
    public var counts: Counts
    /// Labels that did not become samples, by reason.
    public var skipped: [String: Int]
    public var settings: Settings
    public var provenance: Provenance

    /// Reads and checks `dataset.json` in `folder`.
    /// - Throws: `SamplesError.badDataset` naming the file and what is wrong.
    public static func read(from folder: String) throws -> DatasetManifest {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SamplesError.badDataset(path: path, "no dataset manifest; make a dataset with `sitscube patches` or `sitscube parcels`")
        }
        let manifest: DatasetManifest
        do { manifest = try JSONDecoder().decode(DatasetManifest.self, from: data) } catch {
            throw SamplesError.badDataset(path: path, "not a valid dataset manifest: \(error)")
        }
        guard manifest.format == formatTag else {
            throw SamplesError.badDataset(path: path, "format is '\(manifest.format)', expected '\(formatTag)'")
        }
        guard manifest.shape.count == 5, manifest.axes == "NTCHW" else {
            throw SamplesError.badDataset(path: path, "shape must be [N, T, C, H, W] with axes NTCHW")
        }
        return manifest
    }

    /// The JSON bytes: sorted keys, so the same dataset always gives the same file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
