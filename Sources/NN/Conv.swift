/// Stride-1 convolution over 1, 2 or 3 spatial axes, channels last (NHWC, as Keras).
///
/// The kernel has Keras's layout (k…, cin, cout), so the im2col matrix
/// (positions, k…·cin) times the kernel viewed as (k…·cin, cout) gives the output
/// directly in channels-last order.
public class ConvolutionLayer: Layer {
    public let spatialRank: Int
    public let inChannels: Int, outChannels: Int
    public let kernelSize: [Int]
    public let padding: Padding
    public let weight: Parameter
    public let bias: Parameter?
    /// Set to `false` on a network's first layer to skip ∂L/∂input (saves a GEMM and a col2im).
    public var computesInputGradient = true
    private let ws = ConvWorkspace()
    private var geometry: ConvGeometry?
    private var x: Tensor?, y: Tensor?, dx: Tensor?
    private var batch = 0

    init(spatialRank: Int, inChannels: Int, outChannels: Int, kernelSize: [Int], padding: Padding, bias: Bool,
         weightInit: Initializer, biasInit: Initializer, rng: inout RNG) throws {
        guard kernelSize.allSatisfy({ $0 >= 1 }), inChannels >= 1, outChannels >= 1 else {
            throw NNError.invalidArgument("Conv\(spatialRank)D needs kernel sizes and channel counts ≥ 1, got kernel \(kernelSize), \(inChannels)→\(outChannels)")
        }
        self.spatialRank = spatialRank
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.padding = padding
        let rf = kernelSize.reduce(1, *)
        weight = makeParameter(kernelSize + [inChannels, outChannels], weightInit,
                               fanIn: rf * inChannels, fanOut: rf * outChannels, rng: &rng)
        self.bias = bias ? makeParameter([outChannels], biasInit, fanIn: rf * inChannels, fanOut: rf * outChannels, rng: &rng) : nil
    }

    /// Spatial sizes padded to three axes.
    private func three(_ s: [Int], fill: Int) -> [Int] { Array(repeating: fill, count: 3 - s.count) + s }

    public func forward(_ x: Tensor) throws -> Tensor {
        let name = "Conv\(spatialRank)D(\(inChannels)→\(outChannels)) input"
        guard x.rank == spatialRank + 2, x.shape.last == inChannels else {
            throw NNError.shapeMismatch(what: name, expected: [-1] + Array(repeating: -1, count: spatialRank) + [inChannels], actual: x.shape)
        }
        let spatial = Array(x.shape[1...spatialRank])
        if padding == .valid, zip(spatial, kernelSize).contains(where: { $0 < $1 }) {
            throw NNError.shapeMismatch(what: name + " (smaller than the kernel, 'valid' padding)", expected: [-1] + kernelSize + [inChannels], actual: x.shape)
        }
        let g = ConvGeometry(inSize: three(spatial, fill: 1), kernel: three(kernelSize, fill: 1),
                             padding: padding, cin: inChannels, cout: outChannels)
        let n = x.shape[0]
        let outSpatial = [g.outSize.d, g.outSize.h, g.outSize.w].suffix(spatialRank)
        let y = Tensor.reuse(self.y, [n] + outSpatial + [outChannels])
        convForward(g, batch: n, x: x.ptr, w: weight.value.ptr, b: bias?.value.ptr, y: y.ptr, ws: ws)
        geometry = g
        batch = n
        self.x = x
        self.y = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let g = geometry, let x, let y else { preconditionFailure("Conv.backward before forward") }
        precondition(dy.count == y.count, "Conv.backward: dy \(dy.shape) ≠ y \(y.shape)")
        let dx = Tensor.reuse(self.dx, x.shape)
        convBackward(g, batch: batch, x: x.ptr, w: weight.value.ptr, dy: dy.ptr,
                     dx: computesInputGradient ? dx.ptr : nil, dw: weight.grad.ptr, db: bias?.grad.ptr, ws: ws)
        if !computesInputGradient { dx.zero() }
        self.dx = dx
        return dx
    }

    public var namedParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// 1-D convolution: x (N, L, cin) → y (N, L′, cout); kernel (k, cin, cout).
public final class Conv1D: ConvolutionLayer {
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, padding: Padding = .same, bias: Bool = true,
                weightInit: Initializer = .glorotUniform, biasInit: Initializer = .zeros, rng: inout RNG) throws {
        try super.init(spatialRank: 1, inChannels: inChannels, outChannels: outChannels, kernelSize: [kernel],
                   padding: padding, bias: bias, weightInit: weightInit, biasInit: biasInit, rng: &rng)
    }
}

/// 2-D convolution: x (N, H, W, cin) → y (N, H′, W′, cout); kernel (kh, kw, cin, cout).
public final class Conv2D: ConvolutionLayer {
    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), padding: Padding = .same, bias: Bool = true,
                weightInit: Initializer = .glorotUniform, biasInit: Initializer = .zeros, rng: inout RNG) throws {
        try super.init(spatialRank: 2, inChannels: inChannels, outChannels: outChannels, kernelSize: [kernel.0, kernel.1],
                   padding: padding, bias: bias, weightInit: weightInit, biasInit: biasInit, rng: &rng)
    }
}

/// 3-D convolution: x (N, D, H, W, cin) → y (N, D′, H′, W′, cout); kernel (kd, kh, kw, cin, cout).
public final class Conv3D: ConvolutionLayer {
    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int, Int), padding: Padding = .same, bias: Bool = true,
                weightInit: Initializer = .glorotUniform, biasInit: Initializer = .zeros, rng: inout RNG) throws {
        try super.init(spatialRank: 3, inChannels: inChannels, outChannels: outChannels, kernelSize: [kernel.0, kernel.1, kernel.2],
                   padding: padding, bias: bias, weightInit: weightInit, biasInit: biasInit, rng: &rng)
    }
}
