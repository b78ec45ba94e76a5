import Logging

/// Installs the pbx2mqtt log backend; called exactly once, by the command about to run.
enum LoggingBootstrap {
    /// Bootstraps swift-log with ``PBXLogHandler`` in the configured format.
    ///
    /// - Parameters:
    ///   - format: Line format from the configuration (fixed for the life of the process).
    ///   - levelControl: The shared level; set its `level` on reload.
    ///   - redaction: Known secrets to scrub; call ``Redaction/update(secrets:)`` on reload.
    ///   - sink: Where lines go (standard error by default).
    /// - Returns: The root logger, labelled `pbx2mqtt`.
    static func bootstrap(
        format: AppConfiguration.Log.Format,
        levelControl: LogLevelControl,
        redaction: Redaction,
        sink: any LogSink = StandardErrorLogSink()
    ) -> Logger {
        LoggingSystem.bootstrap { label in
            PBXLogHandler(label: label, format: format, levelControl: levelControl, sink: sink, redaction: redaction)
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
        let control = LogLevelControl(log.level)
        return Logger(label: label) { label in
            PBXLogHandler(label: label, format: log.format, levelControl: control, sink: sink, redaction: redaction)
        }
    }
}
