import ArgumentParser

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `pbx2mqtt demo`: the daemon against the embedded AMI simulator, with a local broker.
///
/// Accepts every `run` option; `--agents`/`--queues` size the simulator here instead of
/// filtering the model. `--mqtt-port` is the local broker's port; `--broker HOST:PORT` uses
/// an existing broker instead of starting one.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bridge against a simulated call center (no Asterisk needed)."
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("broker"), help: "Use this broker (HOST:PORT) instead of starting mosquitto.")
    var broker: String?
    @Option(name: .customLong("agents"), help: "Simulated agents.")
    var agents: Int = DemoOptions.defaultAgents
    @Option(name: .customLong("queues"), help: "Simulated queues.")
    var queues: Int = DemoOptions.defaultQueues
    @Option(name: .customLong("cps"), help: "Simulated calls per second.")
    var callsPerSecond: Double = DemoOptions.defaultCallsPerSecond

    mutating func validate() throws {
        guard (1...10_000).contains(self.agents) else {
            throw ValidationError("--agents must be within 1...10000")
        }
        guard (1...1_000).contains(self.queues) else {
            throw ValidationError("--queues must be within 1...1000")
        }
        guard self.callsPerSecond > 0, self.callsPerSecond <= 10_000 else {
            throw ValidationError("--cps must be within (0, 10000]")
        }
        if let broker = self.broker, case .failure(let failure) = ListenAddress.parse(broker) {
            throw ValidationError("--broker '\(broker)' \(failure.reason)")
        }
    }

    /// The demo's own settings, derived from the flags.
    func demoOptions() throws -> DemoOptions {
        let broker: DemoOptions.Broker
        if let text = self.broker {
            guard case .success(let address) = ListenAddress.parse(text) else {
                throw ValidationError("--broker '\(text)' is not HOST:PORT")
            }
            broker = .external(host: address.host, port: address.port)
        } else {
            broker = .local(port: self.options.mqttPort.flatMap { Int($0) })
        }
        return DemoOptions(
            agents: self.agents,
            queues: self.queues,
            callsPerSecond: self.callsPerSecond,
            broker: broker
        )
    }

    /// The configuration sources: demo credentials for the simulator and the broker address
    /// are layered over the user's flags.
    func sources(demo: DemoOptions) -> ConfigurationSources {
        var flags = self.options.flagValues
        flags[ConfigurationKey.amiUsername.yamlPath] = .string(DemoOptions.simulatorUsername)
        flags[ConfigurationKey.amiSecret.yamlPath] = .string(UUID().uuidString)
        // An empty value counts as unset and outranks a secretFile from the file or environment.
        flags[ConfigurationKey.amiSecretFile.yamlPath] = .string("")
        flags[ConfigurationKey.amiHost.yamlPath] = .string("127.0.0.1")
        if case .external(let host, let port) = demo.broker {
            flags[ConfigurationKey.mqttHost.yamlPath] = .string(host)
            flags[ConfigurationKey.mqttPort.yamlPath] = .string(String(port))
        } else {
            flags[ConfigurationKey.mqttHost.yamlPath] = .string("127.0.0.1")
        }
        return ConfigurationSources.process(configFile: self.options.config, flags: flags)
    }

    func run() async throws {
        let demo = try self.demoOptions()
        // Computed once: the demo secret is random, and a reload must see the same one.
        try await CommandSupport.runDaemon(sources: self.sources(demo: demo), mode: .demo(demo))
    }
}
