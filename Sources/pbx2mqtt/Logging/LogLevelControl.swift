import Logging
import Synchronization

/// The process-wide log level, changeable by a SIGHUP reload.
///
/// swift-log copies a handler into every `Logger`, so a level stored in the handler could not
/// be changed afterwards; every ``PBXLogHandler`` reads this shared value instead. An atomic
/// keeps the check that runs before every log call lock-free.
final class LogLevelControl: Sendable {
    private let index: Atomic<Int>

    init(_ level: Logger.Level) {
        self.index = Atomic(Self.index(of: level))
    }

    var level: Logger.Level {
        get { Logger.Level.allCases[self.index.load(ordering: .relaxed)] }
        set { self.index.store(Self.index(of: newValue), ordering: .relaxed) }
    }

    private static func index(of level: Logger.Level) -> Int {
        Logger.Level.allCases.firstIndex(of: level) ?? 0
    }
}
