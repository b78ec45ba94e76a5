import AMI
import CallCenter
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// The stale-topic sweep's harvest window as transcripts: it opens when the broker has
/// acknowledged the sweep's subscriptions and closes once the replay has been quiet, within a
/// cap. A window fixed from the subscribe closed early on a loaded machine
/// (`StaleRetainedTopicTests` failed once that way) and with large retained states.
struct BridgeStateMachineHarvestWindowTests {
    /// Should keep harvesting until the SUBACKs come, however late: the replay follows them.
    @Test func slowSubscriptionAcknowledgementHoldsTheWindowOpen() {
        var harness = MachineHarness()
        let started = harness.startSynced()
        var sent: [BridgeAction] = []
        let mids = harness.sendSubscriptions(in: started, into: &sent)
        #expect(mids.count == 6, "the command filter and the sweep's five")
        #expect(sent.isEmpty)
        // Two seconds without an answer: past the old fixed window, the harvest goes on.
        harness.advance(.seconds(2))
        let early = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(!early.contains(.unsubscribe("pbx/agent/+/+")))
        #expect(early.scheduled == [.sweepWindow])

        var acknowledged: [BridgeAction] = []
        for mid in mids.values.sorted() {
            acknowledged = harness.feed { $0.mqttSubscribed(mid: mid, at: $1) }
        }
        #expect(acknowledged == [.schedule(.sweepWindow, at: harness.now.uptime + HarvestWindow.quiet)])
        Self.replay(&harness, "pbx/agent/999/name")
        harness.advance(HarvestWindow.quiet)
        let swept = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(swept.contains(.unsubscribe("pbx/agent/+/+")))
        #expect(swept.published("pbx/agent/999/name").map(\.payload) == [""])
    }

    /// Should extend the window while replayed messages keep coming (a large retained state),
    /// and close it once they have been quiet for `HarvestWindow.quiet`.
    @Test func longReplayExtendsTheWindow() {
        var harness = MachineHarness()
        _ = harness.acknowledgeSubscriptions(in: harness.startSynced())
        var deadline = harness.now.uptime + HarvestWindow.quiet
        // A replay that trickles in for three seconds, a message every 200 ms.
        for agent in 900..<915 {
            harness.advance(.milliseconds(200))
            if harness.now.uptime >= deadline {
                let fired = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
                #expect(!fired.contains(.unsubscribe("pbx/agent/+/+")), "window closed at agent \(agent)")
                deadline = Self.deadline(in: fired) ?? deadline
            }
            Self.replay(&harness, "pbx/agent/\(agent)/name")
        }
        harness.advance(HarvestWindow.quiet)
        let swept = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(swept.contains(.unsubscribe("pbx/agent/+/+")))
        let cleared = swept.publications.filter { $0.payload.isEmpty }.map(\.topic)
        #expect(cleared == (900..<915).map { "pbx/agent/\($0)/name" })
        #expect(!swept.logMessages.contains { $0.contains("cap") })
    }

    /// Should end a replay that never pauses at the cap, with one warning, and harvest
    /// nothing after it.
    @Test func endlessReplayEndsAtTheCap() {
        var harness = MachineHarness()
        let subscribed = harness.now.uptime
        _ = harness.acknowledgeSubscriptions(in: harness.startSynced())
        var ended: [BridgeAction] = []
        var deadline = harness.now.uptime + HarvestWindow.quiet
        for step in 1...150 {
            harness.advance(.milliseconds(100))
            if harness.now.uptime >= deadline {
                let fired = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
                if fired.contains(.unsubscribe("pbx/agent/+/+")) {
                    ended = fired
                    break
                }
                deadline = Self.deadline(in: fired) ?? deadline
            }
            Self.replay(&harness, "pbx/agent/\(1000 + step)/name")
        }
        #expect(harness.now.uptime == subscribed + HarvestWindow.cap)
        #expect(ended.logMessages.filter { $0.contains("did not end within the cap") }.count == 1)
        #expect(ended.publications.filter { $0.payload.isEmpty }.count == 99)
        Self.replay(&harness, "pbx/agent/2000/name")
        harness.advance(.seconds(1))
        #expect(harness.feed { $0.timerFired(.sweepWindow, at: $1) }.isEmpty)
    }

