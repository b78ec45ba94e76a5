import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where rendered log lines go. One call writes one complete line.
protocol LogSink: Sendable {
    /// Writes `line` followed by a newline, never interleaved with another line.
    func write(line: String)
}

/// Writes log lines to standard error (journald picks them up under systemd).
final class StandardErrorLogSink: LogSink {
    private let lock = Mutex(())

    init() {}

    func write(line: String) {
        let text = line + "\n"
        // One write per line under a lock, so concurrent loggers never interleave characters.
        // A closed stderr must not crash the daemon: the line is dropped.
        self.lock.withLock { _ in
            StandardStream.error.write(text)
        }
    }
}

/// Collects log lines in memory; used by tests and by `check-config` dry runs.
final class InMemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    init() {}

    func write(line: String) {
        self.storage.withLock { $0.append(line) }
    }

    /// Every line written so far.
    var lines: [String] {
        self.storage.withLock { $0 }
    }
}
