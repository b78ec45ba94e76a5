import AMI
import Bridge
import Logging

/// Every configuration key of docs/configuration.md, one row each, in the order `check-config` prints them.
extension ConfigurationKey {
    // MARK: ami
    static let amiHost = ConfigurationKey(
        "ami.host", flag: "--ami-host", .text, default: .text("127.0.0.1"),
        summary: "Asterisk manager (AMI) host.", effective: { .string($0.ami.host) })
    static let amiPort = ConfigurationKey(
        "ami.port", flag: "--ami-port", .integer(1...65535), default: .integer(5038),
        summary: "Asterisk manager port.", effective: { .int($0.ami.port) })
    static let amiUsername = ConfigurationKey(
        "ami.username", flag: "--ami-username", .text,
        summary: "The AMI user, the [pbx2mqtt] section of manager.conf.", example: "pbx2mqtt", isRequired: true,
        effective: { .string($0.ami.username) })
    static let amiSecret = ConfigurationKey(
        "ami.secret", flag: "--ami-secret", .text,
        summary: "The AMI secret; exactly one of this and ami.secretFile. Prefer the file or the environment.",
        example: "change-me", isRequired: true, isSecret: true,
        effective: { $0.ami.secret.value.isEmpty ? .null : .masked })
    static let amiSecretFile = ConfigurationKey(
        "ami.secretFile", flag: "--ami-secret-file", .text,
        summary: "File holding the AMI secret (regular file up to 64 KiB, read at start and reload, trimmed).",
        example: "/run/credentials/pbx2mqtt.service/ami-secret",
        effective: { $0.ami.secretFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let amiAuthType = ConfigurationKey(
        "ami.authType", flag: "--ami-auth-type", choice: AppConfiguration.AMI.AuthType.self,
        summary: "How the login proves the secret: md5 (Challenge, the secret never crosses the wire) or plain.",
        effective: { .string($0.ami.authType.rawValue) })
    static let amiTLS = ConfigurationKey(
        "ami.tls", flag: "--ami-tls", .boolean, default: .boolean(false),
        summary:
            "TLS to Asterisk (manager.conf tlsenable = yes); set ami.port to its tlsbindport (5039). Needed off loopback.",
        effective: { .bool($0.ami.tls != nil) })
    static let amiTLSCaFile = ConfigurationKey(
        "ami.tlsCaFile", flag: "--ami-tls-ca-file", .text,
        summary: "CA bundle (PEM) that signed Asterisk's certificate; unset = the system trust store.",
        example: "/etc/pbx2mqtt/asterisk-ca.pem",
        effective: { $0.ami.tls?.caFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let amiTLSCertFile = ConfigurationKey(
        "ami.tlsCertFile", flag: "--ami-tls-cert-file", .text,
        summary: "Client certificate (PEM) for an Asterisk with tlsverifyclient; goes with ami.tlsKeyFile.",
        example: "/etc/pbx2mqtt/ami-client.pem",
        effective: { $0.ami.tls?.certFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let amiTLSKeyFile = ConfigurationKey(
        "ami.tlsKeyFile", flag: "--ami-tls-key-file", .text,
        summary: "Client private key (PEM, unencrypted, mode 0600); goes with ami.tlsCertFile.",
        example: "/etc/pbx2mqtt/ami-client.key",
        effective: { $0.ami.tls?.keyFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let amiTLSVerifyHostname = ConfigurationKey(
        "ami.tlsVerifyHostname", flag: "--ami-tls-verify-hostname", .boolean, default: .boolean(true),
        summary:
            "Require Asterisk's certificate to name ami.host. false (warned at start) lets any certificate of the CA pass.",
        effective: { .bool($0.ami.tls?.verifyHostname ?? true) })
    static let amiKeepaliveSeconds = ConfigurationKey(
        "ami.keepaliveSeconds", flag: "--ami-keepalive-seconds", .integer(0...3600), default: .integer(20),
        summary: "Seconds between AMI Pings that detect a dead link; 0 = off.",
        effective: { .int($0.ami.keepaliveSeconds) })
    static let amiReconnectMaxSeconds = ConfigurationKey(
        "ami.reconnectMaxSeconds", flag: "--ami-reconnect-max-seconds", .integer(1...3600), default: .integer(30),
        summary: "Cap of the reconnect backoff, in seconds.", effective: { .int($0.ami.reconnectMaxSeconds) })
    static let amiEventFilter = ConfigurationKey(
        "ami.eventFilter", flag: "--ami-event-filter", .boolean, default: .boolean(true),
        summary: "Send Filter actions so Asterisk sends only the events pbx2mqtt uses.",
        effective: { .bool($0.ami.eventFilter) })
    static let amiMaxPacketSize = ConfigurationKey(
        "ami.maxPacketSize", flag: "--ami-max-packet-size", .integer(1024...(64 << 20)),
        default: .integer(AMIMessageDecoder.defaultMaxPacketSize),
        summary: "Largest AMI packet in bytes; a larger one drops the connection.",
        effective: { .int($0.ami.maxPacketSize) })

    // MARK: mqtt
    static let mqttHost = ConfigurationKey(
        "mqtt.host", flag: "--mqtt-host", .text, default: .text("127.0.0.1"),
        summary: "MQTT broker host.", effective: { .string($0.mqtt.host) })
    static let mqttPort = ConfigurationKey(
        "mqtt.port", flag: "--mqtt-port", .integer(1...65535), default: .integer(1883),
        summary: "MQTT broker port (in demo: the local broker's port).", effective: { .int($0.mqtt.port) })
    static let mqttClientID = ConfigurationKey(
        "mqtt.clientId", flag: "--mqtt-client-id", .text, default: .text("pbx2mqtt-{hostname}"),
        summary: "MQTT client id; {hostname} is replaced by the host name.", effective: { .string($0.mqtt.clientID) })
    static let mqttUsername = ConfigurationKey(
        "mqtt.username", flag: "--mqtt-username", .text, summary: "Broker username.", example: "pbx2mqtt",
        effective: { $0.mqtt.username.map(EffectiveConfiguration.Value.string) ?? .null })
    static let mqttPassword = ConfigurationKey(
        "mqtt.password", flag: "--mqtt-password", .text,
        summary: "Broker password; at most one of this and mqtt.passwordFile, and only with mqtt.username.",
        example: "change-me", isSecret: true, effective: { $0.mqtt.password == nil ? .null : .masked })
    static let mqttPasswordFile = ConfigurationKey(
        "mqtt.passwordFile", flag: "--mqtt-password-file", .text,
        summary: "File holding the broker password (a regular file up to 64 KiB, whitespace trimmed).",
        example: "/run/credentials/pbx2mqtt.service/mqtt-password",
        effective: { $0.mqtt.passwordFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let mqttTLSCAFile = ConfigurationKey(
        "mqtt.tls.caFile", flag: "--mqtt-tls-ca-file", .text,
        summary: "CA bundle that verifies the broker (unset: the system's); any mqtt.tls key turns TLS on.",
        example: "/etc/ssl/certs/ca-certificates.crt",
        effective: { $0.mqtt.tls?.caFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let mqttTLSCertFile = ConfigurationKey(
        "mqtt.tls.certFile", flag: "--mqtt-tls-cert-file", .text,
        summary: "Client certificate (PEM); goes with mqtt.tls.keyFile.", example: "/etc/pbx2mqtt/client.pem",
        effective: { $0.mqtt.tls?.certFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let mqttTLSKeyFile = ConfigurationKey(
        "mqtt.tls.keyFile", flag: "--mqtt-tls-key-file", .text,
        summary: "Client private key (PEM); goes with mqtt.tls.certFile.", example: "/etc/pbx2mqtt/client.key",
        effective: { $0.mqtt.tls?.keyFile.map(EffectiveConfiguration.Value.string) ?? .null })
    static let mqttProtocol = ConfigurationKey(
        "mqtt.protocol", flag: "--mqtt-protocol", choice: AppConfiguration.MQTT.ProtocolVersion.self,
        summary: "MQTT protocol level; with 3.1.1 replies go to replyTo or {p}/reply/… (quote the value in YAML).",
        effective: { .string($0.mqtt.protocolVersion.rawValue) })
    static let mqttPrefix = ConfigurationKey(
        "mqtt.prefix", flag: "--prefix", .text, default: .text("pbx"),
        summary: "Topic prefix {p}; no '+', '#', leading '$', or empty levels.", effective: { .string($0.mqtt.prefix) })
    static let mqttQoSState = ConfigurationKey(
        "mqtt.qos.state", flag: "--mqtt-qos-state", .integer(0...2), default: .integer(1),
        summary: "QoS of the retained state topics.", effective: { .int($0.mqtt.qos.state) })
    static let mqttQoSEvent = ConfigurationKey(
        "mqtt.qos.event", flag: "--mqtt-qos-event", .integer(0...2), default: .integer(1),
        summary: "QoS of the event topics.", effective: { .int($0.mqtt.qos.event) })
    static let mqttQoSReply = ConfigurationKey(
        "mqtt.qos.reply", flag: "--mqtt-qos-reply", .integer(0...2), default: .integer(1),
        summary: "QoS of the command replies.", effective: { .int($0.mqtt.qos.reply) })
    static let mqttMaxQueued = ConfigurationKey(
        "mqtt.maxQueued", flag: "--mqtt-max-queued", .integer(1...10_000_000), default: .integer(10_000),
        summary: "Publications buffered while the broker is away; beyond it the oldest events are dropped.",
        effective: { .int($0.mqtt.maxQueued) })
    static let mqttStandby = ConfigurationKey(
        "mqtt.standby", flag: "--mqtt-standby", .boolean, default: .boolean(false),
        summary:
            "One of an active/standby pair for one Asterisk (same prefix, own mqtt.clientId as instance id): active only while no other instance is online.",
        effective: { .bool($0.mqtt.standby) })

    // MARK: model
    static let modelAgentInterface = ConfigurationKey(
        "model.agentInterface", flag: "--agent-interface", .text, default: .text("Local/{agent}@agents/n"),
        summary: "Queue member interface of an agent; must contain {agent}.",
        effective: { .string($0.model.agentInterface) })
    static let modelAgentStateInterface = ConfigurationKey(
        "model.agentStateInterface", flag: "--agent-state-interface", .text, default: .text("Custom:{agent}"),
        summary: "State interface (device state, hint) of an agent; must contain {agent}.",
        effective: { .string($0.model.agentStateInterface) })
    static let modelDNDDeviceState = ConfigurationKey(
        "model.dndDeviceState", flag: "--dnd-device-state", .text, default: .text("Custom:DND{extension}"),
        summary:
            "Custom device whose state mirrors an extension's do-not-disturb (FreePBX's DND code sets it); must contain {extension}; empty ignores device states.",
        effective: { .string($0.model.dndDeviceState) })
    static let modelAstDBUserEvent = ConfigurationKey(
        "model.astdbUserEvent", flag: "--astdb-user-event", .text, default: .text("AstDB"),
        summary:
            "UserEvent name that announces an AstDB write of DND/CF/CFB/CFU (headers Family, Key, Val); empty ignores user events.",
        effective: { .string($0.model.astDBUserEvent) })
    static let modelQueues = ConfigurationKey(
        "model.queues", flag: "--queues", .list, default: .list([]),
        summary: "Publish only these queues; empty = all.", effective: { .list($0.model.queues) })
    static let modelAgents = ConfigurationKey(
        "model.agents", flag: "--agents", .list, default: .list([]),
        summary: "Publish only these agents; empty = all.", effective: { .list($0.model.agents) })
    static let modelWrapUp = ConfigurationKey(
        "model.wrapUp", flag: "--wrap-up", .list, default: .list([]),
        summary:
            "Wrap-up per queue as queue:trigger:seconds (q1:end:30): pause the agent (reason wrapup) when a queue call connects (connect) or ends (end), unpause that many seconds after it ended; the wrapup/end command ends it early.",
        effective: { .list($0.model.wrapUp) })

    // MARK: commands
    static let commandsAllowDestinations = ConfigurationKey(
        "commands.allowDestinations", flag: "--allow-destination", .list,
        default: .list(CommandPolicy.defaultDestinations),
        summary:
            "Regexes an originate/redirect destination must match whole; the default admits internal extensions only (no toll calls), add e.g. 0[1-9][0-9]{8} for national numbers.",
        listSeparator: .whitespace, effective: { .list($0.commands.allowDestinations) })
    static let commandsOriginateContext = ConfigurationKey(
        "commands.originateContext", flag: "--originate-context", .text, default: .text("from-internal"),
        summary: "Dialplan context of originate and redirect.", effective: { .string($0.commands.originateContext) })
    static let commandsAllowRawChannels = ConfigurationKey(
        "commands.allowRawChannels", flag: "--allow-raw-channels", .boolean, default: .boolean(false),
        summary: "Let commands name raw channels (\"PJSIP/…\") instead of agents.",
        effective: { .bool($0.commands.allowRawChannels) })
    static let commandsMaxInFlight = ConfigurationKey(
        "commands.maxInFlight", flag: "--commands-max-in-flight", .integer(1...100_000), default: .integer(100),
        summary: "Commands in flight before new ones are answered \"busy\".",
        effective: { .int($0.commands.maxInFlight) })
    static let commandsTimeoutSeconds = ConfigurationKey(
        "commands.timeoutSeconds", flag: "--commands-timeout-seconds", .integer(1...3600), default: .integer(10),
        summary: "Seconds before a command without an AMI answer is answered \"timeout\".",
        effective: { .int($0.commands.timeoutSeconds) })

    // MARK: http, log
    static let httpListen = ConfigurationKey(
        "http.listen", flag: "--http-listen", .text,
        summary:
            "host:port of /metrics and /healthz, off when unset; \":9108\" binds 127.0.0.1 only, \"0.0.0.0:9108\" exposes it.",
        example: "127.0.0.1:9108",
        effective: { $0.http.listen.map { EffectiveConfiguration.Value.string($0.description) } ?? .null })
    static let httpWeb = ConfigurationKey(
        "http.web", flag: "--http-web", .boolean, default: .boolean(false),
        summary:
            "Also serve the wallboard (/) and agent page (/agent.html) from http.webDirectory on http.listen; needs http.listen.",
        effective: { .bool($0.http.web != nil) })
    static let httpWebDirectory = ConfigurationKey(
        "http.webDirectory", flag: "--http-web-directory", .text, default: .text("web"),
        summary:
            "Folder of the web pages; a relative path starts at the working directory (the checkout's web/ when run there); the Docker image uses /usr/share/pbx2mqtt/web.",
        effective: { .string($0.http.webDirectory) })
    static let httpWebBrokerURL = ConfigurationKey(
        "http.webBrokerUrl", flag: "--http-web-broker-url", .text,
        summary:
            "The broker's MQTT-over-WebSockets URL the pages connect to (served as /config.json); unset: ws://<page host>:9001.",
        example: "wss://mqtt.example.com/mqtt",
        effective: { $0.http.webBrokerURL.map(EffectiveConfiguration.Value.string) ?? .null })
    static let logLevel = ConfigurationKey(
        "log.level", flag: "--log-level", choice: Logger.Level.self,
        summary: "Lowest level logged.", effective: { .string($0.log.level.rawValue) })
    static let logFormat = ConfigurationKey(
        "log.format", flag: "--log-format", choice: AppConfiguration.Log.Format.self,
        summary: "Log line format: text lines, or json (one object per line).",
        effective: { .string($0.log.format.rawValue) }
    )

    // MARK: homeassistant
    static let homeAssistantEnabled = ConfigurationKey(
        "homeassistant.enabled", flag: "--homeassistant-enabled", .boolean, default: .boolean(false),
        summary:
            "Publish Home Assistant MQTT discovery configs: a device per agent and queue, a bridge connectivity sensor.",
        effective: { .bool($0.homeAssistant.enabled) })
    static let homeAssistantDiscoveryPrefix = ConfigurationKey(
        "homeassistant.discoveryPrefix", flag: "--homeassistant-discovery-prefix", .text,
        default: .text("homeassistant"),
        summary:
            "Home Assistant's discovery prefix (its MQTT integration setting); its birth message is {prefix}/status.",
        effective: { .string($0.homeAssistant.discoveryPrefix) })

    /// Every key, in the order `check-config` prints and the loader validates them.
    static let all: [ConfigurationKey] = [
        .amiHost, .amiPort, .amiUsername, .amiSecret, .amiSecretFile, .amiAuthType, .amiTLS,
        .amiTLSCaFile, .amiTLSCertFile, .amiTLSKeyFile, .amiTLSVerifyHostname, .amiKeepaliveSeconds,
        .amiReconnectMaxSeconds, .amiEventFilter, .amiMaxPacketSize,
        .mqttHost, .mqttPort, .mqttClientID, .mqttUsername, .mqttPassword, .mqttPasswordFile,
        .mqttTLSCAFile, .mqttTLSCertFile, .mqttTLSKeyFile, .mqttProtocol, .mqttPrefix,
        .mqttQoSState, .mqttQoSEvent, .mqttQoSReply, .mqttMaxQueued, .mqttStandby,
        .modelAgentInterface, .modelAgentStateInterface, .modelDNDDeviceState, .modelAstDBUserEvent, .modelQueues,
        .modelAgents, .modelWrapUp,
        .commandsAllowDestinations, .commandsOriginateContext, .commandsAllowRawChannels,
        .commandsMaxInFlight, .commandsTimeoutSeconds,
        .httpListen, .httpWeb, .httpWebDirectory, .httpWebBrokerURL, .logLevel, .logFormat,
        .homeAssistantEnabled, .homeAssistantDiscoveryPrefix,
    ]
}
