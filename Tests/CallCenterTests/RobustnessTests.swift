import AMI
import CallCenter
import Testing

/// Bad or irrelevant input never crashes and never corrupts the model.
@Suite struct RobustnessTests {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 1000)

    static let malformed: [AMIMessage] = [
        AMIMessage(fields: []),
        AMIMessage(["Response": "Success", "Message": "Added interface to queue"]),
        Packets.event("QueueMemberAdded", [("Queue", "q1")]),
        Packets.event("QueueMemberAdded", [("Interface", "Local/1@agents/n")]),
        Packets.event("QueueMemberAdded", [("Queue", ""), ("Interface", "Local/1@agents/n")]),
        Packets.event("QueueMemberRemoved", [("Queue", "q1"), ("Interface", "")]),
        Packets.event("QueueCallerJoin", [("Queue", "q1")]),
        Packets.event("QueueCallerLeave", [("Uniqueid", "1.1")]),
        Packets.event("QueueCallerAbandon", [("Queue", "")]),
        Packets.event("AgentCalled", [("Queue", "q1")]),
        Packets.event("AgentComplete", [("Interface", "Local/1@agents/n")]),
        Packets.event("AgentConnect", []),
        Packets.event("ExtensionStatus", [("Status", "1")]),
        Packets.event("ExtensionStatus", [("Exten", "1")]),
        Packets.event("BridgeEnter", [("Uniqueid", "1.2")]),
        Packets.event("BridgeLeave", [("BridgeUniqueid", "b")]),
        Packets.event("Hangup", [("Uniqueid", "")]),
        Packets.event("Newchannel", [("Channel", "PJSIP/1-0001")]),
        Packets.event("CoreShowChannel", [("BridgeId", "b")]),
        Packets.event("QueueEntry", [("Queue", "q1"), ("Wait", "zz")]),
        Packets.event("", []),
        Packets.event("SomethingNew", [("Queue", "q1")]),
    ]

    /// Should ignore each malformed or irrelevant packet and count the malformed ones.
    @Test(arguments: malformed)
    func malformedIsIgnored(message: AMIMessage) {
        var state = CallCenterState()
        _ = state.apply(Packets.member("QueueMemberAdded", queue: "q1", agent: "147", name: "Alice"), at: Self.t0)
        let before = state.view
        let changes = state.apply(message, at: Self.t0)
        #expect(changes.isEmpty)
        #expect(state.view == before)
    }

    /// Should accept garbage numbers without crashing, keeping earlier values.
    @Test func garbageNumbersKeepEarlierValues() throws {
        var state = CallCenterState()
        _ = state.apply(
            Packets.member("QueueMemberAdded", queue: "q1", agent: "147", penalty: "3", callsTaken: "7"), at: Self.t0)
        _ = state.apply(
            Packets.member(
                "QueueMemberPenalty", queue: "q1", agent: "147", paused: "maybe", penalty: "x",
                callsTaken: "99999999999999999999999"), at: Self.t0)
        guard case .queueMemberStatus(let value)? = state.view[.agentQueueMemberStatus(agent: "147", queue: "q1")]
        else {
            Issue.record("member vanished")
            return
        }
        #expect(value.penalty == 3)
        #expect(value.callsTaken == 7)
        #expect(value.paused == false)
        #expect(state.diagnostics.unknownCodes.contains("QueueMemberPenalty.Paused=maybe"))
    }

    /// Should count malformed relevant events in diagnostics.
    @Test func countsMalformed() {
        var state = CallCenterState()
        _ = state.apply(Packets.event("QueueCallerJoin", [("Queue", "q1")]), at: Self.t0)
        #expect(state.diagnostics.malformedEvents == 1)
        #expect(state.diagnostics.lastMalformed == "QueueCallerJoin.Uniqueid")
    }

    /// Should handle a leave, remove or hangup for things it never saw.
    @Test func unknownReferencesAreHarmless() {
        var state = CallCenterState()
        #expect(state.apply(Packets.member("QueueMemberRemoved", queue: "q1", agent: "147"), at: Self.t0).isEmpty)
        #expect(
            state.apply(
                Packets.event("Hangup", [("Uniqueid", "9.9"), ("Channel", "Local/147@agents-1;1")]), at: Self.t0
            ).isEmpty)
        #expect(
            state.apply(Packets.event("BridgeLeave", [("Uniqueid", "9.8"), ("BridgeUniqueid", "b")]), at: Self.t0)
                .isEmpty)
        #expect(state.view.isEmpty)
    }

    /// Should publish a member leaving as `loggedoff`, then clear it, and forget the name.
    @Test func memberLeavingIsLoggedOffThenCleared() {
        var state = CallCenterState()
        _ = state.apply(Packets.member("QueueMemberAdded", queue: "q1", agent: "147", name: "Alice"), at: Self.t0)
        let t1 = CallCenterTime(millisecondsSinceEpoch: 2000)
        let changes = state.apply(
            Packets.member("QueueMemberRemoved", queue: "q1", agent: "147", name: "Alice"), at: t1)
        let key = StateKey.agentQueueMemberStatus(agent: "147", queue: "q1")
        let expectedLast = QueueMemberStatusValue(
            agent: "147", queue: "q1", status: .loggedoff, paused: false, pausedReason: "", penalty: 0,
            callsTaken: 0, lastCall: nil, since: t1
        )
        #expect(
            Array(changes.prefix(3)) == [
                .set(key, .queueMemberStatus(expectedLast)), .clear(key), .clear(.agentName(agent: "147")),
            ])
        #expect(state.view[key] == nil)
    }
}
