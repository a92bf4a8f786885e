// swift-tools-version:6.0
// sitscube: satellite image time series → data cubes → training datasets → classified maps.
// Target layering follows DESIGN.md §2: a target imports only those listed above it.
import PackageDescription

let package = Package(
    name: "sitscube",
    products: [
        .executable(name: "sitscube", targets: ["sitscube"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // MARK: C libraries (system packages; only GeoIO imports CGDAL, only NN imports CBLAS)
        .systemLibrary(
            name: "CGDAL", pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev", "libproj-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),

        // MARK: Library targets, bottom to top
        .target(
            name: "GeoIO",
            dependencies: ["CGDAL", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Scenes", dependencies: ["GeoIO"]),
        .target(name: "Cube", dependencies: ["GeoIO", "Scenes"]),
        .target(name: "Samples", dependencies: ["GeoIO", "Scenes", "Cube"]),
        .target(name: "NN", dependencies: ["CBLAS"]),
        .target(name: "Models", dependencies: ["NN"]),
        .target(name: "Training", dependencies: ["NN", "Models", "Samples"]),
        .target(name: "Prediction", dependencies: ["GeoIO", "Cube", "NN", "Models"]),
        .target(name: "SampleArchive", dependencies: ["GeoIO", "Scenes"]),
        .target(
            name: "Pipeline",
            dependencies: [
                "GeoIO", "Scenes", "Cube", "Samples", "NN", "Models", "Training", "Prediction",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: The CLI
        .executableTarget(
            name: "sitscube",
            dependencies: [
                "GeoIO", "Scenes", "Cube", "Samples", "SampleArchive", "NN", "Models",
                "Training", "Prediction", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: Benchmarks
        .executableTarget(name: "nn-bench", dependencies: ["NN"]),
        .executableTarget(name: "rf-bench", dependencies: ["Models"]),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["GeoIO"], path: "Tests/TestSupport"),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO", "TestSupport"]),
        .testTarget(name: "SampleArchiveTests", dependencies: ["SampleArchive", "GeoIO", "TestSupport"]),
        .testTarget(name: "ScenesTests", dependencies: ["Scenes", "GeoIO", "TestSupport"]),
        .testTarget(name: "CubeTests", dependencies: ["Cube", "Scenes", "GeoIO", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "SamplesTests", dependencies: ["Samples", "Cube", "GeoIO", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "NN"]),
        .testTarget(name: "RandomForestTests", dependencies: ["Models"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "NN", "Samples", "TestSupport"]),
        .testTarget(name: "PredictionTests", dependencies: ["Prediction", "Models", "NN", "Cube", "GeoIO", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Cube", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
