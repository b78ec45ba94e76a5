/// The MQTT delivery guarantee of one publication or subscription.
public enum MQTTQoS: UInt8, Sendable, Hashable, CaseIterable, Comparable {
    /// At most once: never retried, lost while the broker is unreachable.
    case atMostOnce = 0
    /// At least once: kept by libmosquitto until the broker acknowledges it.
    case atLeastOnce = 1
    /// Exactly once: the four-packet handshake.
    case exactlyOnce = 2

    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
