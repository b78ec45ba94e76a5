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
        try await CommandSupport.runDaemon(sources: self.sources, mode: .run)
    }
}
