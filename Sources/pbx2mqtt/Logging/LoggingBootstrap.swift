import Logging

/// Installs the pbx2mqtt log backend; called exactly once, by the command about to run.
enum LoggingBootstrap {
    /// Bootstraps swift-log with ``PBXLogHandler`` at the configured level and format.
    ///
    /// - Parameters:
    ///   - log: Level and line format from the configuration.
    ///   - redaction: Known secrets to scrub; keep it to ``Redaction/update(secrets:)`` on reload.
    ///   - levelControl: The shared level a SIGHUP reload changes.
    ///   - sink: Where lines go (standard error by default).
    /// - Returns: The root logger, labelled `pbx2mqtt`.
    static func bootstrap(
        log: AppConfiguration.Log,
        redaction: Redaction,
        levelControl: LogLevelControl? = nil,
        sink: any LogSink = StandardErrorLogSink()
    ) -> Logger {
        let control = levelControl ?? LogLevelControl(log.level)
        LoggingSystem.bootstrap { label in
            PBXLogHandler(label: label, format: log.format, level: log.level, sink: sink, redaction: redaction, levelControl: control)
        }
        return Logger(label: "pbx2mqtt")
    }

    /// A logger with its own handler, not touching the global bootstrap (tests, tools).
    static func makeLogger(
        label: String = "pbx2mqtt",
        log: AppConfiguration.Log,
        redaction: Redaction,
        sink: any LogSink
    ) -> Logger {
        Logger(label: label) { label in
            PBXLogHandler(label: label, format: log.format, level: log.level, sink: sink, redaction: redaction)
        }
    }
}
