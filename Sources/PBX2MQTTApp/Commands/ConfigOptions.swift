import ArgumentParser

/// Every configuration flag of docs/configuration.md, shared by `run`, `demo` and `check-config`.
///
/// Flags have the highest precedence (flags > environment > file > defaults). Each option is
/// one ``ConfigurationKey`` row: its name and help come from the row, and ``flagValues`` hands
/// the set ones to the loader under the row's path (a test checks every row has its flag).
/// `--queues`/`--agents` live in ``ModelFilterOptions`` because `demo` uses those names for
/// the simulator's sizes.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $PBX2MQTT_CONFIG, else none).")
    var config: String?

    // MARK: ami
    @Option(name: ConfigurationKey.amiHost.flagName, help: ConfigurationKey.amiHost.argumentHelp)
    var amiHost: String?
    @Option(name: ConfigurationKey.amiPort.flagName, help: ConfigurationKey.amiPort.argumentHelp)
    var amiPort: String?
    @Option(name: ConfigurationKey.amiUsername.flagName, help: ConfigurationKey.amiUsername.argumentHelp)
    var amiUsername: String?
    @Option(name: ConfigurationKey.amiSecret.flagName, help: ConfigurationKey.amiSecret.argumentHelp)
    var amiSecret: String?
    @Option(name: ConfigurationKey.amiSecretFile.flagName, help: ConfigurationKey.amiSecretFile.argumentHelp)
    var amiSecretFile: String?
    @Option(name: ConfigurationKey.amiAuthType.flagName, help: ConfigurationKey.amiAuthType.argumentHelp)
    var amiAuthType: String?
    @Flag(
        name: ConfigurationKey.amiTLS.flagName,
        inversion: .prefixedNo,
        help: ConfigurationKey.amiTLS.argumentHelp
    )
    var amiTLS: Bool?
    @Option(name: ConfigurationKey.amiTLSCaFile.flagName, help: ConfigurationKey.amiTLSCaFile.argumentHelp)
    var amiTLSCaFile: String?
    @Option(name: ConfigurationKey.amiTLSCertFile.flagName, help: ConfigurationKey.amiTLSCertFile.argumentHelp)
    var amiTLSCertFile: String?
    @Option(name: ConfigurationKey.amiTLSKeyFile.flagName, help: ConfigurationKey.amiTLSKeyFile.argumentHelp)
    var amiTLSKeyFile: String?
    @Flag(
        name: ConfigurationKey.amiTLSVerifyHostname.flagName,
        inversion: .prefixedNo,
        help: ConfigurationKey.amiTLSVerifyHostname.argumentHelp
    )
    var amiTLSVerifyHostname: Bool?
    @Option(
        name: ConfigurationKey.amiKeepaliveSeconds.flagName, help: ConfigurationKey.amiKeepaliveSeconds.argumentHelp)
    var amiKeepaliveSeconds: String?
    @Option(
        name: ConfigurationKey.amiReconnectMaxSeconds.flagName,
        help: ConfigurationKey.amiReconnectMaxSeconds.argumentHelp)
    var amiReconnectMaxSeconds: String?
    @Flag(
        name: ConfigurationKey.amiEventFilter.flagName,
        inversion: .prefixedNo,
        help: ConfigurationKey.amiEventFilter.argumentHelp
    )
    var amiEventFilter: Bool?
    @Option(name: ConfigurationKey.amiMaxPacketSize.flagName, help: ConfigurationKey.amiMaxPacketSize.argumentHelp)
    var amiMaxPacketSize: String?

    // MARK: mqtt
    @Option(name: ConfigurationKey.mqttHost.flagName, help: ConfigurationKey.mqttHost.argumentHelp)
    var mqttHost: String?
    @Option(name: ConfigurationKey.mqttPort.flagName, help: ConfigurationKey.mqttPort.argumentHelp)
    var mqttPort: String?
    @Option(name: ConfigurationKey.mqttClientID.flagName, help: ConfigurationKey.mqttClientID.argumentHelp)
    var mqttClientID: String?
    @Option(name: ConfigurationKey.mqttUsername.flagName, help: ConfigurationKey.mqttUsername.argumentHelp)
    var mqttUsername: String?
    @Option(name: ConfigurationKey.mqttPassword.flagName, help: ConfigurationKey.mqttPassword.argumentHelp)
    var mqttPassword: String?
    @Option(name: ConfigurationKey.mqttPasswordFile.flagName, help: ConfigurationKey.mqttPasswordFile.argumentHelp)
    var mqttPasswordFile: String?
    @Option(name: ConfigurationKey.mqttTLSCAFile.flagName, help: ConfigurationKey.mqttTLSCAFile.argumentHelp)
    var mqttTLSCAFile: String?
    @Option(name: ConfigurationKey.mqttTLSCertFile.flagName, help: ConfigurationKey.mqttTLSCertFile.argumentHelp)
    var mqttTLSCertFile: String?
    @Option(name: ConfigurationKey.mqttTLSKeyFile.flagName, help: ConfigurationKey.mqttTLSKeyFile.argumentHelp)
    var mqttTLSKeyFile: String?
    @Option(name: ConfigurationKey.mqttProtocol.flagName, help: ConfigurationKey.mqttProtocol.argumentHelp)
    var mqttProtocol: String?
    @Option(name: ConfigurationKey.mqttPrefix.flagName, help: ConfigurationKey.mqttPrefix.argumentHelp)
    var prefix: String?
    @Option(name: ConfigurationKey.mqttQoSState.flagName, help: ConfigurationKey.mqttQoSState.argumentHelp)
    var mqttQoSState: String?
    @Option(name: ConfigurationKey.mqttQoSEvent.flagName, help: ConfigurationKey.mqttQoSEvent.argumentHelp)
    var mqttQoSEvent: String?
    @Option(name: ConfigurationKey.mqttQoSReply.flagName, help: ConfigurationKey.mqttQoSReply.argumentHelp)
    var mqttQoSReply: String?
    @Option(name: ConfigurationKey.mqttMaxQueued.flagName, help: ConfigurationKey.mqttMaxQueued.argumentHelp)
    var mqttMaxQueued: String?
    @Flag(
        name: ConfigurationKey.mqttStandby.flagName, inversion: .prefixedNo,
        help: ConfigurationKey.mqttStandby.argumentHelp)
    var mqttStandby: Bool?

    // MARK: model
    @Option(
        name: ConfigurationKey.modelAgentInterface.flagName, help: ConfigurationKey.modelAgentInterface.argumentHelp)
    var agentInterface: String?
    @Option(
        name: ConfigurationKey.modelAgentStateInterface.flagName,
        help: ConfigurationKey.modelAgentStateInterface.argumentHelp)
    var agentStateInterface: String?
    @Option(
        name: ConfigurationKey.modelDNDDeviceState.flagName,
        help: ConfigurationKey.modelDNDDeviceState.argumentHelp)
    var dndDeviceState: String?
    @Option(
        name: ConfigurationKey.modelAstDBUserEvent.flagName,
        help: ConfigurationKey.modelAstDBUserEvent.argumentHelp)
    var astDBUserEvent: String?
    @Option(name: ConfigurationKey.modelWrapUp.flagName, help: ConfigurationKey.modelWrapUp.argumentHelp)
    var wrapUp: [String] = []

    // MARK: commands
    @Option(
        name: ConfigurationKey.commandsAllowDestinations.flagName,
        help: ConfigurationKey.commandsAllowDestinations.argumentHelp)
    var allowDestinations: [String] = []
    @Option(
        name: ConfigurationKey.commandsOriginateContext.flagName,
        help: ConfigurationKey.commandsOriginateContext.argumentHelp)
    var originateContext: String?
    @Flag(
        name: ConfigurationKey.commandsAllowRawChannels.flagName,
        inversion: .prefixedNo,
        help: ConfigurationKey.commandsAllowRawChannels.argumentHelp
    )
    var allowRawChannels: Bool?
    @Option(
        name: ConfigurationKey.commandsMaxInFlight.flagName, help: ConfigurationKey.commandsMaxInFlight.argumentHelp)
    var commandsMaxInFlight: String?
    @Option(
        name: ConfigurationKey.commandsTimeoutSeconds.flagName,
        help: ConfigurationKey.commandsTimeoutSeconds.argumentHelp)
    var commandsTimeoutSeconds: String?

    // MARK: http, log
    @Option(name: ConfigurationKey.httpListen.flagName, help: ConfigurationKey.httpListen.argumentHelp)
    var httpListen: String?
    @Flag(name: ConfigurationKey.httpWeb.flagName, inversion: .prefixedNo, help: ConfigurationKey.httpWeb.argumentHelp)
    var httpWeb: Bool?
    @Flag(
        name: ConfigurationKey.homeAssistantEnabled.flagName, inversion: .prefixedNo,
        help: ConfigurationKey.homeAssistantEnabled.argumentHelp)
    var homeAssistantEnabled: Bool?
    @Option(
        name: ConfigurationKey.homeAssistantDiscoveryPrefix.flagName,
        help: ConfigurationKey.homeAssistantDiscoveryPrefix.argumentHelp)
    var homeAssistantDiscoveryPrefix: String?
    @Option(name: ConfigurationKey.httpWebDirectory.flagName, help: ConfigurationKey.httpWebDirectory.argumentHelp)
    var httpWebDirectory: String?
    @Option(name: ConfigurationKey.httpWebBrokerURL.flagName, help: ConfigurationKey.httpWebBrokerURL.argumentHelp)
    var httpWebBrokerURL: String?
    @Option(name: ConfigurationKey.logLevel.flagName, help: ConfigurationKey.logLevel.argumentHelp)
    var logLevel: String?
    @Option(name: ConfigurationKey.logFormat.flagName, help: ConfigurationKey.logFormat.argumentHelp)
    var logFormat: String?

    /// The flags that were given, keyed by YAML path.
    var flagValues: [String: ConfigurationSources.FlagValue] {
        var values: [String: ConfigurationSources.FlagValue] = [:]
        let strings: [(ConfigurationKey, String?)] = [
            (.amiHost, self.amiHost), (.amiPort, self.amiPort), (.amiUsername, self.amiUsername),
            (.amiSecret, self.amiSecret), (.amiSecretFile, self.amiSecretFile), (.amiAuthType, self.amiAuthType),
            (.amiKeepaliveSeconds, self.amiKeepaliveSeconds), (.amiReconnectMaxSeconds, self.amiReconnectMaxSeconds),
            (.amiMaxPacketSize, self.amiMaxPacketSize), (.amiTLSCaFile, self.amiTLSCaFile),
            (.amiTLSCertFile, self.amiTLSCertFile), (.amiTLSKeyFile, self.amiTLSKeyFile),
            (.mqttHost, self.mqttHost), (.mqttPort, self.mqttPort), (.mqttClientID, self.mqttClientID),
            (.mqttUsername, self.mqttUsername), (.mqttPassword, self.mqttPassword),
            (.mqttPasswordFile, self.mqttPasswordFile), (.mqttTLSCAFile, self.mqttTLSCAFile),
            (.mqttTLSCertFile, self.mqttTLSCertFile), (.mqttTLSKeyFile, self.mqttTLSKeyFile),
            (.mqttProtocol, self.mqttProtocol), (.mqttPrefix, self.prefix), (.mqttQoSState, self.mqttQoSState),
            (.mqttQoSEvent, self.mqttQoSEvent), (.mqttQoSReply, self.mqttQoSReply),
            (.mqttMaxQueued, self.mqttMaxQueued),
            (.modelAgentInterface, self.agentInterface), (.modelAgentStateInterface, self.agentStateInterface),
            (.modelDNDDeviceState, self.dndDeviceState), (.modelAstDBUserEvent, self.astDBUserEvent),
            (.commandsOriginateContext, self.originateContext), (.commandsMaxInFlight, self.commandsMaxInFlight),
            (.commandsTimeoutSeconds, self.commandsTimeoutSeconds),
            (.httpListen, self.httpListen), (.httpWebDirectory, self.httpWebDirectory),
            (.httpWebBrokerURL, self.httpWebBrokerURL),
            (.homeAssistantDiscoveryPrefix, self.homeAssistantDiscoveryPrefix), (.logLevel, self.logLevel),
            (.logFormat, self.logFormat),
        ]
        for case (let key, let value?) in strings {
            values[key.yamlPath] = .string(value)
        }
        let bools: [(ConfigurationKey, Bool?)] = [
            (.amiTLS, self.amiTLS), (.amiTLSVerifyHostname, self.amiTLSVerifyHostname),
            (.amiEventFilter, self.amiEventFilter),
            (.commandsAllowRawChannels, self.allowRawChannels), (.httpWeb, self.httpWeb),
            (.homeAssistantEnabled, self.homeAssistantEnabled), (.mqttStandby, self.mqttStandby),
        ]
        for case (let key, let value?) in bools {
            values[key.yamlPath] = .bool(value)
        }
        if !self.allowDestinations.isEmpty {
            values[ConfigurationKey.commandsAllowDestinations.yamlPath] = .list(self.allowDestinations)
        }
        if !self.wrapUp.isEmpty {
            values[ConfigurationKey.modelWrapUp.yamlPath] = .list(self.wrapUp)
        }
        return values
    }
}

extension ConfigurationKey {
    /// The row's flag as ArgumentParser names it.
    var flagName: NameSpecification { .customLong(self.longFlagName) }

    /// The row's `--help` text; a list flag says it may be repeated.
    var argumentHelp: ArgumentHelp {
        ArgumentHelp(self.help(note: self.valueType == .list ? "Repeatable." : nil))
    }
}
