/// One configuration key: its YAML path, environment variable and command-line flag.
///
/// This table is the single place the names of cli.md live in code; the loader reads by
/// ``yamlPath``, the flag group maps each flag onto it, and the environment variable name
/// follows from the path exactly as swift-configuration's environment provider encodes it
/// (`ami.secretFile` → `PBX2MQTT_AMI_SECRET_FILE`).
struct ConfigurationKey: Sendable, Hashable {
    /// The dotted YAML path, for example `ami.secretFile`.
    let yamlPath: String
    /// The long flag, for example `--ami-secret-file`.
    let flag: String
    /// Whether the value is a secret that must never be printed.
    let isSecret: Bool

    init(_ yamlPath: String, flag: String, isSecret: Bool = false) {
        self.yamlPath = yamlPath
        self.flag = flag
        self.isSecret = isSecret
    }

    /// The environment variable: `PBX2MQTT_` plus the path, camelCase split by underscores.
    var environmentVariable: String {
        var result = Self.environmentPrefix
        for (index, component) in self.yamlPath.split(separator: ".").enumerated() {
            if index > 0 {
                result += "_"
            }
            var previous: Character?
            for character in component {
                if let previous, previous.isLowercase, character.isUppercase {
                    result += "_"
                }
                result += (character.isLetter || character.isNumber) ? character.uppercased() : "_"
                previous = character
            }
        }
        return result
    }

    /// The prefix every pbx2mqtt environment variable starts with.
    static let environmentPrefix = "PBX2MQTT_"

    /// Environment variable naming the configuration file when `--config` is absent.
    static let configFileEnvironmentVariable = "PBX2MQTT_CONFIG"
}

extension ConfigurationKey {
    // MARK: ami
    static let amiHost = ConfigurationKey("ami.host", flag: "--ami-host")
    static let amiPort = ConfigurationKey("ami.port", flag: "--ami-port")
    static let amiUsername = ConfigurationKey("ami.username", flag: "--ami-username")
    static let amiSecret = ConfigurationKey("ami.secret", flag: "--ami-secret", isSecret: true)
    static let amiSecretFile = ConfigurationKey("ami.secretFile", flag: "--ami-secret-file")
    static let amiAuthType = ConfigurationKey("ami.authType", flag: "--ami-auth-type")
    static let amiTLS = ConfigurationKey("ami.tls", flag: "--ami-tls")
    static let amiKeepaliveSeconds = ConfigurationKey("ami.keepaliveSeconds", flag: "--ami-keepalive-seconds")
    static let amiReconnectMaxSeconds = ConfigurationKey(
        "ami.reconnectMaxSeconds",
        flag: "--ami-reconnect-max-seconds"
    )
    static let amiEventFilter = ConfigurationKey("ami.eventFilter", flag: "--ami-event-filter")
    static let amiMaxPacketSize = ConfigurationKey("ami.maxPacketSize", flag: "--ami-max-packet-size")

    // MARK: mqtt
    static let mqttHost = ConfigurationKey("mqtt.host", flag: "--mqtt-host")
    static let mqttPort = ConfigurationKey("mqtt.port", flag: "--mqtt-port")
    static let mqttClientID = ConfigurationKey("mqtt.clientId", flag: "--mqtt-client-id")
    static let mqttUsername = ConfigurationKey("mqtt.username", flag: "--mqtt-username")
    static let mqttPassword = ConfigurationKey("mqtt.password", flag: "--mqtt-password", isSecret: true)
    static let mqttPasswordFile = ConfigurationKey("mqtt.passwordFile", flag: "--mqtt-password-file")
    static let mqttTLSCAFile = ConfigurationKey("mqtt.tls.caFile", flag: "--mqtt-tls-ca-file")
    static let mqttTLSCertFile = ConfigurationKey("mqtt.tls.certFile", flag: "--mqtt-tls-cert-file")
    static let mqttTLSKeyFile = ConfigurationKey("mqtt.tls.keyFile", flag: "--mqtt-tls-key-file")
    static let mqttProtocol = ConfigurationKey("mqtt.protocol", flag: "--mqtt-protocol")
    static let mqttPrefix = ConfigurationKey("mqtt.prefix", flag: "--prefix")
    static let mqttQoSState = ConfigurationKey("mqtt.qos.state", flag: "--mqtt-qos-state")
    static let mqttQoSEvent = ConfigurationKey("mqtt.qos.event", flag: "--mqtt-qos-event")
    static let mqttQoSReply = ConfigurationKey("mqtt.qos.reply", flag: "--mqtt-qos-reply")
    static let mqttMaxQueued = ConfigurationKey("mqtt.maxQueued", flag: "--mqtt-max-queued")

    // MARK: model
    static let modelAgentInterface = ConfigurationKey("model.agentInterface", flag: "--agent-interface")
    static let modelAgentStateInterface = ConfigurationKey(
        "model.agentStateInterface",
        flag: "--agent-state-interface"
    )
    static let modelQueues = ConfigurationKey("model.queues", flag: "--queues")
    static let modelAgents = ConfigurationKey("model.agents", flag: "--agents")

    // MARK: commands
    static let commandsAllowDestinations = ConfigurationKey(
        "commands.allowDestinations",
        flag: "--allow-destination"
    )
    static let commandsOriginateContext = ConfigurationKey("commands.originateContext", flag: "--originate-context")
    static let commandsAllowRawChannels = ConfigurationKey("commands.allowRawChannels", flag: "--allow-raw-channels")
    static let commandsMaxInFlight = ConfigurationKey("commands.maxInFlight", flag: "--commands-max-in-flight")
    static let commandsTimeoutSeconds = ConfigurationKey(
        "commands.timeoutSeconds",
        flag: "--commands-timeout-seconds"
    )

    // MARK: http, log
    static let httpListen = ConfigurationKey("http.listen", flag: "--http-listen")
    static let logLevel = ConfigurationKey("log.level", flag: "--log-level")
    static let logFormat = ConfigurationKey("log.format", flag: "--log-format")

    /// Every key, in the order `check-config` prints and the loader validates them.
    static let all: [ConfigurationKey] = [
        .amiHost, .amiPort, .amiUsername, .amiSecret, .amiSecretFile, .amiAuthType, .amiTLS,
        .amiKeepaliveSeconds, .amiReconnectMaxSeconds, .amiEventFilter, .amiMaxPacketSize,
        .mqttHost, .mqttPort, .mqttClientID, .mqttUsername, .mqttPassword, .mqttPasswordFile,
        .mqttTLSCAFile, .mqttTLSCertFile, .mqttTLSKeyFile, .mqttProtocol, .mqttPrefix,
        .mqttQoSState, .mqttQoSEvent, .mqttQoSReply, .mqttMaxQueued,
        .modelAgentInterface, .modelAgentStateInterface, .modelQueues, .modelAgents,
        .commandsAllowDestinations, .commandsOriginateContext, .commandsAllowRawChannels,
        .commandsMaxInFlight, .commandsTimeoutSeconds,
        .httpListen, .logLevel, .logFormat,
    ]
}
