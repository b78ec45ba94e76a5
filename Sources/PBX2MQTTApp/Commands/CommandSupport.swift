import ArgumentParser
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Steps every subcommand shares: load the configuration or exit 78.
enum CommandSupport {
    /// Loads the configuration from this process's sources.
    ///
    /// On failure prints every problem to standard error and throws `ExitCode(78)`.
    static func loadOrExit(_ sources: ConfigurationSources) async throws -> AppConfiguration {
        do {
            return try await ConfigurationLoader.load(sources)
        } catch {
            Self.printError("pbx2mqtt: \(error)")
            throw ExitCode(InvalidConfiguration.exitCode)
        }
    }

    /// Loads the configuration, bootstraps logging and metrics once for the process, and runs
    /// the daemon in `mode` until it stops: what `run` and `demo` share.
    static func runDaemon(sources: ConfigurationSources, mode: DaemonMode) async throws {
        let configuration = try await self.loadOrExit(sources)
        let redaction = Redaction(configuration: configuration)
        let levels = LogLevelControl(configuration.log.level)
        let logger = LoggingBootstrap.bootstrap(
            format: configuration.log.format, levelControl: levels, redaction: redaction)
        for path in sources.configFile.map(UnknownKeyScanner.unknownKeys(inFile:)) ?? [] {
            logger.warning("unknown configuration key ignored", metadata: [DaemonLogKey.configKey: "\(path)"])
        }
        Self.logWarnings(configuration, logger: logger)
        MetricsBootstrap.bootstrap()
        let reload = ReloadContext(sources: sources, redaction: redaction, levels: levels)
        try await Daemon.run(configuration: configuration, mode: mode, logger: logger, reload: reload)
    }

    /// Logs what the configuration does that it should not (also after a reload).
    static func logWarnings(_ configuration: AppConfiguration, logger: Logger) {
        for warning in ConfigurationWarning.of(configuration) {
            var metadata: Logger.Metadata = [DaemonLogKey.configKey: "\(warning.key)"]
            if case .secretFileReadable(_, let path, let mode) = warning {
                metadata[DaemonLogKey.file] = "\(path)"
                metadata[DaemonLogKey.fileMode] = "\(ConfigurationWarning.octal(mode))"
            }
            logger.warning("\(warning)", metadata: metadata)
        }
    }

    /// Lines warning about keys in the configuration file that pbx2mqtt does not know.
    static func unknownKeyWarnings(_ sources: ConfigurationSources) -> [String] {
        guard let file = sources.configFile else {
            return []
        }
        return UnknownKeyScanner.unknownKeys(inFile: file).map { "pbx2mqtt: warning: \($0): unknown key, ignored" }
    }

    /// Writes one message to standard error (before logging is bootstrapped).
    static func printError(_ message: String) {
        StandardStream.error.write(message + "\n")
    }
}
