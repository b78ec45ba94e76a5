import AMI
import CallCenter
import Logging
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// A full MQTT client queue: state waits coalesced, events are dropped, one log line each way.
struct BridgeStateMachineBackPressureTests {
    static let full = MQTTError.queueFull(limit: 8)

    /// Should keep the newest value per topic while the queue is full, send it when the
    /// client reports room, and never send an older value after a newer one.
    @Test func queueFullThenDrainedSendsTheNewestValuePerTopic() {
        var harness = MachineHarness(queueLimit: 8)
        _ = harness.startSynced()
        // The client refuses the first toggle: the episode starts, once.
        let toggle1 = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 1), at: $1) }
        guard case .publish(let refused, .state)? = toggle1.first else {
            Issue.record("expected a publication: \(toggle1)")
            return
        }
        let start = harness.feed { $0.publicationFailed(refused, .state, error: Self.full, at: $1) }
        #expect(start.logMessages.count == 1)
        #expect(start.contains(.notifyWhenQueued(atMost: 4)))
        // Later values of the same topic wait behind it, in its place: no publication at all.
        for status in [0, 1, 0, 8] {
            let later = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: status), at: $1) }
            #expect(later.publications.isEmpty)
            #expect(later.logMessages.isEmpty)
        }
        // One per topic: the agent's extensionStatus and the extension's presence.
        #expect(harness.machine.deferred.count == 2)
        // An event is not state: it goes out (or is dropped), it never waits.
        let dropped = harness.feed {
            $0.publicationFailed(
                MQTTMessage(topic: "pbx/queue/q1/callerAbandon", payload: [], qos: .atLeastOnce, retain: false), .event,
                error: Self.full, at: $1)
        }
        #expect(dropped == [.record(.dropped(.event))])
        // Room again: only the newest value goes, and the episode ends with one summary line.
        let drained = harness.feed { $0.mqttQueueBelow(queued: 4, at: $1) }
        let sent = drained.published("pbx/agent/147/extensionStatus")
        #expect(sent.count == 1)
        #expect(sent.first?.payload.contains("\"ringing\"") == true)
        #expect(drained.published("pbx/extension/147/presence").map { $0.payload.contains("\"ringing\"") } == [true])
        #expect(drained.logMessages == ["MQTT outgoing queue drained"])
        guard case .log(_, _, let metadata)? = drained.last else {
            Issue.record("no summary")
            return
        }
        // The refused value and four more of each topic.
        #expect(metadata["mqtt.deferred"] == "9")
        #expect(metadata["mqtt.dropped"] == "1")
        // Back to normal: the next value goes straight out.
        let next = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 0), at: $1) }
        #expect(next.published("pbx/agent/147/extensionStatus").count == 1)
    }

    /// Should send the waiting state in slices that fit the room, asking again until done.
    @Test func drainingHappensInSlicesThatFitTheRoom() {
        var harness = MachineHarness(queueLimit: 8)
        let agents = (100..<120).map(String.init)
        _ = harness.startSynced(items: [[], [], agents.map { MachineHarness.extensionStatus($0, status: 0) }, []])
        var first = true
        for agent in agents {
            let message = MQTTMessage(
                topic: "pbx/agent/\(agent)/extensionStatus", payload: Array("v".utf8), qos: .atLeastOnce, retain: true)
            let actions = harness.feed { $0.publicationFailed(message, .state, error: Self.full, at: $1) }
            #expect(actions.logMessages.count == (first ? 1 : 0))
            first = false
        }
        #expect(harness.machine.deferred.count == 20)
        var sent: [String] = []
        var rounds = 0
        while !harness.machine.deferred.isEmpty, rounds < 20 {
            let actions = harness.feed { $0.mqttQueueBelow(queued: 4, at: $1) }
            #expect(actions.publications.count <= 3)
            sent += actions.publishedTopics
            rounds += 1
        }
        #expect(sent == agents.map { "pbx/agent/\($0)/extensionStatus" })
    }

    /// Should forget waiting state when the broker goes away: the reconnect publishes the view.
    @Test func disconnectDropsWaitingStateAndReconnectRepublishes() {
        var harness = MachineHarness(queueLimit: 8)
        _ = harness.startSynced()
        let message = MQTTMessage(
            topic: "pbx/agent/147/extensionStatus", payload: Array("v".utf8), qos: .atLeastOnce, retain: true)
        _ = harness.feed { $0.publicationFailed(message, .state, error: Self.full, at: $1) }
        let down = harness.feed { $0.mqttDisconnected(reason: "gone", at: $1) }
        #expect(down.logMessages == ["MQTT disconnected", "MQTT outgoing queue drained"])
        #expect(harness.machine.deferred.isEmpty)
        let up = harness.feed { $0.mqttConnected(at: $1) }
        #expect(up.published("pbx/agent/147/extensionStatus").count == 1)
    }
}
