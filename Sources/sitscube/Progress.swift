import Foundation

/// Progress of long work on stderr: a bar redrawn in place on a terminal, plain log lines
/// otherwise (CI, pipes). Thread-safe.
final class Progress {
    private let total: Int
    private let unit: String
    private let start = Date()
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var done = 0

    init(total: Int, unit: String) {
        self.total = total
        self.unit = unit
    }

    func advance(by count: Int = 1, note: String = "") {
        lock.lock()
        defer { lock.unlock() }
        done += count
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if isTerminal {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            Log.raw("\r\(bar) \(done)/\(total) \(unit)  \(String(format: "%.1f", rate))/s  ETA \(Int(eta)) s  \(note.prefix(60))\u{1B}[K")
        } else {
            Log.raw("[\(done)/\(total) \(unit)] \(note)\n")
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal { Log.raw("\n") }
    }
}

/// Plain messages on stderr (results go to stdout).
enum Log {
    static func info(_ message: String) { raw(message + "\n") }

    static func raw(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
