import AMI
import CallCenter
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// Broker reconnects as transcripts: what the fault suite (Tests/IntegrationTests/Faults) found
/// a subscriber could be left with, pinned down on the pure machine.
struct BridgeStateMachineReconnectTests {
    /// Should look for stale retained topics again after every reconnect, not only the first:
    /// a broker restarted from its store brings back topics of agents removed meanwhile
    /// (found by `BrokerFaultTests.brokerRestarted(storeDeleted: false)`).
    @Test func reconnectSweepsStaleTopicsAgain() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        harness.advance(.seconds(1))
        let firstSweep = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(firstSweep.publications.isEmpty)
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }

        let again = harness.feed { $0.mqttConnected(at: $1) }
        #expect(again.contains(.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)))
        #expect(again.scheduled.contains(.sweepWindow))
        // The restored store replays an agent the model no longer has, and one it has.
        for topic in ["pbx/agent/999/name", "pbx/agent/147/extensionStatus"] {
            _ = harness.feed {
                $0.mqttMessage(
                    MQTTMessage(topic: topic, text: #"{"agent":"x"}"#, qos: .atMostOnce, retain: true), at: $1)
            }
        }
        harness.advance(.seconds(1))
        let swept = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(swept.published("pbx/agent/999/name").map(\.payload) == [""])
        #expect(swept.published("pbx/agent/147/extensionStatus").isEmpty)
    }

    /// Should hold the republish after a reconnect until what the client resends from before
    /// it is acknowledged: libmosquitto resends unacknowledged QoS 1 messages, which could
    /// land after the fresh values (found by the fault suite's "older after newer" check).
    @Test func reconnectWaitsForResentPublicationsBeforeRepublishing() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }

        let connected = harness.feed { $0.mqttConnected(queued: 3, at: $1) }
        #expect(connected.published("pbx/bridge/state").count == 1)
        #expect(connected.published("pbx/bridge/ami").isEmpty)
        #expect(connected.published("pbx/agent/147/extensionStatus").isEmpty)
        #expect(connected.contains(.notifyWhenQueued(atMost: 0)))
        // A change meanwhile waits for the republish too, which carries it.
        let change = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 1), at: $1) }
        #expect(change.published("pbx/agent/147/extensionStatus").isEmpty)

        #expect(harness.feed { $0.mqttQueueBelow(queued: 1, at: $1) } == [.notifyWhenQueued(atMost: 0)])
        let drained = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
        #expect(drained.published("pbx/bridge/ami").count == 1)
        let state = drained.published("pbx/agent/147/extensionStatus")
        #expect(state.map { $0.payload.contains(#""status":"inuse""#) } == [true])
        // From then on, changes go out at once again.
        let next = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 0), at: $1) }
        #expect(next.published("pbx/agent/147/extensionStatus").count == 1)
    }

    /// Should publish everything at once on a reconnect with nothing left to resend.
    @Test func reconnectWithNothingResentRepublishesAtOnce() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }
        let connected = harness.feed { $0.mqttConnected(queued: 0, at: $1) }
        #expect(connected.published("pbx/bridge/ami").count == 1)
        #expect(connected.published("pbx/agent/147/extensionStatus").count == 1)
        #expect(!connected.contains(.notifyWhenQueued(atMost: 0)))
    }
}
