import Bridge
import Testing

@Suite struct TopicLayoutTests {
    /// Should build the contract's topics with escaped segments.
    @Test func buildsTopics() throws {
        let layout = try TopicLayout(prefix: "pbx")
        #expect(try layout.agent("147", "extensionStatus") == "pbx/agent/147/extensionStatus")
        #expect(try layout.queueMember(agent: "147", queue: "sales/eu") == "pbx/agent/147/queueMemberStatus/sales%2Feu")
        #expect(try layout.queue("q1", "count") == "pbx/queue/q1/count")
        #expect(layout.commandName(of: "pbx/cmd/queue/add") == "queue/add")
        #expect(layout.commandName(of: "pbx/agent/1/name") == nil)
        #expect(layout.defaultReply(for: "queue/add") == "pbx/reply/queue/add")
    }

    /// Should keep user-chosen reply topics away from the bridge's own state and commands.
    @Test func guardsReplyTopics() throws {
        let layout = try TopicLayout(prefix: "pbx")
        #expect(layout.isAllowedReplyTopic("crm/replies/42"))
        #expect(layout.isAllowedReplyTopic("pbx/reply/mine"))
        #expect(!layout.isAllowedReplyTopic("pbx/agent/147/extensionStatus"))
        #expect(!layout.isAllowedReplyTopic("pbx/cmd/originate"))
        #expect(!layout.isAllowedReplyTopic("crm/+/x"))
        #expect(!layout.isAllowedReplyTopic("$SYS/x"))
        #expect(!layout.isAllowedReplyTopic(""))
    }

    /// Should put every topic of a site prefix (several segments) under it, and keep replies of
    /// one site away from the other sites sharing its first segment.
    @Test func sitePrefix() throws {
        let layout = try TopicLayout(prefix: "pbx/site-a")
        #expect(layout.root == "pbx")
        #expect(try layout.agent("147", "name") == "pbx/site-a/agent/147/name")
        #expect(layout.commandFilter == "pbx/site-a/cmd/#")
        #expect(layout.bridgeState == "pbx/site-a/bridge/state")
        #expect(layout.commandName(of: "pbx/site-a/cmd/queue/add") == "queue/add")
        #expect(layout.commandName(of: "pbx/site-b/cmd/queue/add") == nil)
        #expect(layout.commandName(of: "pbx/cmd/queue/add") == nil)
        #expect(layout.defaultReply(for: "hangup") == "pbx/site-a/reply/hangup")
        #expect(layout.isAllowedReplyTopic("pbx/site-a/reply/crm-1"))
        #expect(layout.isAllowedReplyTopic("crm/replies/42"))
        #expect(!layout.isAllowedReplyTopic("pbx/site-b/agent/147/extensionStatus"))
        #expect(!layout.isAllowedReplyTopic("pbx/site-b/reply/crm-1"))
        #expect(!layout.isAllowedReplyTopic("pbx/agent/147/name"))
        #expect(!layout.isAllowedReplyTopic("pbx"))
        #expect(!layout.isAllowedReplyTopic("pbx/site-a/cmd/hangup"))
        #expect(try TopicLayout(prefix: "pbx").root == "pbx")
    }

    /// Should refuse prefixes that are not plain topic paths.
    @Test(arguments: ["", "/pbx", "pbx/", "p+x", "p#", "$SYS"])
    func refusesBadPrefix(prefix: String) {
        #expect(throws: TopicLayoutError.self) { try TopicLayout(prefix: prefix) }
    }
}
