import AMI
import CallCenter
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// Active/standby through the bridge's machine: a standby instance holds nothing, publishes
/// nothing and executes no command; it takes over on the active one's Last Will.
struct BridgeStateMachineFailoverTests {
    static func harness(instance: String) -> MachineHarness {
        var configuration = MachineHarness.configuration()
        configuration.failoverInstance = instance
        return MachineHarness(configuration: configuration)
    }

    static func bridgeState(_ json: String, retain: Bool = true) -> MQTTMessage {
        MQTTMessage(topic: "pbx/bridge/state", payload: Array(json.utf8), qos: .atLeastOnce, retain: retain)
    }

    /// Should stand by while another instance is online (no AMI, no publication, no reply),
    /// take over on its Last Will (AMI, `online` with its own id, the synced state), and answer
    /// a command id it saw while standing by from memory instead of running it again.
    @Test func standbyTakesOverWithoutRunningACommandTwice() {
        var harness = Self.harness(instance: "b")
        let started = harness.feed { $0.start(at: $1) }
        #expect(!started.contains(.startAMI))
        #expect(
            started.contains(.subscribe("pbx/bridge/state", .atLeastOnce, retainAsPublished: false, noLocal: false)))
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        #expect(connected.publications.isEmpty)
        #expect(connected.scheduled.contains(.failoverWindow))
        let seen = harness.feed {
            $0.mqttMessage(Self.bridgeState(#"{"state":"online","version":"0.1.0","instance":"a"}"#), at: $1)
        }
        #expect(seen.logMessages.contains("active/standby: another instance is active; this one stands by"))
        #expect(harness.feed { $0.timerFired(.failoverWindow, at: $1) }.isEmpty)
        let body = #"{"id":"p1","queue":"q1","agent":"147"}"#
        let ignored = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(ignored.publications.isEmpty)
        #expect(ignored.amiRequests.isEmpty)

        harness.advance(.seconds(3))
        let takeover = harness.feed {
            $0.mqttMessage(Self.bridgeState(#"{"state":"offline","instance":"a"}"#), at: $1)
        }
        #expect(takeover.contains(.startAMI))
        let online = takeover.published("pbx/bridge/state")
        #expect(online.count == 1)
        #expect(online.first?.payload.hasPrefix(#"{"state":"online","version":"#) == true)
        #expect(online.first?.payload.hasSuffix(#","instance":"b"}"#) == true)
        let synced = harness.connectAMI()
        #expect(synced.publishedTopics.contains("pbx/agent/147/extensionStatus"))

        let again = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(again.amiRequests.isEmpty)
        #expect(again.publications.first?.payload.contains(#""code":"timeout""#) == true)
        let fresh = harness.feed {
            $0.mqttMessage(
                CommandTranscripts.command("queue/pause", #"{"id":"p2","queue":"q1","agent":"147"}"#), at: $1)
        }
        #expect(fresh.amiRequests.map(\.action.name) == ["QueuePause"])
    }

    /// Should sweep afresh on a takeover during the standby's own harvest: what the previous
    /// instance published since (live, so not marked retained) is replayed by the new
    /// subscription and cleared once the sync shows it stale (a kill -9 right after the
    /// standby started left such a ringing call behind).
    @Test func takeoverDuringTheHarvestSweepsAfresh() {
        var harness = Self.harness(instance: "b")
        _ = harness.feed { $0.start(at: $1) }
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        let filter = BridgeAction.subscribe("pbx/agent/+/+", .atMostOnce, retainAsPublished: false, noLocal: true)
        #expect(connected.contains(filter))
        _ = harness.feed { $0.mqttMessage(Self.bridgeState(#"{"state":"online","instance":"a"}"#), at: $1) }
        let call = Array(#"{"agent":"2004","state":"ringing"}"#.utf8)
        _ = harness.feed {
            $0.mqttMessage(MQTTMessage(topic: "pbx/agent/2004/call", payload: call, qos: .atMostOnce), at: $1)
        }
        harness.advance(.milliseconds(400))
        let takeover = harness.feed {
            $0.mqttMessage(Self.bridgeState(#"{"state":"offline","instance":"a"}"#), at: $1)
        }
        #expect(takeover.contains(.unsubscribe("pbx/agent/+/+")))
        #expect(takeover.contains(filter))
        #expect(takeover.scheduled.contains(.sweepWindow))
        _ = harness.acknowledgeSubscriptions(in: takeover)
        // The new subscription's replay: the broker holds a's call.
        _ = harness.feed {
            $0.mqttMessage(
                MQTTMessage(topic: "pbx/agent/2004/call", payload: call, qos: .atMostOnce, retain: true), at: $1)
        }
        _ = harness.connectAMI()
        harness.advance(.seconds(1))
        let swept = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        #expect(swept.published("pbx/agent/2004/call").map(\.payload) == [""])
    }

    /// Should become active when no instance is online after the window, and stop executing
    /// commands while another instance shows up online, until its own `online` is back.
    @Test func activeInstanceRefusesCommandsWhileContested() {
        var harness = Self.harness(instance: "a")
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let window = harness.feed { $0.timerFired(.failoverWindow, at: $1) }
        #expect(window.contains(.startAMI))
        #expect(window.published("pbx/bridge/state").first?.payload.contains(#""instance":"a""#) == true)
        _ = harness.connectAMI()
        let body = #"{"queue":"q1","agent":"147"}"#
        let contested = harness.feed {
            $0.mqttMessage(Self.bridgeState(#"{"state":"online","instance":"b"}"#, retain: false), at: $1)
        }
        // The smaller id stays active and puts its `online` back.
        #expect(contested.published("pbx/bridge/state").count == 1)
        let refused = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(refused.amiRequests.isEmpty)
        #expect(refused.publications.isEmpty)
        _ = harness.feed {
            $0.mqttMessage(Self.bridgeState(#"{"state":"online","instance":"a"}"#, retain: false), at: $1)
        }
        let runs = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(runs.amiRequests.map(\.action.name) == ["QueuePause"])
    }

    /// Should publish no `offline` when a standby instance stops (it would replace the active
    /// one's `online`).
    @Test func standbyStopsSilently() {
        var harness = Self.harness(instance: "b")
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        _ = harness.feed { $0.mqttMessage(Self.bridgeState(#"{"state":"online","instance":"a"}"#), at: $1) }
        let stopping = harness.feed { $0.shutdown(grace: .seconds(1), at: $1) }
        #expect(stopping.published("pbx/bridge/state").isEmpty)
    }

    /// Should log an MQTT 5 CONNECT the broker closed unanswered once per episode, with the
    /// fix (`mqtt.protocol: "3.1.1"`), again only after a connection succeeded in between.
    @Test func connectClosedUnansweredIsLoggedOncePerEpisode() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        let first = harness.feed { $0.mqttClosedBeforeConnack(reason: "connection lost", at: $1) }
        #expect(first.logMessages.count == 1)
        #expect(first.logMessages.first?.contains(#"mqtt.protocol: "3.1.1""#) == true)
        for _ in 0..<5 {
            #expect(harness.feed { $0.mqttClosedBeforeConnack(reason: "connection lost", at: $1) }.isEmpty)
        }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        _ = harness.feed { $0.mqttDisconnected(reason: "gone", at: $1) }
        #expect(harness.feed { $0.mqttClosedBeforeConnack(reason: "connection lost", at: $1) }.logMessages.count == 1)
    }

    /// Should keep watching `bridge/state` with the new client a reload brings.
    @Test func reloadedClientKeepsWatching() {
        var harness = Self.harness(instance: "b")
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        _ = harness.feed { $0.mqttMessage(Self.bridgeState(#"{"state":"online","instance":"a"}"#), at: $1) }
        var configuration = MachineHarness.configuration()
        configuration.failoverInstance = "b"
        _ = harness.feed { $0.reload(configuration, newAMI: false, newMQTT: true, mqttQueueLimit: 1000, at: $1) }
        harness.advance(.seconds(3))
        #expect(harness.feed { $0.timerFired(.mqttDrain, at: $1) } == [.stopMQTT])
        let restarted = harness.feed { $0.mqttStopped(at: $1) }
        #expect(
            restarted.contains(.subscribe("pbx/bridge/state", .atLeastOnce, retainAsPublished: false, noLocal: false)))
        #expect(!restarted.contains(.startAMI))
        #expect(harness.feed { $0.mqttConnected(at: $1) }.publications.isEmpty)
        let takeover = harness.feed { $0.mqttMessage(Self.bridgeState(#"{"state":"offline","instance":"a"}"#), at: $1) }
        #expect(takeover.contains(.startAMI))
    }

    /// Should leave the old prefix's retained topics to the active instance when a standby
    /// instance is reloaded with a new prefix (a single bridge clears them).
    @Test func standbyReloadedWithANewPrefixClearsNothing() {
        var harness = Self.harness(instance: "b")
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        _ = harness.feed { $0.mqttMessage(Self.bridgeState(#"{"state":"online","instance":"a"}"#), at: $1) }
        var configuration = MachineHarness.configuration(prefix: "pbx/site-a")
        configuration.failoverInstance = "b"
        let reloaded = harness.feed {
            $0.reload(configuration, newAMI: false, newMQTT: true, mqttQueueLimit: 1000, at: $1)
        }
        #expect(reloaded.publications.isEmpty)

        var single = MachineHarness()
        _ = single.startSynced()
        let moved = single.feed {
            $0.reload(
                MachineHarness.configuration(prefix: "pbx/site-a"), newAMI: false, newMQTT: true, mqttQueueLimit: 1000,
                at: $1)
        }
        #expect(moved.published("pbx/bridge/state").map(\.payload) == [""])
    }
}
