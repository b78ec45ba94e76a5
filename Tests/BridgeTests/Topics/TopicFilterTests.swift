import Bridge
import Testing

@Suite struct TopicFilterTests {
    /// Should match topic names by MQTT's rules: `+` one level, `#` the parent and all below.
    @Test(arguments: [
        ("pbx/#", "pbx/agent/1/name", true),
        ("pbx/#", "pbx", true),
        ("pbx/#", "pbxx/agent", false),
        ("pbx/agent/+/name", "pbx/agent/1/name", true),
        ("pbx/agent/+/name", "pbx/agent/1/extensionStatus", false),
        ("pbx/agent/+/name", "pbx/agent/1/name/x", false),
        ("pbx/agent/+/queueMemberStatus/+", "pbx/agent/1/queueMemberStatus/q1", true),
        ("+/site-a/#", "pbx/site-a/queue/q1/count", true),
        ("+/site-a/#", "pbx/site-b/queue/q1/count", false),
        ("pbx/queue/q1/count", "pbx/queue/q1/count", true),
        ("pbx/queue/q1/count", "pbx/queue/q1/stats", false),
        ("pbx/agent/+", "pbx/agent/", true),
        ("#", "anything/at/all", true),
    ])
    func matches(filter: String, topic: String, expected: Bool) throws {
        #expect(try TopicFilter(filter).matches(topic) == expected)
    }

    /// Should refuse what is no MQTT topic filter, saying why.
    @Test(arguments: [
        ("", TopicFilterError.empty),
        ("pbx/agent+/name", .partialWildcard("+")),
        ("pbx/#/name", .hashNotLast),
        ("pbx/a#", .partialWildcard("#")),
    ])
    func refuses(filter: String, error: TopicFilterError) {
        #expect(throws: error) { try TopicFilter(filter) }
        #expect(!error.description.isEmpty)
    }
}
