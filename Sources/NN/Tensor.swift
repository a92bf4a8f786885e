/// Float32 storage shared by tensors that view it.
///
/// Memory is allocated once, zeroed, and kept: layers reuse their activation and
/// gradient buffers across batches, because fresh memory on this class of VM costs
/// about 2 s/GB in page faults.
final class Storage {
    let ptr: UnsafeMutablePointer<Float>
    let capacity: Int
    /// The storage this one is a window into; keeps it alive. `nil` when this one owns `ptr`.
    private let base: Storage?

    init(capacity: Int) {
        let n = Swift.max(capacity, 1)
        ptr = .allocate(capacity: n)
        ptr.initialize(repeating: 0, count: n)
        self.capacity = capacity
        base = nil
    }

    init(window base: Storage, offset: Int, count: Int) {
        precondition(offset >= 0 && offset + count <= base.capacity, "storage window out of range")
        ptr = base.ptr + offset
        capacity = count
        self.base = base
    }

    deinit {
        if base == nil { ptr.deallocate() }
    }
}

/// A contiguous, row-major Float32 tensor.
///
/// Like a PyTorch tensor, a `Tensor` is a *view*: copying the struct shares the
/// data, and writing through one copy is seen by the others. Use ``copy()`` for an
/// independent tensor. Tensors returned by a layer's `forward`/`backward` belong
/// to the layer and are overwritten by its next call (llm.c-style preallocated
/// activations); copy them if you need them longer.
public struct Tensor {
    public private(set) var shape: [Int]
    let storage: Storage

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Number of axes.
    public var rank: Int { shape.count }
    var ptr: UnsafeMutablePointer<Float> { storage.ptr }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.shape = shape
        storage = Storage(capacity: shape.reduce(1, *))
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(zeros: shape)
        ptr.update(repeating: value, count: count)
    }

    /// A tensor holding `scalars` (row-major) with the given shape.
    /// - Throws: ``NNError/shapeMismatch`` when the element count differs.
    public init(shape: [Int], scalars: [Float]) throws {
        let n = shape.reduce(1, *)
        guard n == scalars.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw NNError.shapeMismatch(what: "Tensor(shape:scalars:)", expected: shape, actual: [scalars.count])
        }
        self.init(zeros: shape)
        scalars.withUnsafeBufferPointer { src in
            if n > 0, let b = src.baseAddress { ptr.update(from: b, count: n) }
        }
    }

    init(shape: [Int], storage: Storage) {
        precondition(shape.reduce(1, *) <= storage.capacity, "tensor larger than its storage")
        self.shape = shape
        self.storage = storage
    }

    /// The elements, row-major, as a new array.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: ptr, count: count))
    }

    /// The elements in place, for code outside the engine that fills or reads whole
    /// batches (the trainer's batch assembly) without a copy per element.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: ptr, count: count))
    }

    /// Flat (row-major) element access.
    public subscript(flat i: Int) -> Float {
        get { precondition(i >= 0 && i < count, "index out of range"); return ptr[i] }
        nonmutating set { precondition(i >= 0 && i < count, "index out of range"); ptr[i] = newValue }
    }

    /// Element access by multi-index.
    public subscript(_ idx: Int...) -> Float {
        get { ptr[offset(idx)] }
        nonmutating set { ptr[offset(idx)] = newValue }
    }

    private func offset(_ idx: [Int]) -> Int {
        precondition(idx.count == shape.count, "index rank \(idx.count) ≠ tensor rank \(shape.count)")
        var o = 0
        for (i, n) in zip(idx, shape) {
            precondition(i >= 0 && i < n, "index out of range")
            o = o * n + i
        }
        return o
    }

    /// A view of the same data with another shape of equal element count.
    /// - Throws: ``NNError/shapeMismatch`` when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard newShape.reduce(1, *) == count, newShape.allSatisfy({ $0 >= 0 }) else {
            throw NNError.shapeMismatch(what: "reshape", expected: newShape, actual: shape)
        }
        return Tensor(shape: newShape, storage: storage)
    }

    /// Internal reshape for shapes known to match.
    func view(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "view \(newShape) of \(shape)")
        return Tensor(shape: newShape, storage: storage)
    }

    /// An independent copy.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.ptr.update(from: ptr, count: count)
        return t
    }

    /// Sets every element to zero.
    public func zero() { ptr.update(repeating: 0, count: count) }

    /// Sets every element to `v`.
    public func fill(_ v: Float) { ptr.update(repeating: v, count: count) }

    /// Copies the elements of `other` (same element count) into this tensor.
    public func assign(from other: Tensor) throws {
        guard other.count == count else {
            throw NNError.shapeMismatch(what: "assign", expected: shape, actual: other.shape)
        }
        ptr.update(from: other.ptr, count: count)
    }

    /// Returns `old` reshaped to `shape` when its storage is large enough, else a new
    /// zeroed tensor. Contents are *not* cleared on reuse. This is how layers keep
    /// their workspaces across batches and only grow them.
    static func reuse(_ old: Tensor?, _ shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        if let old, old.storage.capacity >= n {
            return Tensor(shape: shape, storage: old.storage)
        }
        return Tensor(zeros: shape)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(\(shape): [\(head)\(count > 8 ? ", …" : "")])"
    }
}
