/// What `pbx2mqtt check-config` decides for a set of sources, without printing anything: the
/// lines for standard error, the report for standard output and the exit status.
///
/// ``CheckConfigCommand`` prints it. It is `package` because the configuration fuzzer (Fuzz/)
/// drives this same path (YAML file → loader → validation → rendering) with arbitrary files.
package struct ConfigurationCheck: Sendable, Equatable {
    /// Warnings (unknown keys) and, when invalid, every problem: for standard error.
    package var messages: [String]
    /// The effective configuration, secrets masked; nil when invalid.
    package var report: String?
    /// 0, or ``InvalidConfiguration/exitCode``.
    package var exitCode: Int32

    /// What the report on standard output shows for a valid configuration.
    package enum Report: Sendable, Equatable {
        /// The effective configuration in this syntax.
        case effective(EffectiveConfiguration.Format)
        /// The manager.conf eventfilter lines for the agent templates (`--eventfilters`).
        case eventFilters
    }

    /// Checks `sources` and renders `report` when they make a valid configuration.
    package static func run(_ sources: ConfigurationSources, report: Report) async -> ConfigurationCheck {
        var messages = CommandSupport.unknownKeyWarnings(sources)
        do {
            let configuration = try await ConfigurationLoader.load(sources)
            messages += ConfigurationWarning.of(configuration).map { "pbx2mqtt: warning: \($0)" }
            let text =
                switch report {
                case .effective(let format): CheckConfigCommand.report(configuration, format: format)
                case .eventFilters: CheckConfigCommand.eventFilterReport(configuration)
                }
            return ConfigurationCheck(messages: messages, report: text, exitCode: 0)
        } catch {
            messages.append("pbx2mqtt: \(error)")
            return ConfigurationCheck(messages: messages, report: nil, exitCode: InvalidConfiguration.exitCode)
        }
    }
}
