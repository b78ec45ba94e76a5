import AMI
import CallCenter
import Testing

/// Tracked queues and agents limit what is published.
@Suite struct ScopeTests {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 1000)

    /// Should publish only tracked queues and agents, and their events.
    @Test func scoped() {
        var state = CallCenterState(
            configuration: CallCenterConfiguration(trackedQueues: ["q1"], trackedAgents: ["147"]))
        #expect(state.apply(Packets.member("QueueMemberAdded", queue: "q2", agent: "147"), at: Self.t0).isEmpty)
        #expect(state.apply(Packets.member("QueueMemberAdded", queue: "q1", agent: "148"), at: Self.t0).isEmpty)
        #expect(state.apply(Packets.extensionStatus(agent: "148", status: "1"), at: Self.t0).isEmpty)
        #expect(!state.apply(Packets.member("QueueMemberAdded", queue: "q1", agent: "147"), at: Self.t0).isEmpty)
        #expect(!state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: Self.t0).isEmpty)
        let abandon = Packets.event(
            "QueueCallerAbandon", [("Queue", "q2"), ("Uniqueid", "1.1"), ("Position", "1"), ("HoldTime", "3")])
        #expect(state.apply(abandon, at: Self.t0).isEmpty)
        let called = Packets.event(
            "AgentCalled", [("Queue", "q1"), ("Interface", "Local/148@agents/n"), ("Uniqueid", "1.1")])
        #expect(state.apply(called, at: Self.t0).isEmpty)
        let calledTracked = Packets.event(
            "AgentCalled",
            [("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("Uniqueid", "1.1"), ("CallerIDNum", "555")])
        let changes = state.apply(calledTracked, at: Self.t0)
        let events = changes.compactMap { change -> CallCenterEvent? in
            if case .event(let event) = change { event } else { nil }
        }
        #expect(events.count == 2)
        #expect(
            events.first
                == .agentCalled(AgentCalledEvent(agent: "147", queue: "q1", number: "555", name: "", uniqueId: "1.1")))
        guard case .callState(let ring)? = events.last else {
            Issue.record("no call event: \(events)")
            return
        }
        // Only the tracked agent's ring: 148 rang for the same call unpublished.
        #expect(ring.event == .ringStarted && ring.call.agent == "147" && ring.call.queue == "q1")
        let topics = Set(state.view.keys.map(\.description))
        #expect(
            topics == [
                "agent/147/extensionStatus", "agent/147/queueMemberStatus/q1", "queue/q1/count", "queue/q1/stats",
                "extension/147/presence", "extension/147/conversations", "agent/147/call",
            ])
    }
}
