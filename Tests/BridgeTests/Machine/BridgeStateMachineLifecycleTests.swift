import AMI
import CallCenter
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// Reloads and shutdown, step by step.
struct BridgeStateMachineLifecycleTests {
    /// Should clear every retained topic under the old prefix on the old client, let its queue
    /// drain, stop it, then start the new one, which publishes under the new prefix.
    @Test func reloadWithANewPrefix() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let reload = harness.feed {
            $0.reload(
                MachineHarness.configuration(prefix: "site-a"), newAMI: false, newMQTT: true, mqttQueueLimit: 50, at: $1
            )
        }
        #expect(
            Set(reload.publications.map(\.topic)) == [
                "pbx/agent/147/extensionStatus", "pbx/extension/147/presence", "pbx/extension/147/conversations",
                "pbx/bridge/state", "pbx/bridge/ami",
            ])
        #expect(reload.publications.allSatisfy { $0.payload.isEmpty && $0.retain })
        #expect(reload.contains(.notifyWhenQueued(atMost: 0)))
        #expect(reload.scheduled == [.mqttDrain])
        #expect(!reload.contains(.reloaded))
        // Still draining: state is not published meanwhile.
        #expect(
            harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 1), at: $1) }.publications.isEmpty)
        let drained = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
        #expect(drained == [.cancel(.mqttDrain), .stopMQTT])
        let stopped = harness.feed { $0.mqttStopped(at: $1) }
        #expect(
            stopped == [
                .subscribe("site-a/cmd/#", .atLeastOnce, retainAsPublished: true, noLocal: false), .startMQTT,
                .reloaded,
            ])
        #expect(harness.machine.mqttQueueLimit == 50)
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        #expect(connected.published("site-a/agent/147/extensionStatus").count == 1)
        #expect(connected.publishedTopics.allSatisfy { $0.hasPrefix("site-a/") })
    }

    /// Should stop the old client after the drain limit even if its queue never empties.
    @Test func reloadDrainIsBoundedByATimer() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        _ = harness.feed {
            $0.reload(MachineHarness.configuration(), newAMI: false, newMQTT: true, mqttQueueLimit: 1000, at: $1)
        }
        harness.advance(.seconds(3))
        #expect(harness.feed { $0.timerFired(.mqttDrain, at: $1) } == [.stopMQTT])
    }

    /// Should rebuild the model from a fresh sync when the scope changes, clearing what left it.
    @Test func reloadWithANewScope() {
        var harness = MachineHarness()
        let lists: [[AMIMessage]] = [
            [], [],
            [MachineHarness.extensionStatus("147", status: 0), MachineHarness.extensionStatus("148", status: 0)], [],
        ]
        _ = harness.startSynced(items: lists)
        let reload = harness.feed {
            $0.reload(
                MachineHarness.configuration(agents: ["147"]), newAMI: false, newMQTT: false, mqttQueueLimit: 1000,
                at: $1)
        }
        #expect(reload.amiRequests.count == BridgeStateMachine.stateLists.count)
        #expect(reload.last == .reloaded)
        let synced = harness.answerStateLists(in: reload, items: lists)
        #expect(synced.published("pbx/agent/148/extensionStatus").map(\.payload) == [""])
        #expect(synced.published("pbx/agent/147/extensionStatus").isEmpty)
        #expect(synced.published("pbx/extension/148/presence").map(\.payload) == [""])
    }

    /// Should swap in the new AMI client for a new AMI host and answer a resync waiting on the old one.
    @Test func reloadWithANewAMIHost() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        var configuration = MachineHarness.configuration()
        configuration.amiHost = "pbx2.example"
        let reload = harness.feed {
            $0.reload(configuration, newAMI: true, newMQTT: false, mqttQueueLimit: 1000, at: $1)
        }
        #expect(reload == [.replaceAMI, .reloaded])
        let connecting = harness.feed { $0.amiStateChanged(.connecting(attempt: 1), at: $1) }
        #expect(connecting.published("pbx/bridge/ami").first?.payload.contains("pbx2.example") == true)
    }

    /// Should publish offline, wait for the commands in flight, then log off, drain and stop.
    @Test func shutdownWithACommandInFlight() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let command = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("queue/reset", #"{"id":"r1","queue":"q1"}"#), at: $1)
        }
        guard let sent = command.amiRequests.first else {
            Issue.record("no AMI action: \(command)")
            return
        }
        let shutdown = harness.feed { $0.shutdown(grace: .seconds(3), at: $1) }
        #expect(shutdown.published("pbx/bridge/state").first?.payload.contains("offline") == true)
        #expect(shutdown.scheduled == [.commandsGrace])
        #expect(!shutdown.contains(.shutdownAMI))
        // New commands are refused while stopping.
        let late = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("queue/reset", #"{"id":"r2","queue":"q1"}"#), at: $1)
        }
        #expect(late.publications.first?.payload.contains("shutting down") == true)
        #expect(late.amiRequests.isEmpty)
        // The command in flight ends: its reply goes out, then the AMI side logs off.
        let answered = harness.feed {
            $0.amiResponse(sent.request, .success(CommandTranscripts.success("p2m-1-9")), at: $1)
        }
        #expect(answered.publications.first?.payload.contains("\"status\":\"ok\"") == true)
        #expect(Array(answered.suffix(2)) == [.cancel(.commandsGrace), .shutdownAMI])
        let amiDown = harness.feed { $0.amiShutDown(at: $1) }
        #expect(amiDown == [.notifyWhenQueued(atMost: 0), .schedule(.mqttDrain, at: harness.now.uptime + .seconds(1))])
        #expect(harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) } == [.cancel(.mqttDrain), .stopMQTT])
        let stopped = harness.feed { $0.mqttStopped(at: $1) }
        #expect(stopped.last == .stopped)
        #expect(harness.machine.lifecycle == .stopped)
    }

    /// Should not wait longer than the grace period for commands in flight.
    @Test func shutdownGraceEndsTheWaitForCommands() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        _ = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("queue/reset", #"{"id":"r1","queue":"q1"}"#), at: $1)
        }
        _ = harness.feed { $0.shutdown(grace: .seconds(3), at: $1) }
        harness.advance(.seconds(3))
        #expect(harness.feed { $0.timerFired(.commandsGrace, at: $1) } == [.shutdownAMI])
    }
}
