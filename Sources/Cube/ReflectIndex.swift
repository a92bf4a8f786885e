/// The index `i` mirrors to in 0..<n without repeating the edge element (NumPy's `reflect` pad):
/// −1 → 1, n → n − 2. Patches (`sitscube patches --pad reflect`) and `predict` pad the cube
/// border the same way through this one function, so training and mapping see the same pixels.
public func reflectIndex(_ i: Int, count n: Int) -> Int {
    if i >= 0 && i < n { return i }
    guard n > 1 else { return 0 }
    let period = 2 * (n - 1)
    let m = ((i % period) + period) % period
    return m < n ? m : period - m
}
