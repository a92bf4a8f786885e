/// Reshape of the non-batch axes (a view: no copy). One entry may be −1.
/// `Reshape([-1])` is Keras's `Flatten`.
public final class Reshape: Layer {
    public let target: [Int]
    private var inShape: [Int] = []
    public init(_ target: [Int]) { self.target = target }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 1 else { throw NNError.shapeMismatch(what: "Reshape input", expected: [-1], actual: x.shape) }
        let per = x.count / Swift.max(x.shape[0], 1)
        var t = target
        let known = t.filter { $0 != -1 }.reduce(1, *)
        if let i = t.firstIndex(of: -1), known > 0 { t[i] = per / known }
        guard t.reduce(1, *) == per, t.allSatisfy({ $0 >= 0 }) else {
            throw NNError.shapeMismatch(what: "Reshape to \(target)", expected: [x.shape[0]] + target, actual: x.shape)
        }
        inShape = x.shape
        return x.view([x.shape[0]] + t)
    }

    public func backward(_ dy: Tensor) -> Tensor { dy.view(inShape) }
}

/// Flatten every non-batch axis: (N, …) → (N, Π…).
public func Flatten() -> Reshape { Reshape([-1]) }

/// Permutation of the non-batch axes; `order` lists them 1-based as Keras's
/// `Permute` does: `Permute([2, 1])` turns (N, T, C) into (N, C, T).
public final class Permute: Layer {
    public let order: [Int]
    private var inShape: [Int] = []
    private var y: Tensor?, dx: Tensor?
    public init(_ order: [Int]) { self.order = order }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == order.count + 1, Set(order) == Set(1...order.count) else {
            throw NNError.shapeMismatch(what: "Permute(\(order)) input", expected: [-1] + order.map { _ in -1 }, actual: x.shape)
        }
        let perm = [0] + order
        let y = Tensor.reuse(self.y, perm.map { x.shape[$0] })
        permute(x, into: y, perm: perm)
        inShape = x.shape
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let perm = [0] + order
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let dx = Tensor.reuse(self.dx, inShape)
        permute(dy, into: dx, perm: inverse)
        self.dx = dx
        return dx
    }
}

/// y = x transposed so that y's axis i is x's axis perm[i].
func permute(_ x: Tensor, into y: Tensor, perm: [Int]) {
    let r = x.rank
    var xs = [Int](repeating: 1, count: r)
    for i in stride(from: r - 2, through: 0, by: -1) { xs[i] = xs[i + 1] * x.shape[i + 1] }
    let ystr = perm.map { xs[$0] }, yshape = perm.map { x.shape[$0] }
    var idx = [Int](repeating: 0, count: r)
    let xp = x.ptr, yp = y.ptr
    var off = 0
    for o in 0..<x.count {
        yp[o] = xp[off]
        var a = r - 1
        while a >= 0 {
            idx[a] += 1
            off += ystr[a]
            if idx[a] < yshape[a] { break }
            off -= ystr[a] * yshape[a]
            idx[a] = 0
            a -= 1
        }
    }
}

/// Strided copy helper: treats a tensor as (outer, axisLen, inner).
private func split3(_ shape: [Int], _ axis: Int) -> (Int, Int, Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

/// Selects `range` along `axis` (counted with the batch axis as 0).
public final class Slice: Layer {
    public let axis: Int
    public let range: Range<Int>
    private var inShape: [Int] = []
    private var y: Tensor?, dx: Tensor?
    public init(axis: Int, _ range: Range<Int>) { self.axis = axis; self.range = range }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard axis >= 1, axis < x.rank, range.lowerBound >= 0, range.upperBound <= x.shape[axis] else {
            throw NNError.shapeMismatch(what: "Slice(axis \(axis), \(range)) input", expected: [], actual: x.shape)
        }
        var s = x.shape; s[axis] = range.count
        let y = Tensor.reuse(self.y, s)
        let (outer, len, inner) = split3(x.shape, axis)
        for o in 0..<outer {
            (y.ptr + o * range.count * inner).update(from: x.ptr + (o * len + range.lowerBound) * inner, count: range.count * inner)
        }
        inShape = x.shape
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.reuse(self.dx, inShape)
        dx.zero()
        let (outer, len, inner) = split3(inShape, axis)
        for o in 0..<outer {
            (dx.ptr + (o * len + range.lowerBound) * inner).update(from: dy.ptr + o * range.count * inner, count: range.count * inner)
        }
        self.dx = dx
        return dx
    }
}

