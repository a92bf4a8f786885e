#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementary functions in one place, so kernels need not import Glibc each.
@inline(__always) func _exp(_ x: Float) -> Float { expf(x) }
@inline(__always) func _tanh(_ x: Float) -> Float { tanhf(x) }
@inline(__always) func _erf(_ x: Float) -> Float { erff(x) }
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _logf(_ x: Float) -> Float { logf(x) }
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
