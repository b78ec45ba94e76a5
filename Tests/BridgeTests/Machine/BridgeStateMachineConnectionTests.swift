import AMI
import CallCenter
import Logging
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// The machine's connection transcripts: inputs in, the exact actions out, no I/O.
struct BridgeStateMachineConnectionTests {
    /// Should start both clients, subscribing to commands (retain as published) first.
    @Test func startSubscribesAndStartsBothClients() {
        var harness = MachineHarness()
        let actions = harness.feed { $0.start(at: $1) }
        #expect(
            Array(actions.prefix(3)) == [
                .subscribe("pbx/cmd/#", .atLeastOnce, retainAsPublished: true, noLocal: false), .startMQTT, .startAMI,
            ])
        #expect(harness.feed { $0.start(at: $1) } == [])
    }

    /// Should publish the synced state once the broker connects when AMI synced first.
    @Test func amiFirstThenBroker() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        let synced = harness.connectAMI()
        // Broker down: nothing of the state goes out yet.
        #expect(synced.published("pbx/agent/147/extensionStatus").isEmpty)
        #expect(synced.logMessages.contains("AMI state synchronised"))
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        let state = connected.published("pbx/agent/147/extensionStatus")
        #expect(state.count == 1)
        #expect(state.first?.payload.contains("\"status\":\"not_inuse\"") == true)
        #expect(connected.published("pbx/bridge/state").first?.payload.contains("online") == true)
        #expect(connected.published("pbx/bridge/ami").first?.payload.contains("\"state\":\"connected\"") == true)
    }

    /// Should publish the synced state as the sync ends when the broker connected first.
    @Test func brokerFirstThenAMI() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        #expect(connected.published("pbx/agent/147/extensionStatus").isEmpty)
        #expect(connected.published("pbx/bridge/ami").first?.payload.contains("connecting") == true)
        let amiUp = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        #expect(
            amiUp.amiRequests.map(\.action.name) == [
                "QueueStatus", "QueueSummary", "ExtensionStateList", "CoreShowChannels", "ParkedCalls", "DBGetTree",
                "DBGetTree", "DBGetTree", "DBGetTree",
            ])
        #expect(amiUp.amiRequests.suffix(4).map { $0.action.fields.first?.value } == ["DND", "CF", "CFB", "CFU"])
        let synced = harness.answerStateLists(in: amiUp, items: MachineHarness.defaultLists)
        #expect(synced.published("pbx/agent/147/extensionStatus").count == 1)
    }

    /// Should buffer events during the sync and apply them on top of the snapshot.
    @Test func eventsDuringTheSyncAreReplayedOntoTheSnapshot() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let amiUp = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        let during = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 1), at: $1) }
        #expect(during.publications.isEmpty)
        let synced = harness.answerStateLists(in: amiUp, items: MachineHarness.defaultLists)
        // The snapshot says idle; the event that came meanwhile says in use: it wins.
        #expect(harness.machine.model.view[.agentExtensionStatus(agent: "147")] != nil)
        let published = synced.published("pbx/agent/147/extensionStatus")
        #expect(published.count == 1)
        #expect(published.first?.payload.contains("\"status\":\"inuse\"") == true)
        #expect(harness.machine.sync == nil)
    }

    /// Should drop a sync whose AMI connection was lost, and sync again on the next connect,
    /// ignoring late answers to the lost connection's lists.
    @Test func amiLostDuringTheInitialSync() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let first = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        let lost = harness.feed {
            $0.amiStateChanged(.disconnected(.connectionClosed, retryIn: .milliseconds(500)), at: $1)
        }
        #expect(harness.machine.sync == nil)
        #expect(lost.logMessages.contains("AMI disconnected; reconnecting"))
        #expect(lost.published("pbx/bridge/ami").first?.payload.contains("disconnected") == true)
        // A late answer for the lost connection changes nothing.
        let late = harness.answerStateLists(in: first, items: MachineHarness.defaultLists)
        #expect(late.publications.isEmpty)
        #expect(harness.machine.model.view.isEmpty)
        let second = harness.connectAMI()
        #expect(second.published("pbx/agent/147/extensionStatus").count == 1)
    }

    /// Should retry a failed state-list fetch after the configured delay, for the same connection only.
    @Test func failedSyncIsRetriedByATimer() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        let amiUp = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        guard let first = amiUp.amiRequests.first else {
            Issue.record("no state list requested")
            return
        }
        let failed = harness.feed {
            $0.amiResponse(
                first.request, .failure(.actionFailed(action: "QueueStatus", message: "Permission denied")), at: $1)
        }
        #expect(failed.logMessages.contains("initial AMI state sync failed; retrying"))
        guard
            case .schedule(.syncRetry(let generation), let deadline)? = failed.first(where: {
                if case .schedule = $0 { return true }
                return false
            })
        else {
            Issue.record("no retry scheduled: \(failed)")
            return
        }
        #expect(deadline == harness.now.uptime + .seconds(5))
        harness.advance(.seconds(5))
        let retry = harness.feed { $0.timerFired(.syncRetry(generation: generation), at: $1) }
        #expect(retry.amiRequests.count == BridgeStateMachine.stateLists.count)
    }

    /// Should stop publishing state while the broker is down during a sync and publish the
    /// whole view when it is back.
    @Test func brokerLostDuringTheSync() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let amiUp = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        let down = harness.feed { $0.mqttDisconnected(reason: "connection lost", at: $1) }
        #expect(down.logMessages == ["MQTT disconnected"])
        #expect(!harness.machine.health.mqttConnected)
        let synced = harness.answerStateLists(in: amiUp, items: MachineHarness.defaultLists)
        #expect(synced.publications.isEmpty)
        let back = harness.feed { $0.mqttConnected(at: $1) }
        #expect(back.published("pbx/agent/147/extensionStatus").count == 1)
        // A second disconnect report for the same outage is not logged again.
        _ = harness.feed { $0.mqttDisconnected(reason: "connection lost", at: $1) }
        #expect(harness.feed { $0.mqttDisconnected(reason: "again", at: $1) } == [])
    }

    /// Should log a broker's refusals once per run of the same refusal, and their end once.
    @Test func brokerRefusalsAreLoggedOncePerEpisode() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        let first = harness.feed { $0.mqttRefused(code: 135, reason: "Not authorized", at: $1) }
        #expect(first.logMessages == ["MQTT broker refused the connection; retrying"])
        for _ in 0..<5 {
            #expect(harness.feed { $0.mqttRefused(code: 135, reason: "Not authorized", at: $1) }.logMessages.isEmpty)
        }
        let accepted = harness.feed { $0.mqttConnected(at: $1) }
        #expect(accepted.logMessages.first == "MQTT broker accepts the connection again")
    }

    /// Should publish only what changed when AMI comes back with different state, and clear
    /// what vanished.
    @Test func resyncAfterReconnectPublishesTheDifference() {
        var harness = MachineHarness()
        let lists: [[AMIMessage]] = [
            [], [],
            [MachineHarness.extensionStatus("147", status: 0), MachineHarness.extensionStatus("148", status: 0)], [],
        ]
        _ = harness.startSynced(items: lists)
        _ = harness.feed { $0.amiStateChanged(.disconnected(.connectionClosed, retryIn: .seconds(1)), at: $1) }
        harness.advance(.seconds(2))
        let back = harness.connectAMI(items: [[], [], [MachineHarness.extensionStatus("147", status: 1)], []])
        #expect(back.published("pbx/agent/147/extensionStatus").first?.payload.contains("\"inuse\"") == true)
        #expect(back.published("pbx/agent/148/extensionStatus").map(\.payload) == [""])
    }

    /// Should log an AMI outage once, however many attempts fail, and say how many when it ends.
    @Test func amiOutageIsLoggedOnce() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        var logged: [String] = []
        for _ in 0..<5 {
            logged +=
                harness.feed {
                    $0.amiStateChanged(
                        .disconnected(.connectFailed("connection refused"), retryIn: .seconds(1)), at: $1)
                }.logMessages
            logged += harness.feed { $0.amiStateChanged(.connecting(attempt: 1), at: $1) }.logMessages
        }
        #expect(logged == ["AMI disconnected; reconnecting"])
        let back = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        guard
            case .log(_, "AMI connected", let metadata)? = back.first(where: {
                if case .log = $0 { return true }
                return false
            })
        else {
            Issue.record("no connect line: \(back)")
            return
        }
        #expect(metadata["ami.attempts"] == "5")
    }
}
