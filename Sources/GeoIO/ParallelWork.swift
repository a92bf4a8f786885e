import Dispatch
import Foundation

/// Runs `count` independent jobs on `threads` workers. Each worker takes the next job index
/// when it is free, so uneven jobs balance. `work(worker, job)` gets a stable worker number
/// (0..<threads) for per-thread state such as open datasets and block buffers.
/// The first error stops the remaining jobs and is rethrown.
public enum ParallelWork {
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public static func run(count: Int, threads: Int = defaultThreads, _ work: (_ worker: Int, _ job: Int) throws -> Void) throws {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for job in 0..<count { try work(0, job) }
            return
        }
        let lock = NSLock()
        var next = 0
        var firstError: Error?
        withoutActuallyEscaping(work) { work in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    lock.lock()
                    let job = next
                    next += 1
                    let stop = firstError != nil
                    lock.unlock()
                    if stop || job >= count { return }
                    do { try work(worker, job) } catch {
                        lock.lock()
                        if firstError == nil { firstError = error }
                        lock.unlock()
                    }
                }
            }
        }
        if let firstError { throw firstError }
    }
}
