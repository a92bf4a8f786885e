import Foundation
import GeoIO

/// How the user names the target grid: `like:FILE.tif`, `EPSG:n,RES[,xmin,ymin,xmax,ymax]`, or
/// nothing (the first scene's own grid, at its finest resolution).
public enum GridSpec: Sendable, Equatable {
    case firstScene
    case like(path: String)
    case crs(String, resolution: Double, bounds: (Double, Double, Double, Double)?)

    /// - Throws: `SceneError.invalidOption` with the accepted forms when `text` matches none.
    public init(parsing text: String?) throws {
        guard let text, !text.isEmpty else { self = .firstScene; return }
        if text.hasPrefix("like:") {
            self = .like(path: String(text.dropFirst(5)))
            return
        }
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = parts.dropFirst().map { Double($0) }
        guard parts.count == 2 || parts.count == 6, !numbers.contains(nil), let resolution = numbers[0], resolution > 0 else {
            throw SceneError.invalidOption("--grid '\(text)': expected like:FILE.tif or EPSG:n,RES[,xmin,ymin,xmax,ymax] with RES > 0")
        }
        _ = try SpatialReference(parts[0])
        var bounds: (Double, Double, Double, Double)?
        if parts.count == 6, let x0 = numbers[1], let y0 = numbers[2], let x1 = numbers[3], let y1 = numbers[4] {
            guard x1 > x0, y1 > y0 else {
                throw SceneError.invalidOption("--grid '\(text)': xmax must exceed xmin and ymax exceed ymin")
            }
            bounds = (x0, y0, x1, y1)
        }
        self = .crs(parts[0], resolution: resolution, bounds: bounds)
    }

    public static func == (a: GridSpec, b: GridSpec) -> Bool {
        switch (a, b) {
        case (.firstScene, .firstScene): return true
        case let (.like(p), .like(q)): return p == q
        case let (.crs(c1, r1, b1), .crs(c2, r2, b2)):
            return c1 == c2 && r1 == r2 && b1.map { [$0.0, $0.1, $0.2, $0.3] } == b2.map { [$0.0, $0.1, $0.2, $0.3] }
        default: return false
        }
    }

    /// The grid for `scenes` (which must not be empty for `.firstScene` and bound-less `.crs`).
    public func resolve(for scenes: [Scene]) throws -> Grid {
        switch self {
        case let .like(path):
            return try Raster.open(path).grid
        case .firstScene:
            guard let first = scenes.first else { throw SceneError.invalidOption("no scenes to take the grid from") }
            return try Self.nativeGrid(of: first)
        case let .crs(crs, resolution, bounds):
            let wkt = try SpatialReference(crs).wkt
            if let (x0, y0, x1, y1) = bounds {
                return try Self.checked(Grid(crs: wkt, minX: x0, minY: y0, maxX: x1, maxY: y1, resolutionX: resolution, resolutionY: resolution))
            }
            guard !scenes.isEmpty else { throw SceneError.invalidOption("--grid \(crs),\(resolution) without bounds needs at least one scene") }
            var box = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
            for scene in scenes {
                let b = try Self.bounds(of: Self.nativeGrid(of: scene), in: crs)
                box = (min(box.minX, b.minX), min(box.minY, b.minY), max(box.maxX, b.maxX), max(box.maxY, b.maxY))
            }
            // Snap outwards to whole pixels so grids of different runs align.
            let snap = { (v: Double, up: Bool) in (up ? (v / resolution).rounded(.up) : (v / resolution).rounded(.down)) * resolution }
            return try Self.checked(Grid(crs: wkt, minX: snap(box.minX, false), minY: snap(box.minY, false), maxX: snap(box.maxX, true),
                                         maxY: snap(box.maxY, true), resolutionX: resolution, resolutionY: resolution))
        }
    }

    static func checked(_ grid: Grid) throws -> Grid {
        guard !grid.isEmpty else {
            throw SceneError.invalidOption("--grid: the extent and resolution give no pixels, or more than \(Grid.maxSide) on a side")
        }
        return grid
    }

    /// The grid of a scene's finest band (10 m for Sentinel-2, 30 m for Landsat).
    public static func nativeGrid(of scene: Scene) throws -> Grid {
        if let finest = scene.resolutionGrids.first { return finest }
        let reference = scene.bands[.blue] ?? scene.bands.values.sorted { $0.productBand < $1.productBand }.first
        guard let reference else { throw SceneError.missingBand(path: scene.path, band: "blue") }
        return try Raster.open(reference.path).grid
    }

    /// A grid's extent in another CRS, through points along its edges (edges curve when reprojected).
    static func bounds(of grid: Grid, in crs: String) throws -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let transform = try CoordinateTransform(from: SpatialReference(grid.crs), to: SpatialReference(crs))
        var xs: [Double] = [], ys: [Double] = []
        let steps = 20
        for i in 0...steps {
            let f = Double(i) / Double(steps)
            for (c, r) in [(f, 0.0), (f, 1.0), (0.0, f), (1.0, f)] {
                let p = grid.transform.world(col: c * Double(grid.width), row: r * Double(grid.height))
                xs.append(p.x)
                ys.append(p.y)
            }
        }
        try transform.transform(x: &xs, y: &ys)
        return (xs.min() ?? 0, ys.min() ?? 0, xs.max() ?? 0, ys.max() ?? 0)
    }
}
