import Logging
import Synchronization

/// The process-wide log level, changeable after bootstrap (SIGHUP reload).
///
/// swift-log allows one bootstrap per process, and each `Logger` copies its handler's level;
/// handlers made by ``LoggingBootstrap`` therefore read this shared control unless a level was
/// set on that particular logger. An atomic keeps the per-statement check lock-free.
final class LogLevelControl: Sendable {
    private let storage: Atomic<UInt8>

    init(_ level: Logger.Level) {
        self.storage = Atomic(Self.code(level))
    }

    /// The current level; setting it affects every logger that did not set its own.
    var level: Logger.Level {
        get { Self.level(self.storage.load(ordering: .relaxed)) }
        set { self.storage.store(Self.code(newValue), ordering: .relaxed) }
    }

    private static func code(_ level: Logger.Level) -> UInt8 {
        UInt8(Logger.Level.allCases.firstIndex(of: level) ?? 2)
    }

    private static func level(_ code: UInt8) -> Logger.Level {
        let all = Logger.Level.allCases
        return Int(code) < all.count ? all[Int(code)] : .info
    }
}
