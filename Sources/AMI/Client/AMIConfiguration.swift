import NIOCore

/// Everything the AMI client needs to reach and stay connected to one Asterisk.
///
/// Defaults follow what a long-running bridge needs: MD5 login so the secret never crosses
/// the wire, an `Events` mask limited to the classes a call center uses (about half the
/// traffic of `on`), a keepalive that notices a silent Asterisk within 15 s, and a reconnect
/// backoff capped at 30 s so a restarted Asterisk is picked up quickly without hammering it.
public struct AMIConfiguration: Sendable, Hashable {
    /// How the client proves its identity at login.
    public enum AuthType: String, Sendable, Hashable, CaseIterable {
        /// `Challenge` then `Login` with `Key: md5_hex(challenge + secret)`: the secret never
        /// crosses the wire.
        case md5
        /// `Login` with `Secret:` in clear text; only for Asterisks without MD5 support.
        case plain
    }

    /// Exponential reconnect delay: `initial * factor^(n-1)`, capped at `maximum`, then moved
    /// by up to `jitter` (a fraction, 0.1 = ±10 %) so that many clients do not reconnect in step.
    public struct Backoff: Sendable, Hashable {
        public var initial: TimeAmount
        public var factor: Double
        public var maximum: TimeAmount
        public var jitter: Double

        public init(
            initial: TimeAmount = .milliseconds(500),
            factor: Double = 2,
            maximum: TimeAmount = .seconds(30),
            jitter: Double = 0.1
        ) {
            self.initial = initial
            self.factor = factor
            self.maximum = maximum
            self.jitter = jitter
        }
    }

    /// Host name or address of Asterisk's manager interface.
    public var host: String
    /// TCP port of the manager interface (Asterisk's default is 5038).
    public var port: Int
    /// The `[user]` section name in manager.conf.
    public var username: String
    /// The user's `secret`. Never logged.
    public var secret: String
    public var authType: AuthType
    /// The Login `Events:` mask (`on`, `off` or classes such as `call,agent`). Filtering on
    /// Asterisk's side halves the traffic compared to `on`.
    public var eventMask: String
    /// Legacy regex filters sent as `Filter` (`Operation: Add`) actions after login, e.g.
    /// `Event: QueueMemberStatus`. They need the `system` write permission; when Asterisk
    /// refuses them the client logs it once and carries on with the `Events` mask alone.
    public var filters: [String]
    /// How often a `Ping` is sent while connected.
    /// Zero turns keepalive off.
    public var keepaliveInterval: TimeAmount
    /// How long a `Ping` may stay unanswered before the connection is declared dead.
    public var keepaliveTimeout: TimeAmount
    /// The default time an action (including Challenge and Login) may wait for its answer;
    /// also how long the client waits for the banner after the TCP connect.
    public var actionTimeout: TimeAmount
    /// How long the TCP connect may take.
    public var connectTimeout: TimeAmount
    public var backoff: Backoff
    /// The largest packet accepted; a longer one closes the connection (see
    /// `AMIDecodingError.packetTooLarge`).
    public var maxPacketSize: Int
    /// TLS to Asterisk's TLS manager port; nil speaks clear-text TCP.
    public var tls: AMITLSConfiguration?

    public init(
        host: String,
        port: Int = 5038,
        username: String,
        secret: String,
        authType: AuthType = .md5,
        eventMask: String = "call,agent",
        filters: [String] = [],
        keepaliveInterval: TimeAmount = .seconds(10),
        keepaliveTimeout: TimeAmount = .seconds(5),
        actionTimeout: TimeAmount = .seconds(10),
        connectTimeout: TimeAmount = .seconds(5),
        backoff: Backoff = Backoff(),
        maxPacketSize: Int = AMIMessageDecoder.defaultMaxPacketSize,
        tls: AMITLSConfiguration? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.secret = secret
        self.authType = authType
        self.eventMask = eventMask
        self.filters = filters
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.actionTimeout = actionTimeout
        self.connectTimeout = connectTimeout
        self.backoff = backoff
        self.maxPacketSize = maxPacketSize
        self.tls = tls
    }
}

extension AMIConfiguration: CustomStringConvertible {
    /// Describes the configuration without the secret, so it can be logged.
    public var description: String {
        "AMIConfiguration(host: \(self.host), port: \(self.port), username: \(self.username), secret: <redacted>, authType: \(self.authType.rawValue), eventMask: \(self.eventMask), filters: \(self.filters.count), tls: \(self.tls != nil))"
    }
}

extension AMIConfiguration: CustomReflectable {
    /// `dump()` and debuggers show the secret redacted too.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host,
                "port": self.port,
                "username": self.username,
                "secret": "<redacted>",
                "authType": self.authType,
                "eventMask": self.eventMask,
                "filters": self.filters,
                "keepaliveInterval": self.keepaliveInterval,
                "keepaliveTimeout": self.keepaliveTimeout,
                "actionTimeout": self.actionTimeout,
                "connectTimeout": self.connectTimeout,
                "backoff": self.backoff,
                "maxPacketSize": self.maxPacketSize,
                "tls": self.tls as Any,
            ])
    }
}
