import ArgumentParser
import Bridge

/// `pbx2mqtt check-config`: validate and print the effective configuration, secrets masked.
///
/// Exit 0 when valid, 78 with one `key: reason` line per problem otherwise; nothing connects.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and print the effective values (secrets masked)."
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var model: ModelFilterOptions

    @Option(name: .customLong("format"), help: "Output syntax: yaml or json.")
    var format: EffectiveConfiguration.Format = .yaml

    @Flag(
        name: .customLong("eventfilters"),
        help: "Print the manager.conf eventfilter lines for this configuration's agent templates instead.")
    var eventFilters = false

    func run() async throws {
        let check = await ConfigurationCheck.run(
            self.sources, report: self.eventFilters ? .eventFilters : .effective(self.format))
        for message in check.messages {
            CommandSupport.printError(message)
        }
        if let report = check.report {
            print(report)
        }
        guard check.exitCode == 0 else { throw ExitCode(check.exitCode) }
    }

    /// The sources this invocation reads.
    var sources: ConfigurationSources {
        ConfigurationSources.process(
            configFile: self.options.config,
            flags: self.options.flagValues.merging(self.model.flagValues) { _, new in new }
        )
    }

    /// What `check-config --eventfilters` prints: the Asterisk-side filters follow the agent
    /// templates, deploy/manager.conf carries the defaults' lines, and other templates need
    /// their own.
    static func eventFilterReport(_ configuration: AppConfiguration) -> String {
        AMIEventFilter.managerConfLines(for: Daemon.callCenterConfiguration(configuration)).joined(separator: "\n")
    }

    /// What `check-config` prints for a valid configuration.
    static func report(_ configuration: AppConfiguration, format: EffectiveConfiguration.Format) -> String {
        EffectiveConfiguration(configuration).render(as: format)
    }
}

extension EffectiveConfiguration.Format: ExpressibleByArgument {}