/// Concatenation of several tensors along `axis` (batch is axis 0): a
/// multi-input op for models with branches (U-Net skips).
public final class Concat {
    public let axis: Int
    private var shapes: [[Int]] = []
    private var y: Tensor?
    private var dxs: [Tensor] = []
    public init(axis: Int) { self.axis = axis }

    public func forward(_ xs: [Tensor]) throws -> Tensor {
        guard let first = xs.first, axis >= 0, axis < first.rank else {
            throw NNError.invalidArgument("Concat(axis \(axis)) needs at least one input of rank > \(axis)")
        }
        for x in xs {
            var a = x.shape, b = first.shape
            guard a.count == b.count else { throw NNError.shapeMismatch(what: "Concat input", expected: first.shape, actual: x.shape) }
            a[axis] = 0; b[axis] = 0
            guard a == b else { throw NNError.shapeMismatch(what: "Concat(axis \(axis)) input", expected: first.shape, actual: x.shape) }
        }
        var s = first.shape
        s[axis] = xs.reduce(0) { $0 + $1.shape[axis] }
        let y = Tensor.reuse(self.y, s)
        let (outer, total, inner) = split3(s, axis)
        var at = 0
        for x in xs {
            let len = x.shape[axis]
            for o in 0..<outer { (y.ptr + (o * total + at) * inner).update(from: x.ptr + o * len * inner, count: len * inner) }
            at += len
        }
        shapes = xs.map(\.shape)
        self.y = y
        return y
    }

    /// Splits dy back into one gradient per input.
    public func backward(_ dy: Tensor) -> [Tensor] {
        let (outer, total, inner) = split3(dy.shape, axis)
        if dxs.count != shapes.count { dxs = shapes.map { Tensor(zeros: $0) } }
        var at = 0
        for (i, s) in shapes.enumerated() {
            let dx = Tensor.reuse(dxs[i], s)
            let len = s[axis]
            for o in 0..<outer { (dx.ptr + o * len * inner).update(from: dy.ptr + (o * total + at) * inner, count: len * inner) }
            at += len
            dxs[i] = dx
        }
        return dxs
    }
}

/// Applies `inner` to every time step of x (B, T, …) with shared weights by
/// folding time into batch: (B·T, …) → inner → (B, T, …′). Keras's
/// `TimeDistributed`, as seed 000 §2.3.1 wraps its 2D-CNN.
public final class TimeDistributed: Layer {
    public let inner: Layer
    private var bt: (Int, Int) = (0, 0)
    private var inShape: [Int] = []
    public init(_ inner: Layer) { self.inner = inner }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 3 else {
            throw NNError.shapeMismatch(what: "TimeDistributed input (B, T, …)", expected: [-1, -1, -1], actual: x.shape)
        }
        bt = (x.shape[0], x.shape[1])
        inShape = x.shape
        let y = try inner.forward(x.view([bt.0 * bt.1] + x.shape[2...]))
        return y.view([bt.0, bt.1] + y.shape[1...])
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let g = inner.backward(dy.view([bt.0 * bt.1] + dy.shape[2...]))
        return g.view(inShape)
    }

    public var namedParameters: [(String, Parameter)] { inner.namedParameters }
    public func setTraining(_ training: Bool) { inner.setTraining(training) }
}

/// Elementwise sum of two tensors of equal shape (residual connections);
/// the gradient passes unchanged to both inputs.
public func add(_ a: Tensor, _ b: Tensor, into out: Tensor? = nil) throws -> Tensor {
    guard a.shape == b.shape else { throw NNError.shapeMismatch(what: "add", expected: a.shape, actual: b.shape) }
    let y = Tensor.reuse(out, a.shape)
    for i in 0..<a.count { y.ptr[i] = a.ptr[i] + b.ptr[i] }
    return y
}
