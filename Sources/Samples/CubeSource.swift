import Cube
import Foundation
import GeoIO

/// A cube opened for sampling: its manifest and one open GeoTIFF per time step. Reads return
/// every time step and band of a window at once, planes in (t, c) order, as the NTCHW layout
/// of DESIGN.md §3 wants them.
public final class CubeSource {
    public let folder: String
    public let manifest: CubeManifest
    public let grid: Grid
    public var timeCount: Int { manifest.times.count }
    public var bandCount: Int { manifest.bands.count }
    /// The GeoTIFF tile size (512 for cubes `sitscube cube` writes): blocks follow it.
    public let tileSize: (width: Int, height: Int)
    private let rasters: [Raster]
    private var planes: [[Float]]

    /// Opens `folder` and checks every time step against `cube.json`.
    /// - Throws: `CubeError.badCube` naming the file that is missing or does not match.
    public init(folder: String) throws {
        self.folder = folder
        manifest = try CubeManifest.read(from: folder)
        grid = manifest.gridValue
        var rasters: [Raster] = []
        for t in manifest.times {
            let path = folder + "/" + t.file
            let raster: Raster
            do { raster = try Raster.open(path) } catch {
                throw CubeError.badCube(path: path, "time step \(t.label) cannot be opened (\(error)); rebuild the cube")
            }
            guard raster.width == grid.width, raster.height == grid.height, raster.bandCount == manifest.bands.count else {
                throw CubeError.badCube(path: path, "is \(raster.width)×\(raster.height) with \(raster.bandCount) bands; cube.json says \(grid.width)×\(grid.height) with \(manifest.bands.count)")
            }
            rasters.append(raster)
        }
        self.rasters = rasters
        let block = (try? rasters.first?.blockSize()) ?? nil
        tileSize = (max(block?.width ?? 512, 16), max(block?.height ?? 512, 16))
        planes = Array(repeating: [], count: rasters.count)
    }

    /// The number of Float values `read(window:)` produces for `window`.
    public func valueCount(_ window: Window) -> Int { timeCount * bandCount * window.pixelCount }

    /// Reads every band of every time step in `window` into `buffer` (grown when too small):
    /// plane (t, c) starts at `offset + (t * C + c) * planeStride` (`window.pixelCount` by
    /// default, so planes are packed). Time steps are read on up to `threads` threads, one file
    /// each (each `Raster` is used by one thread at a time).
    /// - Throws: GeoIO errors naming the file and window.
    public func read(window: Window, into buffer: inout [Float], planeStride: Int? = nil, offset: Int = 0, threads: Int) throws {
        let n = window.pixelCount, bands = bandCount
        let stride = max(planeStride ?? n, n)
        let needed = offset + (timeCount * bands - 1) * stride + n
        if buffer.count < needed {
            // Exactly what is needed: appending would double the capacity of a buffer of hundreds of MB.
            buffer.reserveCapacity(needed)
            buffer.append(contentsOf: repeatElement(.nan, count: needed - buffer.count))
        }
        try buffer.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress
            try planes.withUnsafeMutableBufferPointer { planes in
                try ParallelWork.run(count: rasters.count, threads: threads) { _, t in
                    for c in 0..<bands {
                        try rasters[t].read(band: c + 1, window: window, into: &planes[t])
                        planes[t].withUnsafeBufferPointer { src in
                            guard let s = src.baseAddress, let d = base else { return }
                            (d + offset + (t * bands + c) * stride).update(from: s, count: n)
                        }
                    }
                }
            }
        }
    }
}
