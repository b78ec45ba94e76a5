import Testing

@testable import Bridge

@Suite struct StaleTopicSweepTests {
    let layout = try! TopicLayout(prefix: "pbx")

    /// Should report only retained state topics the current state lacks, and only once both
    /// the harvest and the first sync are done.
    @Test func reportsStaleStateTopicsWhenBothPhasesAreDone() {
        var sweep = StaleTopicSweep(layout: self.layout)
        sweep.received(topic: "pbx/agent/147/extensionStatus", retained: true, empty: false)
        sweep.received(topic: "pbx/agent/999/queueMemberStatus/q9", retained: true, empty: false)
        sweep.received(topic: "pbx/queue/gone/stats", retained: true, empty: false)
        sweep.received(topic: "pbx/agent/998/name", retained: false, empty: false)  // live echo
        sweep.received(topic: "pbx/agent/997/phoneNumber", retained: true, empty: true)  // already cleared
        sweep.received(topic: "pbx/agent/996/agentCalled", retained: true, empty: false)  // not state
        sweep.received(topic: "other/agent/1/name", retained: true, empty: false)
        let current: Set<String> = ["pbx/agent/147/extensionStatus"]
        #expect(sweep.stale(current: current) == nil)
        sweep.finishHarvest()
        #expect(sweep.stale(current: current) == nil)
        sweep.finishSync()
        #expect(sweep.stale(current: current) == ["pbx/agent/999/queueMemberStatus/q9", "pbx/queue/gone/stats"])
    }

    /// Should subscribe to every root of retained state, the extension and parking ones included.
    @Test func filtersCoverEveryStateRoot() {
        #expect(
            StaleTopicSweep.filters(self.layout) == [
                "pbx/agent/+/+", "pbx/agent/+/queueMemberStatus/+", "pbx/queue/+/+", "pbx/extension/+/+",
                "pbx/parking/+/+",
            ])
    }

    /// Should recognise exactly the contract's retained state topics.
    @Test func knowsStateTopics() {
        let sweep = StaleTopicSweep(layout: self.layout)
        for topic in [
            "pbx/agent/1/extensionStatus", "pbx/agent/1/name", "pbx/agent/1/phoneNumber",
            "pbx/agent/1/queueMemberStatus/q", "pbx/queue/q/count", "pbx/queue/q/stats",
            "pbx/extension/200/presence", "pbx/parking/default/701",
        ] {
            #expect(sweep.isStateTopic(topic), "\(topic)")
        }
        for topic in [
            "pbx/agent/1/agentComplete", "pbx/queue/q/callerAbandon", "pbx/bridge/state", "pbx/cmd/originate",
            "pbx/agent/1/queueMemberStatus/q/x", "pbx/queue/q", "pbx/extension/200/other", "pbx/parking/default",
            "pbx/parking/default/701/x",
        ] {
            #expect(!sweep.isStateTopic(topic), "\(topic)")
        }
    }
}
