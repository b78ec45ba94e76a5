import ArgumentParser

/// `--queues` / `--agents`: restrict the model to these ids (`run` and `check-config`).
struct ModelFilterOptions: ParsableArguments {
    @Option(name: .customLong("queues"), help: "Queues to publish; repeatable or comma-separated (all).")
    var queues: [String] = []
    @Option(name: .customLong("agents"), help: "Agents to publish; repeatable or comma-separated (all).")
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
