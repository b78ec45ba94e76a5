import AMI
import CallCenter
import PBXTestSupport
import Testing

/// Correctness with a large call center (no timing assertions).
@Suite struct ScaleTests {
    /// Should keep a view slot a few words wide (the large payloads boxed), since the view
    /// holds one value per topic and a sync holds two views at once.
    @Test func viewSlotsStaySmall() {
        #expect(MemoryLayout<StateValue>.size <= 40)
        #expect(MemoryLayout<StateKey>.size <= 40)
    }

    /// Should keep exact counts and agree with a snapshot for 10,000 agents in 500 queues.
    @Test func tenThousandAgentsFiveHundredQueues() {
        var pbx = SimulatedPBX(agentCount: 10_000, queueCount: 500)
        for (index, agent) in pbx.agents.enumerated() {
            for queue in [pbx.queues[index % 500], pbx.queues[(index * 7 + 3) % 500]] {
                pbx.members[agent, default: [:]][queue] = SimulatedPBX.Member(
                    name: "Agent \(agent)", status: 1, paused: index % 10 == 0, reason: "", penalty: 0,
                    callsTaken: 0, lastCall: 0
                )
            }
            pbx.extensions[agent] = 0
        }
        let start = CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds)
        var state = CallCenterState.snapshot(
            configuration: CallCenterConfiguration(), items: pbx.stateLists(), at: start)
        let memberCount = pbx.members.values.reduce(0) { $0 + $1.count }
        #expect(memberCount == 20_000)
        // extensionStatus, name, member topics, queue count and stats, and each extension's
        // presence and conversations (an empty list while idle).
        #expect(state.view.count == 10_000 + 10_000 + memberCount + 1000 + 10_000 + 10_000)
        var members = 0
        var paused = 0
        for queue in pbx.queues {
            guard case .queueStats(let stats)? = state.view[.queueStats(queue: queue)] else {
                Issue.record("no stats for \(queue)")
                continue
            }
            members += stats.members
            paused += stats.paused
            #expect(stats.available == stats.members - stats.paused)
        }
        #expect(members == memberCount)
        #expect(paused == 2_000)

        var rng = SeededGenerator(seed: 10_000)
        var view = state.view
        var emitted = 0
        for _ in 0..<3000 {
            for event in pbx.step(&rng) {
                let changes = state.apply(event, at: CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds))
                emitted += changes.count
                CallCenterChange.apply(changes, to: &view)
            }
        }
        #expect(emitted > 1000)
        #expect(view == state.view)
        let time = CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds)
        let fresh = CallCenterState.snapshot(
            configuration: state.configuration, items: pbx.stateLists(), at: time, previous: state)
        #expect(state.diff(to: fresh, at: time).isEmpty)
    }
}
