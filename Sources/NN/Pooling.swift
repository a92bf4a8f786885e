/// Max pooling over 1, 2 or 3 spatial axes, channels last; stride = pool size,
/// 'valid' (floor) as Keras's default: 9×9 → 4×4 with a 2×2 pool.
public class MaxPoolingLayer: Layer {
    public let pool: [Int]
    /// Per output element, which tap of its window won (row-major in the window).
    private var argmax: [UInt16] = []
    private var inShape: [Int] = []
    private var y: Tensor?, dx: Tensor?

    init(pool: [Int]) throws {
        guard pool.allSatisfy({ $0 >= 1 }), pool.reduce(1, *) <= Int(UInt16.max) else {
            throw NNError.invalidArgument("max-pool size must be ≥ 1 (window ≤ 65535), got \(pool)")
        }
        self.pool = pool
    }

    /// Geometry padded to three spatial axes: input s, pool p, output o, channels c, batch n.
    private func geometry(_ shape: [Int]) -> (s: [Int], p: [Int], o: [Int], n: Int, c: Int) {
        let r = pool.count, pad3 = Array(repeating: 1, count: 3 - r)
        let s = pad3 + Array(shape[1...r]), p = pad3 + pool
        return (s, p, zip(s, p).map { $0 / $1 }, shape[0], shape[r + 1])
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        let r = pool.count
        guard x.rank == r + 2, zip(x.shape[1...r], pool).allSatisfy({ $0 >= $1 }) else {
            throw NNError.shapeMismatch(what: "MaxPool\(r)D(\(pool)) input", expected: [-1] + pool + [-1], actual: x.shape)
        }
        let (s, p, o, n, c) = geometry(x.shape)
        let y = Tensor.reuse(self.y, [n] + Array(o.suffix(r)) + [c])
        if argmax.count < y.count { argmax = [UInt16](repeating: 0, count: y.count) }
        let xp = x.ptr, yp = y.ptr
        let (s0, s1, s2, p0, p1, p2, o0, o1, o2) = (s[0], s[1], s[2], p[0], p[1], p[2], o[0], o[1], o[2])
        let perSample = o0 * o1 * o2
        argmax.withUnsafeMutableBufferPointer { amb in
            guard let am = amb.baseAddress else { return }
            parallelFor(n) { b in
                for od in 0..<o0 { for oh in 0..<o1 { for ow in 0..<o2 {
                    let out = ((b * perSample) + (od * o1 + oh) * o2 + ow) * c
                    let yb = yp + out, ab = am + out
                    var tap: UInt16 = 0
                    for a in 0..<p0 { for bb in 0..<p1 { for cc in 0..<p2 {
                        let src = xp + (((b * s0 + od * p0 + a) * s1 + oh * p1 + bb) * s2 + ow * p2 + cc) * c
                        if tap == 0 {
                            yb.update(from: src, count: c)
                            ab.update(repeating: 0, count: c)
                        } else {
                            for ch in 0..<c {
                                let better = src[ch] > yb[ch]
                                yb[ch] = better ? src[ch] : yb[ch]
                                ab[ch] = better ? tap : ab[ch]
                            }
                        }
                        tap += 1
                    } } }
                } } }
            }
        }
        inShape = x.shape
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y else { preconditionFailure("MaxPool.backward before forward") }
        precondition(dy.count == y.count, "MaxPool.backward: dy \(dy.shape)")
        let dx = Tensor.reuse(self.dx, inShape)
        let (s, p, o, n, c) = geometry(inShape)
        let dxp = dx.ptr, dyp = dy.ptr
        let (s0, s1, s2, p0, p1, p2, o0, o1, o2) = (s[0], s[1], s[2], p[0], p[1], p[2], o[0], o[1], o[2])
        let perSample = o0 * o1 * o2
        argmax.withUnsafeBufferPointer { amb in
            guard let am = amb.baseAddress else { return }
            parallelFor(n) { b in
                // Rows/columns beyond the last full window (floor pooling) get no gradient.
                if o0 * p0 != s0 || o1 * p1 != s1 || o2 * p2 != s2 {
                    (dxp + b * s0 * s1 * s2 * c).update(repeating: 0, count: s0 * s1 * s2 * c)
                }
                for od in 0..<o0 { for oh in 0..<o1 { for ow in 0..<o2 {
                    let out = ((b * perSample) + (od * o1 + oh) * o2 + ow) * c
                    var tap: UInt16 = 0
                    for a in 0..<p0 { for bb in 0..<p1 { for cc in 0..<p2 {
                        let dst = dxp + (((b * s0 + od * p0 + a) * s1 + oh * p1 + bb) * s2 + ow * p2 + cc) * c
                        for ch in 0..<c { dst[ch] = am[out + ch] == tap ? dyp[out + ch] : 0 }
                        tap += 1
                    } } }
                } } }
            }
        }
        self.dx = dx
        return dx
    }
}

