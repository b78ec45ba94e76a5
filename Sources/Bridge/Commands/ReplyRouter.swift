import MQTT

/// Where a command's reply goes: the MQTT 5 Response Topic (with the Correlation Data copied
/// back), else the body's `replyTo` (MQTT 3.1.1), else `{p}/reply/{command}`.
///
/// Reply topics come from untrusted requests, so a topic the layout does not allow (inside the
/// bridge's own state, a wildcard, `$SYS`) is refused and the default topic used instead.
enum ReplyRouter {
    /// The message carrying `reply`, and the client-chosen topic that was refused, if any.
    static func message(
        for reply: CommandReply, route: ReplyRoute, layout: TopicLayout, qos: MQTTQoS
    ) -> (message: MQTTMessage, refused: String?) {
        var topic = layout.defaultReply(for: route.command)
        var refused: String?
        var properties = MQTTProperties()
        if let responseTopic = route.responseTopic {
            if layout.isAllowedReplyTopic(responseTopic) {
                topic = responseTopic
                properties.correlationData = route.correlationData
            } else {
                refused = responseTopic
            }
        } else if let replyTo = route.replyTo {
            if layout.isAllowedReplyTopic(replyTo) {
                topic = replyTo
            } else {
                refused = replyTo
            }
        }
        if !layout.isAllowedReplyTopic(topic) {
            // Unknown command names may hold anything; keep replies inside `{p}/reply/`.
            topic = layout.defaultReply(for: "unknown")
        }
        properties.contentType = "application/json"
        let message = MQTTMessage(
            topic: topic, payload: reply.payload(), qos: qos, retain: false, properties: properties)
        return (message, refused)
    }
}
