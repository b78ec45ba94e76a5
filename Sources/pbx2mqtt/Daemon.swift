import Logging

/// The bridge daemon: runs until SIGTERM.
///
/// TEMPORARY: the lead replaces this file with the Bridge wiring. It exists only so the ops
/// branch (commands, configuration, logging, HTTP) builds and its commands can be exercised.
enum Daemon {
    /// Why the daemon stopped without running.
    enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The bridge wiring is not part of this build.
        case notWired

        var description: String {
            "daemon wiring lands with the Bridge"
        }
    }

    /// Runs the daemon in `mode` with `configuration` until shutdown.
    /// - Throws: ``Failure/notWired`` in this build.
    static func run(configuration: AppConfiguration, mode: DaemonMode, logger: Logger) async throws {
        logger.error("daemon wiring lands with the Bridge")
        throw Failure.notWired
    }
}
