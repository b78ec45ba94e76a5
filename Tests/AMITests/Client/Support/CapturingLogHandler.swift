import Logging
import Synchronization

/// Keeps every log entry in memory so tests can assert on levels, messages and metadata.
struct CapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata

        /// The message and all metadata as one string, to search for leaks.
        var fullText: String {
            ([self.message] + self.metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    final class Store: Sendable {
        private let entries = Mutex<[Entry]>([])
        var all: [Entry] { self.entries.withLock { $0 } }
        func append(_ entry: Entry) { self.entries.withLock { $0.append(entry) } }
    }

    let store: Store
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = self.metadata
        for (key, value) in event.metadata ?? [:] { merged[key] = value }
        self.store.append(Entry(level: event.level, message: event.message.description, metadata: merged))
    }

    /// A trace-level logger writing into a fresh store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        let logger = Logger(label: "ami-test") { _ in CapturingLogHandler(store: store) }
        return (logger, store)
    }
}
