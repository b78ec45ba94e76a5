import AMI
import CallCenter
import Foundation
import Testing

@testable import Bridge

/// Events that arrive while the state lists are fetched are applied onto the snapshot in
/// wire order against the lists: what a list answered after them already holds is not
/// counted again (a standby taking over mid-traffic met exactly this).
struct BridgeStateMachineSyncOrderTests {
    static func call(_ name: String, uniqueId: String, _ extra: [(String, String)]) -> AMIMessage {
        var message = AMIMessage(fields: [AMIField("Event", name)])
        let fields: [(String, String)] = [
            ("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("MemberName", "Alice"),
            ("Channel", "PJSIP/trunk-\(uniqueId)"), ("Uniqueid", uniqueId), ("Linkedid", uniqueId),
            ("CallerIDNum", "5550101"),
        ]
        for (key, value) in fields + extra { message.append(key, value) }
        return message
    }

    /// q1's statistics as a QueueStatus list reports them.
    static let queueParams = AMIMessage([
        "Event": "QueueParams", "Queue": "q1", "Max": "0", "Strategy": "ringall", "Calls": "0", "Holdtime": "3",
        "TalkTime": "40", "Completed": "5", "Abandoned": "2", "ServiceLevel": "60", "ServicelevelPerf": "100.0",
        "ServicelevelPerf2": "100.0", "Weight": "0",
    ])

    /// Answers list `index` of the sync that `requests` started.
    static func answer(
        _ index: Int, _ items: [AMIMessage], of requests: [SentAMI], harness: inout MachineHarness
    ) -> [BridgeAction] {
        guard
            let request = requests.first(where: {
                if case .stateList(_, index) = $0.request { return true }
                return false
            })
        else {
            Issue.record("no state list \(index) was requested")
            return []
        }
        let response = AMIResponse(
            action: request.action.name, response: AMIMessage(["Response": "Success", "EventList": "start"]),
            events: items)
        return harness.feed { $0.amiResponse(request.request, .success(response), at: $1) }
    }

    /// A bridge tracking agent 147, connected to both sides, its state lists asked for.
    static func syncing() -> (MachineHarness, [SentAMI]) {
        var harness = MachineHarness(configuration: MachineHarness.configuration(agents: ["147"]))
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let amiUp = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        return (harness, amiUp.amiRequests)
    }

    static func stats(_ actions: [BridgeAction]) throws -> [String: Any] {
        let payload = try #require(actions.published("pbx/queue/q1/stats").last?.payload)
        return try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
    }

    /// Should not count an AgentComplete or QueueCallerAbandon twice when it arrived before
    /// the QueueStatus answer (which counts it), and count one that arrived after it, while
    /// still publishing every one-off event.
    @Test func eventsBeforeTheQueueListAreNotCountedTwice() throws {
        var (harness, requests) = Self.syncing()
        #expect(BridgeStateMachine.stateLists[BridgeStateMachine.queueStatisticsList].action.name == "QueueStatus")

        // Before the QueueStatus answer: already in its Completed 5 / Abandoned 2.
        _ = harness.feed {
            $0.amiEvent(Self.call("AgentConnect", uniqueId: "1.1", [("HoldTime", "30")]), at: $1)
        }
        _ = harness.feed {
            $0.amiEvent(
                Self.call(
                    "AgentComplete", uniqueId: "1.1", [("HoldTime", "30"), ("TalkTime", "60"), ("Reason", "agent")]),
                at: $1)
        }
        _ = harness.feed {
            $0.amiEvent(
                Self.call("QueueCallerAbandon", uniqueId: "1.2", [("Position", "1"), ("HoldTime", "2")]), at: $1)
        }
        var synced = Self.answer(0, [Self.queueParams], of: requests, harness: &harness)
        // After it: new to the list, counted.
        _ = harness.feed {
            $0.amiEvent(
                Self.call(
                    "AgentComplete", uniqueId: "1.3", [("HoldTime", "1"), ("TalkTime", "20"), ("Reason", "caller")]),
                at: $1)
        }
        for index in 1..<BridgeStateMachine.stateLists.count {
            synced += Self.answer(
                index, index == 2 ? [MachineHarness.extensionStatus("147", status: 0)] : [], of: requests,
                harness: &harness)
        }
        #expect(harness.machine.sync == nil)

        let stats = try Self.stats(synced)
        #expect(stats["completed"] as? Int == 6)
        #expect(stats["abandoned"] as? Int == 2)
        // Only the later call moves the averages: (3 × 40 + 20) / 4 = 35; hold time stays 3.
        #expect(stats["talkTime"] as? Int == 35)
        #expect(stats["holdTime"] as? Int == 3)
        // Every call still gives its one-off events.
        #expect(synced.published("pbx/agent/147/agentComplete").count == 2)
        #expect(synced.published("pbx/queue/q1/callerAbandon").count == 1)
    }

    /// Should count every event of a sync when the queue list answered before they came.
    @Test func eventsAfterTheQueueListAreCounted() throws {
        var (harness, requests) = Self.syncing()
        var synced = Self.answer(0, [Self.queueParams], of: requests, harness: &harness)
        _ = harness.feed {
            $0.amiEvent(
                Self.call("QueueCallerAbandon", uniqueId: "1.2", [("Position", "1"), ("HoldTime", "2")]), at: $1)
        }
        for index in 1..<BridgeStateMachine.stateLists.count {
            synced += Self.answer(index, [], of: requests, harness: &harness)
        }
        let stats = try Self.stats(synced)
        #expect(stats["completed"] as? Int == 5)
        #expect(stats["abandoned"] as? Int == 3)
    }
}
