/// The metadata keys the MQTT client logs under, in one place so log queries and dashboards
/// can rely on them: a key is spelt here once, never as a literal at a log call.
enum MQTTLogKey {
    static let clientID = "mqtt.client_id"
    static let host = "mqtt.host"
    static let port = "mqtt.port"
    static let topic = "mqtt.topic"
    static let filter = "mqtt.filter"
    static let queueLimit = "mqtt.queue_limit"
    static let sessionPresent = "mqtt.session_present"
    static let subscriptions = "mqtt.subscriptions"
    static let code = "mqtt.code"
    static let reason = "mqtt.reason"
    static let error = "mqtt.error"
    static let count = "mqtt.count"
    static let mid = "mqtt.mid"
    static let delaySeconds = "mqtt.delay_seconds"
    static let attempt = "mqtt.attempt"
}