/// x (N, L, C) → (N, L/p, C).
public final class MaxPool1D: MaxPoolingLayer {
    public init(_ pool: Int = 2) throws { try super.init(pool: [pool]) }
}
/// x (N, H, W, C) → (N, H/ph, W/pw, C).
public final class MaxPool2D: MaxPoolingLayer {
    public init(_ pool: (Int, Int) = (2, 2)) throws { try super.init(pool: [pool.0, pool.1]) }
}
/// x (N, D, H, W, C) → (N, D/pd, H/ph, W/pw, C).
public final class MaxPool3D: MaxPoolingLayer {
    public init(_ pool: (Int, Int, Int) = (2, 2, 2)) throws { try super.init(pool: [pool.0, pool.1, pool.2]) }
}

/// Global average or max over every axis between batch and channels:
/// x (N, S…, C) → (N, C). Over time for (B, T, D) it is the mean across time steps
/// that seed 000 §2.3.6 feeds to its dense layers.
public final class GlobalPool: Layer {
    public enum Kind: String, Codable { case average, max }
    public let kind: Kind
    private var inShape: [Int] = []
    private var argmax: [Int32] = []
    private var y: Tensor?, dx: Tensor?

    public init(_ kind: Kind) { self.kind = kind }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 3 else {
            throw NNError.shapeMismatch(what: "GlobalPool input (N, S…, C)", expected: [-1, -1, -1], actual: x.shape)
        }
        let n = x.shape[0], c = x.shape[x.rank - 1], s = x.count / (n * c)
        let y = Tensor.reuse(self.y, [n, c])
        if kind == .max, argmax.count < n * c { argmax = [Int32](repeating: 0, count: n * c) }
        let xp = x.ptr, yp = y.ptr
        switch kind {
        case .average:
            let inv = 1 / Float(s)
            for b in 0..<n {
                let yb = yp + b * c
                yb.update(repeating: 0, count: c)
                for i in 0..<s { let xr = xp + (b * s + i) * c; for ch in 0..<c { yb[ch] += xr[ch] } }
                for ch in 0..<c { yb[ch] *= inv }
            }
        case .max:
            argmax.withUnsafeMutableBufferPointer { am in
                for b in 0..<n {
                    let yb = yp + b * c
                    for ch in 0..<c { yb[ch] = xp[b * s * c + ch]; am[b * c + ch] = Int32(b * s * c + ch) }
                    for i in 1..<Swift.max(s, 1) {
                        let off = (b * s + i) * c
                        for ch in 0..<c where xp[off + ch] > yb[ch] { yb[ch] = xp[off + ch]; am[b * c + ch] = Int32(off + ch) }
                    }
                }
            }
        }
        inShape = x.shape
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.reuse(self.dx, inShape)
        let n = inShape[0], c = inShape[inShape.count - 1], s = dx.count / Swift.max(n * c, 1)
        let dxp = dx.ptr, dyp = dy.ptr
        switch kind {
        case .average:
            let inv = 1 / Float(s)
            for b in 0..<n { for i in 0..<s { for ch in 0..<c { dxp[(b * s + i) * c + ch] = dyp[b * c + ch] * inv } } }
        case .max:
            dx.zero()
            argmax.withUnsafeBufferPointer { am in for i in 0..<(n * c) { dxp[Int(am[i])] += dyp[i] } }
        }
        self.dx = dx
        return dx
    }
}
