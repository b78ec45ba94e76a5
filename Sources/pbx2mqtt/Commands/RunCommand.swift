import ArgumentParser
import Logging

/// `pbx2mqtt run`: the daemon against a real Asterisk.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bridge: Asterisk AMI in, MQTT out, commands back."
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var model: ModelFilterOptions

    /// The sources this invocation reads (kept by the daemon for SIGHUP reloads).
    var sources: ConfigurationSources {
        ConfigurationSources.process(
            configFile: self.options.config,
            flags: self.options.flagValues.merging(self.model.flagValues) { _, new in new }
        )
    }

    func run() async throws {
        let sources = self.sources
        let configuration = try await CommandSupport.loadOrExit(sources)
        let redaction = Redaction(configuration: configuration)
        let levels = LogLevelControl(configuration.log.level)
        let logger = LoggingBootstrap.bootstrap(
            format: configuration.log.format,
            levelControl: levels,
            redaction: redaction
        )
        for path in sources.configFile.map(UnknownKeyScanner.unknownKeys(inFile:)) ?? [] {
            logger.warning("unknown configuration key ignored", metadata: ["config.key": "\(path)"])
        }
        MetricsBootstrap.bootstrap()
        let reload = ReloadContext(sources: sources, redaction: redaction, levels: levels)
        try await Daemon.run(configuration: configuration, mode: .run, logger: logger, reload: reload)
    }
}
