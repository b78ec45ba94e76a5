/// One application message, outgoing or received. Values only: nothing points into libmosquitto.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    /// Retained by the broker for future subscribers; on a received message, true when it was
    /// delivered from the broker's retained store rather than live.
    public var retain: Bool
    /// MQTT 5 properties (empty under 3.1.1).
    public var properties: MQTTProperties

    public init(
        topic: String,
        payload: [UInt8],
        qos: MQTTQoS = .atLeastOnce,
        retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }

    /// A message whose payload is the UTF-8 bytes of `text`.
    public init(
        topic: String,
        text: String,
        qos: MQTTQoS = .atLeastOnce,
        retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.init(topic: topic, payload: Array(text.utf8), qos: qos, retain: retain, properties: properties)
    }

    /// The payload decoded as UTF-8 (invalid sequences replaced), for logs and tests.
    public var text: String {
        String(decoding: self.payload, as: UTF8.self)
    }
}
