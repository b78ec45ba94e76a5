import Logging
import Synchronization

/// Keeps the lines a bridge logs during a scenario, so the bench can report how many a flood
/// cost: back-pressure must be logged once per episode, never once per message.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var count: Int { self.lines.withLock { $0.count } }
    var all: [String] { self.lines.withLock { $0 } }

    func append(_ line: String) {
        self.lines.withLock { $0.append(line) }
    }

    func removeAll() {
        self.lines.withLock { $0.removeAll() }
    }

    /// A logger at `level` that appends each line (level, message, metadata) here.
    func logger(label: String, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in CountingLogHandler(lines: self) }
        logger.logLevel = level
        return logger
    }
}

/// The `LogHandler` behind `LogLines.logger`.
struct CountingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let pairs = all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        self.lines.append("\(event.level) \(event.message) \(pairs)")
    }
}
