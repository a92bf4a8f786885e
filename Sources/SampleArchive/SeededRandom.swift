/// Randomness of the sample archive. Everything random is derived from the user's seed through
/// these functions, never from `SystemRandomNumberGenerator`, and never from the standard
/// library's `random(in:using:)` (whose algorithm may change between toolchains): the same
/// seed must give the same bytes everywhere (DESIGN.md §5).

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast generator with a 64-bit state, good
/// enough for synthetic data and trivially reproducible.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one named stream of a seed (e.g. seed 42, stream "clouds" of scene 7).
    init(seed: UInt64, stream: UInt64, _ index: UInt64 = 0) {
        state = Hash.mix(seed, stream, index)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Hash.finalize(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// Uniform in 0..<n (n > 0); the modulo bias is below 2⁻⁵⁰ for the small n used here.
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Fisher–Yates with our own index draws.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}

/// Stateless hashing: a value for any (seed, stream, coordinates) tuple, so pixels and scenes
/// can be generated in any order, or in parallel, and still come out the same.
enum Hash {
    /// SplitMix64's output function (a strong 64-bit mixer).
    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        finalize(a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 0x632B_E59B_D9B4_E019))
    }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 { mix(mix(a, b), c) }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> UInt64 { mix(mix(mix(a, b), c), d) }

    /// Integers (possibly negative) as hash input.
    @inline(__always)
    static func key(_ i: Int) -> UInt64 { UInt64(bitPattern: Int64(i)) }

    /// Uniform in [0, 1) from a hash.
    @inline(__always)
    static func unit(_ h: UInt64) -> Float { Float(h >> 40) * 0x1.0p-24 }

    /// Approximately standard normal from a hash: the sum of four 16-bit uniforms, rescaled
    /// (Irwin–Hall); cheap, and the tails stop at ±3.5σ, which suits sensor noise.
    @inline(__always)
    static func gaussian(_ h: UInt64) -> Float {
        let a = Float(h & 0xFFFF), b = Float((h >> 16) & 0xFFFF), c = Float((h >> 32) & 0xFFFF), d = Float(h >> 48)
        return ((a + b + c + d) * (1 / 65536) - 2) * 1.7320508
    }
}

/// Value noise on a lattice, smoothly interpolated: the building block of every texture, zone
/// boundary and cloud field. Continuous in world coordinates, so the 10, 20, 30 and 60 m
/// products all sample one landscape.
struct ValueNoise: Sendable {
    let seed: UInt64

    init(seed: UInt64) { self.seed = seed }

    @inline(__always)
    private func lattice(_ i: Int, _ j: Int) -> Float {
        Hash.unit(Hash.mix(seed, Hash.key(i), Hash.key(j)))
    }

    @inline(__always)
    private static func fade(_ t: Float) -> Float { t * t * t * (t * (t * 6 - 15) + 10) }

    /// Noise in [0, 1) at (x, y) in lattice units.
    func value(_ x: Float, _ y: Float) -> Float {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let i = Int(fx), j = Int(fy)
        let u = Self.fade(x - fx), v = Self.fade(y - fy)
        let a = lattice(i, j), b = lattice(i + 1, j), c = lattice(i, j + 1), d = lattice(i + 1, j + 1)
        let top = a + (b - a) * u, bottom = c + (d - c) * u
        return top + (bottom - top) * v
    }

    /// Fractal sum of `octaves` layers, each twice as fine and `gain` times as strong; the result
    /// is rescaled to [0, 1) with mean 0.5.
    func fractal(_ x: Float, _ y: Float, octaves: Int, gain: Float = 0.5) -> Float {
        var sum: Float = 0, amplitude: Float = 1, total: Float = 0, fx = x, fy = y
        for octave in 0..<octaves {
            // Each octave is shifted so lattice points of different octaves do not line up.
            sum += amplitude * value(fx + Float(octave) * 17.31, fy - Float(octave) * 9.73)
            total += amplitude
            amplitude *= gain
            fx *= 2
            fy *= 2
        }
        return sum / total
    }
}
