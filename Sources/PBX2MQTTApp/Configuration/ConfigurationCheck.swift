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

    /// Checks `sources` and renders the effective configuration in `format`.
    package static func run(_ sources: ConfigurationSources, format: EffectiveConfiguration.Format) async
        -> ConfigurationCheck
    {
        var messages = CommandSupport.unknownKeyWarnings(sources)
        do {
            let configuration = try await ConfigurationLoader.load(sources)
            return ConfigurationCheck(
                messages: messages, report: CheckConfigCommand.report(configuration, format: format), exitCode: 0)
        } catch {
            messages.append("pbx2mqtt: \(error)")
            return ConfigurationCheck(messages: messages, report: nil, exitCode: InvalidConfiguration.exitCode)
        }
    }
}
