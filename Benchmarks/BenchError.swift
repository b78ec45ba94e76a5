/// Why a benchmark scenario could not produce a figure.
enum BenchError: Error, CustomStringConvertible {
    case timeout(String)
    case setup(String)

    var description: String {
        switch self {
        case .timeout(let what): "timed out waiting for \(what)"
        case .setup(let what): "setup failed: \(what)"
        }
    }
}

/// Polls `condition` every `interval` until it holds; throws after `timeout`, or after `stall`
/// seconds in which `progress` did not change (a stuck pipeline fails fast instead of waiting
/// out the whole timeout).
func waitUntil(
    _ what: String,
    timeout: Double,
    stall: Double? = nil,
    interval: Duration = .milliseconds(2),
    progress: () -> Int = { 0 },
    _ condition: () async -> Bool
) async throws {
    let start = MonotonicClock.nanoseconds()
    var lastProgress = progress()
    var lastChange = start
    while !(await condition()) {
        let now = MonotonicClock.nanoseconds()
        if Double(now - start) / 1e9 > timeout {
            throw BenchError.timeout(what)
        }
        let current = progress()
        if current != lastProgress {
            lastProgress = current
            lastChange = now
        } else if let stall, Double(now - lastChange) / 1e9 > stall {
            throw BenchError.timeout("\(what) (no progress for \(stall) s)")
        }
        try await Task.sleep(for: interval)
    }
}

/// Waits until `done` holds or `progress` has not moved for `quiet` seconds (whichever first);
/// throws only after `timeout`.
func waitForQuiet(timeout: Double, quiet: Double, progress: () -> Int, _ done: () -> Bool) async throws {
    let start = MonotonicClock.nanoseconds()
    var last = progress()
    var lastChange = start
    while !done() {
        try await Task.sleep(for: .milliseconds(2))
        let now = MonotonicClock.nanoseconds()
        let current = progress()
        if current != last {
            last = current
            lastChange = now
        } else if Double(now - lastChange) / 1e9 > quiet {
            return
        }
        if Double(now - start) / 1e9 > timeout { throw BenchError.timeout("messages (timeout \(timeout) s)") }
    }
}
