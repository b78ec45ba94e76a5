import AMI
import CallCenter
import PBXTestSupport
import Testing

/// Hand-checked facts of the real queue-call-flow transcript, independent of the golden
/// file, so a regenerated golden cannot silently bless a wrong reducer.
@Suite struct QueueCallFlowTests {
    /// Should measure the longest wait when the waiting set changes, and expose the oldest
    /// join time for live displays.
    @Test func longestWait() throws {
        var state = CallCenterState()
        let join = { (id: String) in
            Packets.event("QueueCallerJoin", [("Queue", "q1"), ("Uniqueid", id), ("Position", "1"), ("Count", "1")])
        }
        _ = state.apply(join("1.1"), at: CallCenterTime(millisecondsSinceEpoch: 10_000))
        #expect(state.oldestWaitingCallerJoined(queue: "q1") == CallCenterTime(millisecondsSinceEpoch: 10_000))
        let changes = state.apply(join("1.2"), at: CallCenterTime(millisecondsSinceEpoch: 41_500))
        guard case .set(_, .queueStats(let stats))? = changes.last else {
            Issue.record("expected stats, got \(changes)")
            return
        }
        #expect(stats.longestWaitSeconds == 31)
        #expect(stats.waiting == 2)
        #expect(state.oldestWaitingCallerJoined(queue: "q1") == CallCenterTime(millisecondsSinceEpoch: 10_000))
        #expect(state.oldestWaitingCallerJoined(queue: "nope") == nil)
    }

    /// Should see Alice rung three times, two completed calls (agent, then caller hangs up),
    /// one abandon, the two callers' numbers, and Alice logged off at the end.
    @Test func queueCallFlowFacts() throws {
        let messages = try decodeAMIMessages(try Fixtures.bytes("queue-call-flow.ami"))
        var state = CallCenterState()
        var all: [CallCenterChange] = []
        for (index, message) in messages.enumerated() {
            all += state.apply(message, at: CallCenterTime(millisecondsSinceEpoch: Int64(index) * 1000))
        }
        let called = all.compactMap { if case .event(.agentCalled(let e)) = $0 { e } else { nil } }
        #expect(called.map(\.agent) == ["147", "147", "147"])
        #expect(called.map(\.number) == ["5550001", "5550002", "5550003"])
        let completed = all.compactMap { if case .event(.agentComplete(let e)) = $0 { e } else { nil } }
        #expect(completed.map(\.reason) == ["agent", "caller"])
        #expect(completed.map(\.talkTime) == [3, 3])
        #expect(completed.map(\.holdTime) == [1, 0])
        let abandons = all.compactMap { if case .event(.callerAbandon(let e)) = $0 { e } else { nil } }
        #expect(abandons == [CallerAbandonEvent(queue: "q1", uniqueId: "1795618229.17", position: 1, holdTime: 2)])
        let numbers = all.compactMap {
            if case .set(.agentPhoneNumber("147"), .phoneNumber(let v)) = $0 { v.number } else { nil }
        }
        #expect(numbers == ["5550001", "5550002"])
        #expect(all.filter { $0 == .clear(.agentPhoneNumber(agent: "147")) }.count == 2)
        let memberStatuses = all.compactMap {
            if case .set(.agentQueueMemberStatus("147", "q1"), .queueMemberStatus(let v)) = $0 { v.status } else { nil }
        }
        #expect(memberStatuses == [.notInUse, .inUse, .notInUse, .inUse, .notInUse, .loggedoff])
        #expect(
            all.last
                == .set(
                    .queueStats(queue: "q1"),
                    state.view[.queueStats(queue: "q1")] ?? .queueCount(QueueCountValue(queue: "", count: -1))))
        guard case .queueStats(let stats)? = state.view[.queueStats(queue: "q1")] else {
            Issue.record("no q1 stats")
            return
        }
        #expect(stats.completed == 2)
        #expect(stats.abandoned == 1)
        #expect(stats.members == 0)
        #expect(stats.waiting == 0)
        #expect(state.view[.agentName(agent: "147")] == nil)
        #expect(state.diagnostics == CallCenterDiagnostics())
    }
}
