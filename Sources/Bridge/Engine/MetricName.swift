/// Names and label keys of the metrics pbx2mqtt records (Prometheus naming), in one place.
///
/// ``BridgeMetrics`` records them with swift-metrics and the daemon's `/metrics` endpoint
/// serves them; keeping the names here keeps dashboards and alerts stable. Every name below is
/// recorded: a name nobody records would be a dashboard panel that never moves.
package enum MetricName {
    /// Gauge, 1 while logged in to AMI, else 0.
    package static let amiConnected = "pbx2mqtt_ami_connected"
    /// Counter of AMI reconnect attempts.
    package static let amiReconnects = "pbx2mqtt_ami_reconnects_total"
    /// Counter of AMI events received, label `event` (the AMI event name).
    package static let amiEvents = "pbx2mqtt_ami_events_total"
    /// Gauge, 1 while connected to the broker, else 0.
    package static let mqttConnected = "pbx2mqtt_mqtt_connected"
    /// Counter of publications, label `kind` (a ``PublishKind``).
    package static let mqttPublishes = "pbx2mqtt_mqtt_publishes_total"
    /// Counter of publications dropped because the queue was full, label `kind`.
    package static let mqttDropped = "pbx2mqtt_mqtt_dropped_total"
    /// Counter of state changes published by syncs.
    package static let syncChanges = "pbx2mqtt_sync_changes_total"
    /// Timer (histogram) of one sync, login to the last state list folded in.
    package static let syncDuration = "pbx2mqtt_sync_duration_seconds"
    /// Counter of commands, labels `command` and `status` (accepted/ok/failed/error).
    package static let commands = "pbx2mqtt_commands_total"
    /// Timer (histogram) of command round trips, label `command`.
    package static let commandDuration = "pbx2mqtt_command_duration_seconds"
    /// Timer (histogram) of one reducer step for one AMI event.
    package static let reducerDuration = "pbx2mqtt_reducer_duration_seconds"

    /// Label keys.
    package enum Label {
        package static let event = "event"
        package static let kind = "kind"
        package static let command = "command"
        package static let status = "status"
    }
}
