/// The metadata keys the bridge logs under, in one place so log queries and dashboards can
/// rely on them: a key is spelt here once, never as a literal at a log call.
///
/// The `ami.*` and `mqtt.*` keys name the same facts as the clients' own keys (AMI's
/// `ami.host`, MQTT's `mqtt.topic`), so one query finds a fact whichever layer logged it.
enum BridgeLogKey {
    // MARK: AMI side
    static let amiHost = "ami.host"
    /// An active/standby instance id (`bridge/state`'s `instance`).
    static let instance = "bridge.instance"
    static let amiVersion = "ami.version"
    static let amiError = "ami.error"
    static let amiRetryInMilliseconds = "ami.retry_in_ms"
    static let amiCode = "ami.code"
    /// Connection attempts an outage took, logged when AMI is back.
    static let amiAttempts = "ami.attempts"
    /// An AMI header as `<Event>.<Field>`.
    static let amiField = "ami.field"
    /// A value received from Asterisk (cut short when long).
    static let amiValue = "ami.value"

    // MARK: MQTT side
    static let mqttPrefix = "mqtt.prefix"
    static let mqttTopic = "mqtt.topic"
    static let mqttTopics = "mqtt.topics"
    static let mqttCode = "mqtt.code"
    static let mqttReason = "mqtt.reason"
    static let mqttFilter = "mqtt.filter"
    static let mqttRefusals = "mqtt.refusals"
    static let mqttTLSFailures = "mqtt.tls_failures"
    static let mqttHint = "mqtt.hint"
    static let mqttQueueLimit = "mqtt.queue_limit"
    /// Publications from before a reconnect that the client resends first.
    static let mqttQueued = "mqtt.queued"
    /// Retained state publications allowed in the client's queue at once.
    static let mqttStateWindow = "mqtt.state_window"

    // MARK: Back-pressure episodes
    /// State publications that waited for room (each value, before coalescing).
    static let mqttDeferred = "mqtt.deferred"
    /// Event and reply publications lost to a full queue.
    static let mqttDropped = "mqtt.dropped"
    /// Waiting state superseded by a reconnect's full republish.
    static let mqttAbandoned = "mqtt.abandoned"
    static let mqttMilliseconds = "mqtt.ms"
    /// Subscriptions the broker had not acknowledged (a capped stale-topic sweep).
    static let mqttUnacknowledged = "mqtt.unacknowledged"

    // MARK: Commands
    static let command = "command"
    static let commandID = "command.id"
    static let errorCode = "error.code"
    static let errorField = "error.field"
    static let errorMessage = "error.message"

    // MARK: State sync
    static let stateKey = "state.key"
    static let syncItems = "sync.items"
    static let syncChanges = "sync.changes"
    static let syncMilliseconds = "sync.ms"

    static let error = "error"
    static let wrapUpAgent = "wrapup.agent"
    static let wrapUpQueue = "wrapup.queue"
}
