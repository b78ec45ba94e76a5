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
        _ = harness.acknowledgeSubscriptions(in: harness.startSynced())
        harness.advance(.seconds(1))
        let firstSweep = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(firstSweep.publications.isEmpty)
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }

        let again = harness.feed { $0.mqttConnected(at: $1) }
        #expect(again.contains(.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)))
        #expect(again.scheduled.contains(.sweepWindow))
        _ = harness.acknowledgeSubscriptions(in: again)
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

    /// Should sweep afresh after a reconnect during the harvest: the client's own renewal of
    /// the sweep's subscriptions reaches the broker before libmosquitto's resends, so the harvest
    /// still under way would not see them (found by `BrokerFaultTests.brokerKilledDuringABurst`:
    /// a broker killed within a second of the bridge's connect, resent ringing calls left behind).
    @Test func reconnectDuringTheHarvestSweepsAfresh() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        harness.advance(.milliseconds(300))
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }
        harness.advance(.milliseconds(400))

        let again = harness.feed { $0.mqttConnected(at: $1) }
        #expect(again.contains(.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)))
        #expect(again.scheduled.contains(.sweepWindow))
        _ = harness.acknowledgeSubscriptions(in: again)
        // The restarted broker replays a call of before that has ended meanwhile.
        let swept = harness.replayStaleCallAndEndHarvest()
        #expect(swept.published("pbx/agent/147/call").map(\.payload) == [""])
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
        #expect(drained.contains(.cancel(.republishWait)))
        #expect(drained.published("pbx/bridge/ami").count == 1)
        let state = drained.published("pbx/agent/147/extensionStatus")
        #expect(state.map { $0.payload.contains(#""status":"inuse""#) } == [true])
        // From then on, changes go out at once again.
        let next = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 0), at: $1) }
        #expect(next.published("pbx/agent/147/extensionStatus").count == 1)
    }

    /// Should subscribe for the sweep only once what the client resends is acknowledged: the
    /// broker replays what it retains when the subscription arrives, and libmosquitto sends
    /// beyond its in-flight window only as acknowledgements come, so a resent value of a call
    /// that ended during the outage could land after the subscription, unseen, and stay.
    @Test func reconnectSweepsOnceResentPublicationsAreAcknowledged() {
        var harness = MachineHarness()
        _ = harness.acknowledgeSubscriptions(in: harness.startSynced())
        harness.advance(.seconds(1))
        _ = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }

        let filter = BridgeAction.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)
        let connected = harness.feed { $0.mqttConnected(queued: 30, at: $1) }
        #expect(!connected.contains(filter))
        #expect(!connected.scheduled.contains(.sweepWindow))
        let drained = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
        #expect(drained.contains(filter))
        #expect(drained.scheduled.contains(.sweepWindow))
        // The subscription comes before the republish, which "no local" keeps from coming back.
        let subscribedAt = drained.firstIndex(of: filter) ?? drained.count
        let republishedAt = drained.firstIndex { if case .publishState = $0 { true } else { false } } ?? -1
        #expect(subscribedAt < republishedAt)
        _ = harness.acknowledgeSubscriptions(in: drained)
        // The broker now holds the resent value of a call that ended meanwhile, and replays it.
        let swept = harness.replayStaleCallAndEndHarvest()
        #expect(swept.published("pbx/agent/147/call").map(\.payload) == [""])
    }

    /// Should not wait for ever: a steady flood of events may keep the queue from emptying, so
    /// the republish goes out after `republishWait` at the latest, and only once.
    @Test func republishWaitsAtMostRepublishWait() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }
        let connected = harness.feed { $0.mqttConnected(queued: 5, at: $1) }
        #expect(connected.scheduled.contains(.republishWait))
        harness.advance(BridgeStateMachine.republishWait)
        let late = harness.feed { $0.timerFired(.republishWait, at: $1) }
        #expect(late.published("pbx/agent/147/extensionStatus").count == 1)
        #expect(late.published("pbx/bridge/ami").count == 1)
        #expect(late.contains(.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)))
        #expect(harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }.publications.isEmpty)
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
