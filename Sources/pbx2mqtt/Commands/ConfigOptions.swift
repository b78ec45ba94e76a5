import ArgumentParser

/// Every configuration flag of cli.md, shared by `run`, `demo` and `check-config`.
///
/// Flags have the highest precedence (flags > environment > file > defaults). Each option maps
/// onto one ``ConfigurationKey``; ``flagValues`` hands the set ones to the loader.
/// `--queues`/`--agents` live in ``ModelFilterOptions`` because `demo` uses those names for
/// the simulator's sizes.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $PBX2MQTT_CONFIG, else none).")
    var config: String?

    // MARK: ami
    @Option(name: .customLong("ami-host"), help: "Asterisk manager host (127.0.0.1).")
    var amiHost: String?
    @Option(name: .customLong("ami-port"), help: "Asterisk manager port (5038).")
    var amiPort: String?
    @Option(name: .customLong("ami-username"), help: "AMI user from manager.conf (required).")
    var amiUsername: String?
    @Option(
        name: .customLong("ami-secret"),
        help: "AMI secret; visible in the process list, prefer --ami-secret-file or PBX2MQTT_AMI_SECRET."
    )
    var amiSecret: String?
    @Option(name: .customLong("ami-secret-file"), help: "File holding the AMI secret (trimmed).")
    var amiSecretFile: String?
    @Option(name: .customLong("ami-auth-type"), help: "md5 (challenge) or plain.")
    var amiAuthType: String?
    @Flag(name: .customLong("ami-tls"), inversion: .prefixedNo, help: "TLS to AMI (not supported; refused).")
    var amiTLS: Bool?
    @Option(name: .customLong("ami-keepalive-seconds"), help: "Seconds between AMI Pings, 0 = off (20).")
    var amiKeepaliveSeconds: String?
    @Option(name: .customLong("ami-reconnect-max-seconds"), help: "Reconnect backoff cap (30).")
    var amiReconnectMaxSeconds: String?
    @Flag(
        name: .customLong("ami-event-filter"),
        inversion: .prefixedNo,
        help: "Ask Asterisk to send only the events the model uses (on)."
    )
    var amiEventFilter: Bool?
    @Option(name: .customLong("ami-max-packet-size"), help: "Largest AMI packet in bytes (1048576).")
    var amiMaxPacketSize: String?

    // MARK: mqtt
    @Option(name: .customLong("mqtt-host"), help: "Broker host (127.0.0.1).")
    var mqttHost: String?
    @Option(name: .customLong("mqtt-port"), help: "Broker port (1883); in demo, the local broker's port.")
    var mqttPort: String?
    @Option(name: .customLong("mqtt-client-id"), help: "Client id; {hostname} is expanded (pbx2mqtt-{hostname}).")
    var mqttClientID: String?
    @Option(name: .customLong("mqtt-username"), help: "Broker username.")
    var mqttUsername: String?
    @Option(name: .customLong("mqtt-password"), help: "Broker password; prefer --mqtt-password-file.")
    var mqttPassword: String?
    @Option(name: .customLong("mqtt-password-file"), help: "File holding the broker password (trimmed).")
    var mqttPasswordFile: String?
    @Option(name: .customLong("mqtt-tls-ca-file"), help: "CA bundle to verify the broker.")
    var mqttTLSCAFile: String?
    @Option(name: .customLong("mqtt-tls-cert-file"), help: "Client certificate (PEM).")
    var mqttTLSCertFile: String?
    @Option(name: .customLong("mqtt-tls-key-file"), help: "Client private key (PEM).")
    var mqttTLSKeyFile: String?
    @Option(name: .customLong("mqtt-protocol"), help: "5 or 3.1.1 (5).")
    var mqttProtocol: String?
    @Option(name: .customLong("prefix"), help: "Topic prefix (pbx).")
    var prefix: String?
    @Option(name: .customLong("mqtt-qos-state"), help: "QoS of retained state topics (1).")
    var mqttQoSState: String?
    @Option(name: .customLong("mqtt-qos-event"), help: "QoS of event topics (1).")
    var mqttQoSEvent: String?
    @Option(name: .customLong("mqtt-qos-reply"), help: "QoS of command replies (1).")
    var mqttQoSReply: String?
    @Option(name: .customLong("mqtt-max-queued"), help: "Publications buffered while the broker is away (10000).")
    var mqttMaxQueued: String?

    // MARK: model
    @Option(name: .customLong("agent-interface"), help: "Queue member interface template (Local/{agent}@agents/n).")
    var agentInterface: String?
    @Option(name: .customLong("agent-state-interface"), help: "State interface template (Custom:{agent}).")
    var agentStateInterface: String?

    // MARK: commands
    @Option(
        name: .customLong("allow-destination"),
        help: "Regex a dial destination must match whole; repeatable (default ^[0-9]{2,6}$)."
    )
    var allowDestinations: [String] = []
    @Option(name: .customLong("originate-context"), help: "Dialplan context for originate/redirect (from-internal).")
    var originateContext: String?
    @Flag(
        name: .customLong("allow-raw-channels"),
        inversion: .prefixedNo,
        help: "Let commands name raw channels instead of agents (off)."
    )
    var allowRawChannels: Bool?
    @Option(name: .customLong("commands-max-in-flight"), help: "Commands in flight before 'busy' (100).")
    var commandsMaxInFlight: String?
    @Option(name: .customLong("commands-timeout-seconds"), help: "Seconds before a command times out (10).")
    var commandsTimeoutSeconds: String?

    // MARK: http, log
    @Option(name: .customLong("http-listen"), help: "host:port for /metrics and /healthz (off); :port = loopback.")
    var httpListen: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (info).")
    var logLevel: String?
    @Option(name: .customLong("log-format"), help: "text or json (text).")
    var logFormat: String?

    /// The flags that were given, keyed by YAML path.
    var flagValues: [String: ConfigurationSources.FlagValue] {
        var values: [String: ConfigurationSources.FlagValue] = [:]
        let strings: [(ConfigurationKey, String?)] = [
            (.amiHost, self.amiHost), (.amiPort, self.amiPort), (.amiUsername, self.amiUsername),
            (.amiSecret, self.amiSecret), (.amiSecretFile, self.amiSecretFile), (.amiAuthType, self.amiAuthType),
            (.amiKeepaliveSeconds, self.amiKeepaliveSeconds), (.amiReconnectMaxSeconds, self.amiReconnectMaxSeconds),
            (.amiMaxPacketSize, self.amiMaxPacketSize),
            (.mqttHost, self.mqttHost), (.mqttPort, self.mqttPort), (.mqttClientID, self.mqttClientID),
            (.mqttUsername, self.mqttUsername), (.mqttPassword, self.mqttPassword),
            (.mqttPasswordFile, self.mqttPasswordFile), (.mqttTLSCAFile, self.mqttTLSCAFile),
            (.mqttTLSCertFile, self.mqttTLSCertFile), (.mqttTLSKeyFile, self.mqttTLSKeyFile),
            (.mqttProtocol, self.mqttProtocol), (.mqttPrefix, self.prefix), (.mqttQoSState, self.mqttQoSState),
            (.mqttQoSEvent, self.mqttQoSEvent), (.mqttQoSReply, self.mqttQoSReply),
            (.mqttMaxQueued, self.mqttMaxQueued),
            (.modelAgentInterface, self.agentInterface), (.modelAgentStateInterface, self.agentStateInterface),
            (.commandsOriginateContext, self.originateContext), (.commandsMaxInFlight, self.commandsMaxInFlight),
            (.commandsTimeoutSeconds, self.commandsTimeoutSeconds),
            (.httpListen, self.httpListen), (.logLevel, self.logLevel), (.logFormat, self.logFormat),
        ]
        for case (let key, let value?) in strings {
            values[key.yamlPath] = .string(value)
        }
        let bools: [(ConfigurationKey, Bool?)] = [
            (.amiTLS, self.amiTLS), (.amiEventFilter, self.amiEventFilter),
            (.commandsAllowRawChannels, self.allowRawChannels),
        ]
        for case (let key, let value?) in bools {
            values[key.yamlPath] = .bool(value)
        }
        if !self.allowDestinations.isEmpty {
            values[ConfigurationKey.commandsAllowDestinations.yamlPath] = .list(self.allowDestinations)
        }
        return values
    }
}
