import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The validated, effective configuration of one pbx2mqtt process.
///
/// Built only by ``ConfigurationLoader`` from defaults, the YAML file, `PBX2MQTT_*` environment
/// variables and flags (later sources win), so every instance has passed validation. It is a
/// value: a SIGHUP reload produces a new one that the daemon compares with `==`.
/// Printing it never reveals a secret (``Secret`` masks itself).
struct AppConfiguration: Sendable, Equatable {
    var ami: AMI
    var mqtt: MQTT
    var model: Model
    var commands: Commands
    var http: HTTP
    var log: Log
    var homeAssistant: HomeAssistant
}

extension AppConfiguration {
    /// How pbx2mqtt reaches and logs in to Asterisk's manager interface.
    struct AMI: Sendable, Equatable {
        /// How the login proves the secret.
        enum AuthType: String, Sendable, Equatable, CaseIterable {
            /// `Challenge` + MD5 digest: the secret never crosses the wire.
            case md5
            /// `Login` with `Secret:` in clear text; only for loopback or tunnelled links.
            case plain
        }

        var host: String
        var port: Int
        var username: String
        /// The manager secret, read from `ami.secret` or from the file `ami.secretFile`.
        var secret: Secret
        /// Where the secret came from, if a file (kept for check-config and SIGHUP reloads).
        var secretFile: String?
        var authType: AuthType
        /// Seconds between `Ping` actions that detect a dead link; 0 disables them.
        var keepaliveSeconds: Int
        /// Upper bound of the reconnect backoff.
        var reconnectMaxSeconds: Int
        /// Whether to send `Filter` actions so Asterisk only sends events the model uses.
        var eventFilter: Bool
        /// Largest AMI packet accepted before the link is treated as broken.
        var maxPacketSize: Int
        /// TLS to Asterisk's TLS manager port; nil speaks clear-text TCP.
        var tls: TLS?

        /// How the TLS connection to Asterisk is verified and authenticated.
        struct TLS: Sendable, Equatable {
            /// CA bundle that verifies Asterisk; nil uses the system trust store.
            var caFile: String?
            var certFile: String?
            var keyFile: String?
            /// Whether Asterisk's certificate must name `host` (off only by an explicit key).
            var verifyHostname: Bool
        }
    }

    /// How pbx2mqtt reaches the MQTT broker and lays out its topics.
    struct MQTT: Sendable, Equatable {
        /// The MQTT protocol level spoken to the broker.
        enum ProtocolVersion: String, Sendable, Equatable, CaseIterable {
            /// MQTT 5: response topics, correlation data, reason codes.
            case v5 = "5"
            /// MQTT 3.1.1 for older brokers; replies then use `replyTo` or `{p}/reply/…`.
            case v311 = "3.1.1"
        }

        /// Client certificate material; present when any TLS key is set.
        struct TLS: Sendable, Equatable {
            var caFile: String?
            var certFile: String?
            var keyFile: String?
        }

        /// The QoS used per kind of publication (mqtt-api.md "Delivery").
        struct QoS: Sendable, Equatable {
            var state: Int
            var event: Int
            var reply: Int
        }

        var host: String
        var port: Int
        /// The client id, with `{hostname}` already expanded.
        var clientID: String
        var username: String?
        var password: Secret?
        var passwordFile: String?
        var tls: TLS?
        var protocolVersion: ProtocolVersion
        /// The topic prefix `{p}`: no wildcards, no empty levels.
        var prefix: String
        var qos: QoS
        /// Publications buffered while the broker is away; beyond this the oldest events are dropped.
        var maxQueued: Int
        /// One of an active/standby pair; `clientID` is the instance id.
        var standby: Bool
    }

    /// Which part of the PBX is modelled and how agents map to Asterisk interfaces.
    struct Model: Sendable, Equatable {
        /// Interface template for queue membership; contains `{agent}`.
        var agentInterface: String
        /// State interface template (device state) for queue membership; contains `{agent}`.
        var agentStateInterface: String
        /// Custom device mirroring do-not-disturb; contains `{extension}`, or is empty (off).
        var dndDeviceState: String
        /// UserEvent name announcing AstDB writes; empty: off.
        var astDBUserEvent: String
        /// Queues to publish; empty means all.
        var queues: [String]
        /// Agents to publish; empty means all.
        var agents: [String]
        /// Wrap-up rules, `queue:trigger:seconds` each (validated by the loader).
        var wrapUp: [String] = []
    }

    /// What MQTT command senders may make Asterisk do.
    struct Commands: Sendable, Equatable {
        /// Regular expressions; an originate/redirect destination must match one of them whole.
        var allowDestinations: [String]
        /// Dialplan context every originate and redirect uses.
        var originateContext: String
        /// Whether commands may name raw channels (`"channel":"PJSIP/…"`) instead of agents.
        var allowRawChannels: Bool
        /// Commands accepted at once before new ones are answered `busy`.
        var maxInFlight: Int
        /// Seconds before a command without an AMI answer is answered `timeout`.
        var timeoutSeconds: Int
    }

    /// The optional metrics and health endpoint.
    struct HTTP: Sendable, Equatable {
        /// Where to listen; nil keeps the endpoint off (the default).
        var listen: ListenAddress?
        /// The web pages to serve beside /metrics and /healthz; nil when `http.web` is off.
        var web: WebSite?
        /// `http.webDirectory` as configured (the effective value `check-config` prints).
        var webDirectory: String = "web"
        /// `http.webBrokerUrl`, handed to the pages in /config.json.
        var webBrokerURL: String?
    }

    /// Log verbosity and line format.
    struct Log: Sendable, Equatable {
        /// Line format of the log backend.
        enum Format: String, Sendable, Equatable, CaseIterable {
            /// Human-readable `ts level label: message key=value` lines.
            case text
            /// One JSON object per line, for journald/Loki/Elastic.
            case json
        }

        var level: Logger.Level
        var format: Format
    }
}

extension AppConfiguration.Model {
    /// The placeholder every agent template must contain. Filling templates and matching
    /// destinations happen in the Bridge's `CommandPolicy`, the one place that applies them.
    static let agentPlaceholder = "{agent}"
    /// The extension's place in `dndDeviceState`.
    static let extensionPlaceholder = "{extension}"
}

extension AppConfiguration {
    /// Home Assistant MQTT discovery (off by default).
    struct HomeAssistant: Sendable, Equatable {
        var enabled: Bool
        /// Where Home Assistant listens for configs and announces itself (`{prefix}/status`).
        var discoveryPrefix: String
    }
}
