/// Names and label keys of the metrics pbx2mqtt records (Prometheus naming).
///
/// The daemon records with swift-metrics (`Counter(label: MetricName.amiEvents,
/// dimensions: [(MetricName.Label.event, name)])`); keeping the names here keeps dashboards
/// and alerts stable.
enum MetricName {
    /// Gauge, 1 while logged in to AMI, else 0.
    static let amiConnected = "pbx2mqtt_ami_connected"
    /// Counter of AMI reconnect attempts.
    static let amiReconnects = "pbx2mqtt_ami_reconnects_total"
    /// Counter of AMI events received, label `event` (the AMI event name).
    static let amiEvents = "pbx2mqtt_ami_events_total"
    /// Counter of bytes read from AMI.
    static let amiBytesReceived = "pbx2mqtt_ami_bytes_received_total"
    /// Gauge, 1 while connected to the broker, else 0.
    static let mqttConnected = "pbx2mqtt_mqtt_connected"
    /// Counter of publications, label `kind` (``Kind``).
    static let mqttPublishes = "pbx2mqtt_mqtt_publishes_total"
    /// Gauge of publications waiting for the broker.
    static let mqttQueueDepth = "pbx2mqtt_mqtt_queue_depth"
    /// Counter of publications dropped because the queue was full.
    static let mqttDropped = "pbx2mqtt_mqtt_dropped_total"
    /// Counter of commands, labels `command` and `status` (accepted/ok/failed/error).
    static let commands = "pbx2mqtt_commands_total"
    /// Timer (histogram) of command round trips, label `command`.
    static let commandDuration = "pbx2mqtt_command_duration_seconds"
    /// Timer (histogram) of one reducer step for one AMI event.
    static let reducerDuration = "pbx2mqtt_reducer_duration_seconds"

    /// Label keys.
    enum Label {
        static let event = "event"
        static let kind = "kind"
        static let command = "command"
        static let status = "status"
    }

    /// Values of the `kind` label of ``MetricName/mqttPublishes``.
    enum Kind {
        static let state = "state"
        static let event = "event"
        static let reply = "reply"
        static let bridge = "bridge"
    }
}
