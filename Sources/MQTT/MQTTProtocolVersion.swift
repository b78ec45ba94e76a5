/// The MQTT protocol revision spoken to the broker.
///
/// MQTT 5 is the default because command replies rely on its Response Topic and Correlation Data;
/// 3.1.1 stays available for brokers that predate it.
public enum MQTTProtocolVersion: Sendable, Hashable, CaseIterable {
    /// MQTT 3.1.1 (protocol level 4): no properties on any packet.
    case v311
    /// MQTT 5.0 (protocol level 5): properties, reason codes.
    case v5

    /// The value libmosquitto expects for `MOSQ_OPT_PROTOCOL_VERSION`.
    var mosquittoValue: Int32 {
        switch self {
        case .v311: return 4  // MQTT_PROTOCOL_V311
        case .v5: return 5  // MQTT_PROTOCOL_V5
        }
    }
}
