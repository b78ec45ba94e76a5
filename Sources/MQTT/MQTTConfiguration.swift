/// Everything needed to reach and log in to one broker.
public struct MQTTConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Unique per broker: a second client with the same id makes the broker drop the first.
    public var clientID: String
    public var username: String?
    /// Never logged, never part of `description`.
    public var password: String?
    public var tls: MQTTTLSConfiguration?
    /// Seconds between PINGREQs when idle; also how long the broker waits before firing the will.
    public var keepAliveSeconds: Int
    /// False keeps the broker-side session (subscriptions, queued QoS 1/2) across reconnects.
    public var cleanSession: Bool
    public var protocolVersion: MQTTProtocolVersion
    /// Published by the broker when the connection dies without a clean DISCONNECT.
    public var will: MQTTMessage?
    /// Bound on publications accepted but not yet confirmed (libmosquitto's own queue has none),
    /// so a long broker outage cannot exhaust memory. Over it `publish` throws `.queueFull`.
    public var maxQueuedMessages: Int
    /// When to try again after a connection was lost or could not be made (sub-second at
    /// first, capped; see `ReconnectSchedule`).
    public var reconnect: ReconnectSchedule
    /// First delay in seconds after the broker refused the login; doubles up to
    /// `reconnectDelayMaxSeconds` (retrying wrong credentials fast would only fill its log).
    public var reconnectDelayMinSeconds: Int
    public var reconnectDelayMaxSeconds: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String,
        username: String? = nil,
        password: String? = nil,
        tls: MQTTTLSConfiguration? = nil,
        keepAliveSeconds: Int = 30,
        cleanSession: Bool = true,
        protocolVersion: MQTTProtocolVersion = .v5,
        will: MQTTMessage? = nil,
        maxQueuedMessages: Int = 100_000,
        reconnect: ReconnectSchedule = ReconnectSchedule(),
        reconnectDelayMinSeconds: Int = 1,
        reconnectDelayMaxSeconds: Int = 30
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.tls = tls
        self.keepAliveSeconds = keepAliveSeconds
        self.cleanSession = cleanSession
        self.protocolVersion = protocolVersion
        self.will = will
        self.maxQueuedMessages = maxQueuedMessages
        self.reconnect = reconnect
        self.reconnectDelayMinSeconds = reconnectDelayMinSeconds
        self.reconnectDelayMaxSeconds = reconnectDelayMaxSeconds
    }

    /// Checks the values libmosquitto would reject later with a vaguer message.
    func validate() throws(MQTTError) {
        if self.host.isEmpty {
            throw .invalidConfiguration(field: "host", reason: "must not be empty")
        }
        if !(1...65_535).contains(self.port) {
            throw .invalidConfiguration(field: "port", reason: "must be 1...65535, got \(self.port)")
        }
        if self.clientID.isEmpty || self.clientID.utf8.count > 65_535 {
            throw .invalidConfiguration(field: "clientID", reason: "must be 1...65535 bytes")
        }
        if !(5...65_535).contains(self.keepAliveSeconds) {
            throw .invalidConfiguration(
                field: "keepAliveSeconds", reason: "must be 5...65535, got \(self.keepAliveSeconds)")
        }
        if self.maxQueuedMessages < 1 {
            throw .invalidConfiguration(field: "maxQueuedMessages", reason: "must be at least 1")
        }
        if self.reconnectDelayMinSeconds < 1 || self.reconnectDelayMaxSeconds < self.reconnectDelayMinSeconds {
            throw .invalidConfiguration(
                field: "reconnectDelayMinSeconds",
                reason: "need 1 <= min <= max, got \(self.reconnectDelayMinSeconds)...\(self.reconnectDelayMaxSeconds)")
        }
        let schedule = self.reconnect
        if schedule.initial <= .zero || schedule.factor < 1 || schedule.maximum < schedule.initial
            || !(0...1).contains(schedule.jitter)
        {
            throw .invalidConfiguration(
                field: "reconnect",
                reason: "need 0 < initial <= maximum, factor >= 1 and jitter in 0...1, got \(schedule)")
        }
        if self.password != nil && self.username == nil {
            throw .invalidConfiguration(field: "password", reason: "a password needs a username")
        }
    }
}

extension MQTTConfiguration: CustomStringConvertible {
    /// For logs: never includes the password.
    public var description: String {
        "MQTTConfiguration(host: \(self.host), port: \(self.port), clientID: \(self.clientID), "
            + "username: \(self.username ?? "-"), password: \(self.password == nil ? "-" : "<redacted>"), "
            + "tls: \(self.tls != nil), protocol: \(self.protocolVersion))"
    }
}
