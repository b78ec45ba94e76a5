/// Built-in defaults, the lowest-precedence configuration source (values from cli.md).
enum Defaults {
    static let amiHost = "127.0.0.1"
    static let amiPort = 5038
    static let amiKeepaliveSeconds = 20
    static let amiReconnectMaxSeconds = 30
    static let amiMaxPacketSize = 1 << 20
    static let mqttHost = "127.0.0.1"
    static let mqttPort = 1883
    static let mqttClientID = "pbx2mqtt-{hostname}"
    static let mqttPrefix = "pbx"
    static let mqttMaxQueued = 10_000
    static let agentInterface = "Local/{agent}@agents/n"
    static let agentStateInterface = "Custom:{agent}"
    /// Internal extensions only: 2 to 6 digits. External numbers need an explicit pattern so a
    /// broker user cannot place toll calls.
    static let allowDestinations = ["^[0-9]{2,6}$"]
    static let originateContext = "from-internal"
    static let commandsMaxInFlight = 100
    static let commandsTimeoutSeconds = 10
}
