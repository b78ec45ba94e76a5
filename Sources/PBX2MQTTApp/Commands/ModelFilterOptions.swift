import ArgumentParser

/// `--queues` / `--agents`: restrict the model to these ids (`run` and `check-config`).
struct ModelFilterOptions: ParsableArguments {
    @Option(
        name: ConfigurationKey.modelQueues.flagName,
        help: ArgumentHelp(ConfigurationKey.modelQueues.help(note: "Repeatable or comma-separated.")))
    var queues: [String] = []
    @Option(
        name: ConfigurationKey.modelAgents.flagName,
        help: ArgumentHelp(ConfigurationKey.modelAgents.help(note: "Repeatable or comma-separated.")))
    var agents: [String] = []

    /// The given filters, keyed by YAML path.
    var flagValues: [String: ConfigurationSources.FlagValue] {
        var values: [String: ConfigurationSources.FlagValue] = [:]
        if !self.queues.isEmpty {
            values[ConfigurationKey.modelQueues.yamlPath] = .list(Self.split(self.queues))
        }
        if !self.agents.isEmpty {
            values[ConfigurationKey.modelAgents.yamlPath] = .list(Self.split(self.agents))
        }
        return values
    }

    private static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map(String.init) }
    }
}
