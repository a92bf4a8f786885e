import Foundation
import XCTest
@testable import NN

final class SafetensorsTests: XCTestCase {
    private func model(seed: UInt64) throws -> Sequential {
        var rng = RNG(seed: seed)
        return Sequential(named: [
            ("conv", try Conv2D(2, 3, kernel: (3, 3), rng: &rng)), ("bn", BatchNorm(3)), ("act", Activation(.relu)),
            ("flat", Flatten()), ("fc", Linear(3 * 4 * 4, 5, rng: &rng)),
        ])
    }

    private func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nn-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    }

    func testRoundTripGivesIdenticalOutputs() throws {
        let a = try model(seed: 1)
        _ = try a.forward(randomTensor([8, 4, 4, 2], seed: 2))  // moves BN running stats off their defaults
        a.setTraining(false)
        let x = randomTensor([3, 4, 4, 2], seed: 3)
        let ya = try a.forward(x).scalars
        let url = tempURL("rt.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.saveSafetensors(to: url, metadata: ["classes": "a,b,c,d,e"])
        let b = try model(seed: 99)
        b.setTraining(false)
        XCTAssertNotEqual(try b.forward(x).scalars, ya)
        let meta = try b.loadSafetensors(from: url)
        XCTAssertEqual(try b.forward(x).scalars, ya)
        XCTAssertEqual(meta["classes"], "a,b,c,d,e")
        XCTAssertEqual(meta["format"], Safetensors.formatTag)
        // Header length is a multiple of 8 and the file size is exact.
        let data = try Data(contentsOf: url)
        let n = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(data.count, 8 + n + 4 * a.namedParameters.reduce(0) { $0 + $1.1.value.count })
    }

    func testShapeMismatchAndMissingTensorAreNamed() throws {
        let url = tempURL("bad.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var rng = RNG(seed: 1)
        try Sequential(named: [("fc", Linear(4, 2, rng: &rng))]).saveSafetensors(to: url)
        XCTAssertThrowsError(try Sequential(named: [("fc", Linear(4, 3, rng: &rng))]).loadSafetensors(from: url)) {
            XCTAssertEqual($0 as? NNError, .shapeMismatch(what: "tensor 'fc.weight'", expected: [4, 3], actual: [4, 2]))
        }
        XCTAssertThrowsError(try Sequential(named: [("dense", Linear(4, 2, rng: &rng))]).loadSafetensors(from: url)) {
            XCTAssertEqual($0 as? NNError, .missingTensor("dense.weight"))
        }
        XCTAssertThrowsError(try Safetensors.decode(Data([1, 2, 3])))
        XCTAssertThrowsError(try Safetensors.decode(Data([255, 0, 0, 0, 0, 0, 0, 0, 0x7B])))
    }

    /// A plain python3 + numpy parser, written from the format description, reads our file.
    func testPythonReadsTheFile() throws {
        let url = tempURL("py.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let a = try model(seed: 5)
        try a.saveSafetensors(to: url, metadata: ["note": "hello"])
        let script = """
        import json, struct, sys
        import numpy as np
        raw = open(sys.argv[1], 'rb').read()
        (n,) = struct.unpack('<Q', raw[:8])
        header = json.loads(raw[8:8 + n])
        body = raw[8 + n:]
        out = {'__metadata__': header.pop('__metadata__')}
        for name, info in header.items():
            assert info['dtype'] == 'F32'
            b, e = info['data_offsets']
            arr = np.frombuffer(body[b:e], dtype='<f4').reshape(info['shape'])
            out[name] = {'shape': list(arr.shape), 'sum': float(arr.astype(np.float64).sum()), 'first': float(arr.flat[0])}
        print(json.dumps(out))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, url.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw XCTSkip("python3 not available") }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("python3 with numpy not available") }
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: out) as? [String: Any])
        XCTAssertEqual((parsed["__metadata__"] as? [String: String])?["note"], "hello")
        for (name, param) in a.namedParameters {
            let info = try XCTUnwrap(parsed[name] as? [String: Any], name)
            XCTAssertEqual(info["shape"] as? [Int], param.shape, name)
            let sum = param.value.scalars.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(try XCTUnwrap(info["sum"] as? Double), sum, accuracy: 1e-4, name)
            XCTAssertEqual(try XCTUnwrap(info["first"] as? Double), Double(param.value[flat: 0]), accuracy: 1e-12, name)
        }
    }
}
