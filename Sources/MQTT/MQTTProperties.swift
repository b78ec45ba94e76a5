/// The MQTT 5 PUBLISH properties pbx2mqtt reads and writes.
///
/// Under MQTT 3.1.1 they are never sent (the protocol has no place for them) and always empty on
/// received messages.
public struct MQTTProperties: Sendable, Hashable {
    /// Where the receiver should send its reply (request/response pattern).
    public var responseTopic: String?
    /// Opaque bytes the requester uses to match a reply to its request; echoed back unchanged.
    public var correlationData: [UInt8]?
    /// MIME type of the payload, e.g. `application/json`.
    public var contentType: String?
    /// Seconds after which the broker discards the message if undelivered.
    public var messageExpiryInterval: UInt32?
    /// Application-defined name/value pairs, in wire order.
    public var userProperties: [MQTTUserProperty]

    public init(
        responseTopic: String? = nil,
        correlationData: [UInt8]? = nil,
        contentType: String? = nil,
        messageExpiryInterval: UInt32? = nil,
        userProperties: [MQTTUserProperty] = []
    ) {
        self.responseTopic = responseTopic
        self.correlationData = correlationData
        self.contentType = contentType
        self.messageExpiryInterval = messageExpiryInterval
        self.userProperties = userProperties
    }

    /// True when no property is set, so nothing needs to be sent.
    public var isEmpty: Bool {
        self.responseTopic == nil && self.correlationData == nil && self.contentType == nil
            && self.messageExpiryInterval == nil && self.userProperties.isEmpty
    }
}