    /// Should end the harvest at the cap when the broker never acknowledges the subscriptions,
    /// and ignore SUBACKs of subscriptions it did not send (the client's own renewals).
    @Test func unacknowledgedSubscriptionsEndAtTheCap() {
        var harness = MachineHarness()
        let started = harness.startSynced()
        #expect(started.contains(.schedule(.sweepWindow, at: harness.now.uptime + HarvestWindow.cap)))
        var sent: [BridgeAction] = []
        _ = harness.sendSubscriptions(in: started, into: &sent)
        #expect(harness.feed { $0.mqttSubscribed(mid: 999, at: $1) }.isEmpty)
        Self.replay(&harness, "pbx/agent/999/name")
        harness.advance(HarvestWindow.cap)
        let capped = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(capped.contains(.unsubscribe("pbx/agent/+/+")))
        #expect(capped.logMessages.filter { $0.contains("did not end within the cap") }.count == 1)
        #expect(capped.published("pbx/agent/999/name").map(\.payload) == [""])
    }

    /// Should not blame the broker for a cap reached while disconnected (the SUBACKs could
    /// not come), and sweep afresh on the next connect.
    @Test func capWhileDisconnectedIsNotAWarning() {
        var harness = MachineHarness()
        let started = harness.startSynced()
        var sent: [BridgeAction] = []
        _ = harness.sendSubscriptions(in: started, into: &sent)
        _ = harness.feed { $0.mqttDisconnected(reason: "broker gone", at: $1) }
        harness.advance(HarvestWindow.cap)
        let capped = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(capped.contains(.unsubscribe("pbx/agent/+/+")))
        #expect(!capped.logMessages.contains { $0.contains("did not end within the cap") })
        let again = harness.feed { $0.mqttConnected(at: $1) }
        #expect(again.contains(.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)))
    }

    /// Should fall back to the fixed window from the subscribe when the client could not send
    /// a sweep subscription now (no message id, so no SUBACK to wait for).
    @Test func unsentSubscriptionFallsBackToTheFixedWindow() {
        var harness = MachineHarness()
        let subscribed = harness.now.uptime
        let started = harness.startSynced()
        var sent: [BridgeAction] = []
        _ = harness.sendSubscriptions(in: started, unsent: ["pbx/queue/+/+", "pbx/parking/+/+"], into: &sent)
        #expect(sent.scheduled == [.sweepWindow])
        #expect(sent.logMessages.count == 1)
        #expect(sent.contains(.schedule(.sweepWindow, at: subscribed + HarvestWindow.fallback)))
        Self.replay(&harness, "pbx/agent/999/name")
        harness.advance(HarvestWindow.fallback)
        let swept = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(swept.contains(.unsubscribe("pbx/agent/+/+")))
        #expect(swept.published("pbx/agent/999/name").map(\.payload) == [""])
        #expect(!swept.logMessages.contains { $0.contains("cap") })
    }

    // MARK: Helpers

    /// The broker replays a retained `topic` of an earlier run.
    static func replay(_ harness: inout MachineHarness, _ topic: String) {
        let message = MQTTMessage(topic: topic, text: #"{"agent":"x"}"#, qos: .atMostOnce, retain: true)
        _ = harness.feed { $0.mqttMessage(message, at: $1) }
    }

    /// Where `actions` (re)scheduled the window's timer.
    static func deadline(in actions: [BridgeAction]) -> NIODeadline? {
        for action in actions {
            if case .schedule(.sweepWindow, let deadline) = action { return deadline }
        }
        return nil
    }
}
