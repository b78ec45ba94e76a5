import MQTT
import Testing

@testable import Bridge

struct ReplyRouterTests {
    static let layout: TopicLayout = {
        guard let layout = try? TopicLayout(prefix: "pbx") else { preconditionFailure("pbx is a valid prefix") }
        return layout
    }()
    static let reply = CommandReply(id: "1", command: "queue/pause", status: .ok)

    /// Should reply on the MQTT 5 Response Topic with the Correlation Data copied back.
    @Test func responseTopicWins() {
        let route = ReplyRoute(
            responseTopic: "pbx/reply/crm", correlationData: [1, 2], replyTo: "pbx/reply/other", command: "queue/pause")
        let routed = ReplyRouter.message(for: Self.reply, route: route, layout: Self.layout, qos: .atLeastOnce)
        #expect(routed.message.topic == "pbx/reply/crm")
        #expect(routed.message.properties.correlationData == [1, 2])
        #expect(routed.refused == nil)
    }

    /// Should refuse a reply topic inside the bridge's own state and use the default one.
    @Test func replyIntoStateIsRefused() {
        let route = ReplyRoute(
            responseTopic: "pbx/agent/147/extensionStatus", correlationData: nil, replyTo: nil, command: "queue/pause")
        let routed = ReplyRouter.message(for: Self.reply, route: route, layout: Self.layout, qos: .atLeastOnce)
        #expect(routed.message.topic == "pbx/reply/queue/pause")
        #expect(routed.refused == "pbx/agent/147/extensionStatus")
    }

    /// Should use the body's replyTo for MQTT 3.1.1 clients, and the default topic otherwise.
    @Test func replyToThenDefault() {
        let withReplyTo = ReplyRoute(
            responseTopic: nil, correlationData: nil, replyTo: "crm/replies", command: "hangup")
        #expect(
            ReplyRouter.message(for: Self.reply, route: withReplyTo, layout: Self.layout, qos: .atLeastOnce).message
                .topic
                == "crm/replies")
        let bare = ReplyRoute(responseTopic: nil, correlationData: nil, replyTo: nil, command: "a/+/b")
        #expect(
            ReplyRouter.message(for: Self.reply, route: bare, layout: Self.layout, qos: .atLeastOnce).message.topic
                == "pbx/reply/unknown")
    }
}
