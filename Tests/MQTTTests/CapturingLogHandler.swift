import Logging
import Synchronization

/// A log handler that keeps every entry, rendered as text, for assertions on what was logged.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let lines = Mutex<[String]>([])
    }

    let store: Store
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let pairs = all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let text = "\(event.level) \(event.message) \(pairs)"
        self.store.lines.withLock { $0.append(text) }
    }

    /// A trace-level logger writing into `store`.
    static func logger(_ store: Store) -> Logger {
        Logger(label: "mqtt-tests.capture", factory: { _ in CapturingLogHandler(store: store) })
    }
}
