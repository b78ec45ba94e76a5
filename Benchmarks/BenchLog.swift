import Logging
import Synchronization

/// Loggers for the parts the bench runs in-process: silent, so logging costs no time.
enum BenchLog {
    static let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// Unique suffixes for topic prefixes and client ids, so that one run's retained topics and
/// sessions never leak into the next scenario.
enum BenchIDs {
    private static let counter = Atomic<Int>(0)

    static func next() -> Int {
        self.counter.add(1, ordering: .relaxed).newValue
    }
}
