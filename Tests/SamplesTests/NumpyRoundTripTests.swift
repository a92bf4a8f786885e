import Foundation
import Samples
import TestSupport
import XCTest

/// NumPy reads every array as it is, with the dtype and shape `dataset.json` states; our own
/// header writer and checksum agree with NumPy's and sha256sum's.
final class NumpyRoundTripTests: XCTestCase {
    /// A python3 that has numpy, installing it for the user when missing.
    static let python: String? = {
        for candidate in ["python3", "/usr/bin/python3"] {
            if (try? Command.run(candidate, ["-c", "import numpy"], allowFailure: true).status) == 0 { return candidate }
        }
        _ = try? Command.run("python3", ["-m", "pip", "install", "--user", "--quiet", "numpy"], allowFailure: true)
        return (try? Command.run("python3", ["-c", "import numpy"], allowFailure: true).status) == 0 ? "python3" : nil
    }()

    func testNumpyLoadsEveryArrayAsDatasetJSONStates() throws {
        guard let python = Self.python else { throw XCTSkip("no python3 with numpy") }
        let tmp = try TempFolder("numpy")
        let cube = try SyntheticCube(folder: tmp.file("cube"))
        var points: [LabelFile.Point] = []
        for i in 0..<30 {
            let p = cube.world(col: 4 + i, row: 4 + i % 20)
            points.append(.init(x: p.x, y: p.y, id: i, code: 1 + i % 2))
        }
        try LabelFile.points(points, to: tmp.file("points.geojson"))
        let ring = [(5.0, 5.0), (15.0, 5.0), (15.0, 12.0), (5.0, 12.0)].map { cube.world(col: 0, row: 0, dx: $0.0, dy: $0.1) }
        let ring2 = [(20.0, 15.0), (23.0, 15.0), (23.0, 17.0), (20.0, 17.0)].map { cube.world(col: 0, row: 0, dx: $0.0, dy: $0.1) }
        try LabelFile.polygons([(1, 3, ring), (2, 4, ring2)], to: tmp.file("parcels.geojson"))
        var r = try SitscubeBinary.run(["patches", cube.folder, "--labels", tmp.file("points.geojson"), "-o", tmp.file("patches"), "--size", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try SitscubeBinary.run(["parcels", cube.folder, "--parcels", tmp.file("parcels.geojson"), "--field", "crop", "-o", tmp.file("parcels")])
        XCTAssertEqual(r.status, 0, r.stderr)

        let script = """
            import json, sys, numpy
            d = sys.argv[1]
            m = json.load(open(d + '/dataset.json'))
            assert m['axes'] == 'NTCHW', m['axes']
            for name, a in sorted(m['arrays'].items()):
                x = numpy.load(d + '/' + a['file'])
                assert str(x.dtype) == a['dtype'], (name, x.dtype, a['dtype'])
                assert list(x.shape) == a['shape'], (name, x.shape, a['shape'])
                assert x.flags['C_CONTIGUOUS']
                if name == 'x': assert list(x.shape) == m['shape']
                if name == 'y': assert x.min() >= 0 and x.max() < len(m['classes'])
            with open(d + '/' + m['arrays']['x']['file'], 'rb') as f:
                head = f.read(10)
                assert head[:8] == b'\\x93NUMPY\\x01\\x00', head
                assert (10 + head[8] + 256 * head[9]) % 64 == 0
            print('ok', m['kind'])
            """
        for folder in ["patches", "parcels"] {
            let out = try Command.run(python, ["-c", script, tmp.file(folder)], allowFailure: true)
            XCTAssertEqual(out.status, 0, out.stderr)
            XCTAssertTrue(out.stdout.hasPrefix("ok"), out.stdout + out.stderr)
        }
        let info = try SitscubeBinary.run(["dataset", "info", tmp.file("parcels")])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("every array matches dataset.json"), info.stdout)
        XCTAssertTrue(info.stdout.contains("parcels, x 2×3×2×32×32"), info.stdout)
    }

    func testHeaderOfOurWriterReadsBackAndChecksumMatchesSha256sum() throws {
        let tmp = try TempFolder("npy")
        try NpyWriter.write([Int32(3), -1, 7], type: .int32, shape: [3], to: tmp.file("y.npy"))
        let reader = try NpyReader(path: tmp.file("y.npy"))
        XCTAssertEqual(reader.header, NpyHeader(type: .int32, shape: [3]))
        XCTAssertEqual(try reader.readAll(as: Int32.self), [3, -1, 7])
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: tmp.file("y.npy"))).prefix(128), as: UTF8.self)
        XCTAssertTrue(text.contains("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"), text)

        var data = Data()
        for i in 0..<100_003 { data.append(UInt8(truncatingIfNeeded: i &* 31)) }
        try data.write(to: URL(fileURLWithPath: tmp.file("blob")))
        let expected = try Command.run("sha256sum", [tmp.file("blob")]).stdout.prefix(64)
        XCTAssertEqual(try SHA256.file(tmp.file("blob")), String(expected))
        var empty = SHA256()
        XCTAssertEqual(empty.finish(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
