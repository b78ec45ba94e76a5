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
        guard case .publishState(let refused)? = toggle1.first else {
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
        // Room again: only the newest value goes; the episode ends once nothing waited for a
        // while, with one summary line.
        let drained = harness.feed { $0.mqttQueueBelow(queued: 4, at: $1) }
        let sent = drained.published("pbx/agent/147/extensionStatus")
        #expect(sent.count == 1)
        #expect(sent.first?.payload.contains("\"ringing\"") == true)
        #expect(drained.published("pbx/extension/147/presence").map { $0.payload.contains("\"ringing\"") } == [true])
        #expect(drained.logMessages.isEmpty)
        #expect(drained.scheduled == [.backPressureQuiet])
        // Meanwhile state goes straight out again.
        let next = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 0), at: $1) }
        #expect(next.published("pbx/agent/147/extensionStatus").count == 1)
        harness.advance(.seconds(1))
        let quiet = harness.feed { $0.timerFired(.backPressureQuiet, at: $1) }
        #expect(quiet.logMessages == ["MQTT outgoing queue drained"])
        guard case .log(_, _, let metadata)? = quiet.last else {
            Issue.record("no summary")
            return
        }
        // The refused value and four more of each topic.
        #expect(metadata["mqtt.deferred"] == "9")
        #expect(metadata["mqtt.dropped"] == "1")
        #expect(harness.machine.backPressure == nil)
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

    /// Should log a flood that fills the window again and again as one episode: a refusal
    /// before the quiet period ends continues it, and the summary counts all of it.
    @Test func aFloodThatRefillsTheWindowIsOneEpisode() {
        var harness = MachineHarness(queueLimit: 8)
        _ = harness.startSynced()
        let message = { (value: String) in
            MQTTMessage(
                topic: "pbx/agent/147/extensionStatus", payload: Array(value.utf8), qos: .atLeastOnce, retain: true)
        }
        var logged: [String] = []
        for round in 0..<5 {
            let refused = harness.feed { $0.publicationFailed(message("v\(round)"), .state, error: Self.full, at: $1) }
            logged += refused.logMessages
            #expect(refused.contains(.notifyWhenQueued(atMost: 4)))
            let drained = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
            logged += drained.logMessages
            #expect(drained.published("pbx/agent/147/extensionStatus").map(\.payload) == ["v\(round)"])
            harness.advance(.milliseconds(500))
            // A timer of an earlier clearing that fires while state waits again ends nothing.
            logged += harness.feed { $0.timerFired(.backPressureQuiet, at: $1) }.logMessages
        }
        #expect(logged == ["MQTT outgoing queue full: state waits (newest value per topic), events are dropped"])
        harness.advance(.seconds(1))
        let quiet = harness.feed { $0.timerFired(.backPressureQuiet, at: $1) }
        #expect(quiet.logMessages == ["MQTT outgoing queue drained"])
        guard case .log(_, _, let metadata)? = quiet.last else {
            Issue.record("no summary")
            return
        }
        #expect(metadata["mqtt.deferred"] == "5")
    }

    /// Should keep state within the configured window, below the client's own limit, and fill
    /// all of the window's room (events have the rest of the client's queue).
    @Test func stateWaitsOnceTheWindowIsFull() {
        var configuration = MachineHarness.configuration()
        configuration.stateWindow = 100
        var harness = MachineHarness(configuration: configuration, queueLimit: 10_000)
        let agents = (100..<300).map(String.init)
        _ = harness.startSynced(items: [[], [], agents.map { MachineHarness.extensionStatus($0, status: 0) }, []])
        #expect(harness.machine.stateWindow == 100)
        for agent in agents {
            let message = MQTTMessage(
                topic: "pbx/agent/\(agent)/extensionStatus", payload: Array("v".utf8), qos: .atLeastOnce, retain: true)
            let actions = harness.feed {
                $0.publicationFailed(message, .state, error: .queueFull(limit: 100), at: $1)
            }
            if agent == agents.first {
                #expect(actions.contains(.notifyWhenQueued(atMost: 50)))
            }
        }
        let refill = harness.feed { $0.mqttQueueBelow(queued: 50, at: $1) }
        #expect(refill.publications.count == 50)
        #expect(refill.contains(.notifyWhenQueued(atMost: 50)))
        // Later values of waiting topics stay behind them, coalesced.
        let later = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("299", status: 1), at: $1) }
        #expect(later.publications.isEmpty)
        // The extensionStatus waits in its place; the extension's presence (a new value) joins.
        #expect(harness.machine.deferred.count == 151)
    }

    /// Should send the state still waiting when shutting down before the client stops.
    @Test func shutdownSendsWaitingStateBeforeStopping() {
        var harness = MachineHarness(queueLimit: 8)
        _ = harness.startSynced()
        let message = MQTTMessage(
            topic: "pbx/agent/147/extensionStatus", payload: Array("last".utf8), qos: .atLeastOnce, retain: true)
        _ = harness.feed { $0.publicationFailed(message, .state, error: Self.full, at: $1) }
        _ = harness.feed { $0.shutdown(grace: .seconds(1), at: $1) }
        let amiDown = harness.feed { $0.amiShutDown(at: $1) }
        #expect(amiDown.contains(.notifyWhenQueued(atMost: 0)))
        let flush = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
        #expect(flush.published("pbx/agent/147/extensionStatus").map(\.payload) == ["last"])
        #expect(flush.contains(.notifyWhenQueued(atMost: 0)))
        #expect(!flush.contains(.stopMQTT))
        let stop = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
        #expect(stop == [.cancel(.mqttDrain), .stopMQTT])
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
