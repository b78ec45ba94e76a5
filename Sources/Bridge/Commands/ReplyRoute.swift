/// Where a command's replies go and what correlates them, taken from the request.
struct ReplyRoute: Sendable, Hashable {
    /// MQTT 5 Response Topic of the request (preferred).
    var responseTopic: String?
    /// MQTT 5 Correlation Data, copied back unchanged.
    var correlationData: [UInt8]?
    /// `replyTo` from the body (MQTT 3.1.1 clients).
    var replyTo: String?
    var command: String
}
