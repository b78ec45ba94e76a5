/// The metadata keys the pbx2mqtt process logs under (configuration, reload, HTTP, demo), in
/// one place so log queries and dashboards can rely on them: a key is spelt here once, never
/// as a literal at a log call.
enum DaemonLogKey {
    static let configKey = "config.key"
    static let configErrors = "config.errors"
    static let file = "file"
    static let fileMode = "file.mode"
    static let reloadAMIReconnect = "reload.ami_reconnect"
    static let reloadMQTTReconnect = "reload.mqtt_reconnect"
    static let reloadLogLevel = "reload.log_level"
    static let httpAddress = "http.address"
    static let amiPort = "ami.port"
    static let mqttPort = "mqtt.port"
    static let notifySocket = "systemd.notify_socket"
    static let watchdogMilliseconds = "systemd.watchdog_ms"
    static let error = "error"
}
