import AMI
import CallCenter
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// Material for command transcripts.
enum CommandTranscripts {
    static func command(
        _ name: String, _ json: String, retain: Bool = false, responseTopic: String? = nil
    ) -> MQTTMessage {
        var properties = MQTTProperties()
        properties.responseTopic = responseTopic
        properties.correlationData = responseTopic.map { _ in Array("corr".utf8) }
        return MQTTMessage(
            topic: "pbx/cmd/\(name)", payload: Array(json.utf8), qos: .atLeastOnce, retain: retain,
            properties: properties)
    }

    static func success(_ actionID: String, message: String = "Success") -> AMIResponse {
        AMIResponse(
            action: "x", response: AMIMessage(["Response": "Success", "ActionID": actionID, "Message": message]))
    }

    static func error(_ actionID: String, message: String) -> AMIResponse {
        AMIResponse(action: "x", response: AMIMessage(["Response": "Error", "ActionID": actionID, "Message": message]))
    }
}

/// Commands through the machine: intake, plans, answers, timers, at most once.
struct BridgeStateMachineCommandTests {
    /// Should refuse a retained command without any AMI action, answering where it asked.
    @Test func retainedCommandIsRefused() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let actions = harness.feed {
            $0.mqttMessage(
                CommandTranscripts.command(
                    "originate", #"{"id":"o1","from":"147","to":"200"}"#, retain: true, responseTopic: "pbx/reply/crm"),
                at: $1)
        }
        #expect(actions.amiRequests.isEmpty)
        let reply = actions.published("pbx/reply/crm")
        #expect(reply.count == 1)
        #expect(reply.first?.payload.contains("\"code\":\"retained\"") == true)
        #expect(reply.first?.payload.contains("\"id\":\"o1\"") == true)
        // Clearing the retained command is not answered at all.
        let cleared = harness.feed { $0.mqttMessage(CommandTranscripts.command("originate", "", retain: true), at: $1) }
        #expect(cleared.publications.isEmpty)
    }

    /// Should answer a repeated id from memory, without a second AMI action.
    @Test func duplicateCommandIdIsNotExecutedTwice() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let body = #"{"id":"p1","queue":"q1","agent":"147","paused":true,"reason":"lunch"}"#
        let first = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(first.amiRequests.map(\.action.name) == ["QueuePause"])
        #expect(
            first.amiRequests.first?.action.fields == [
                AMIField("Queue", "q1"), AMIField("Interface", "Local/147@agents/n"), AMIField("Paused", "true"),
                AMIField("Reason", "lunch"),
            ])
        // The same id while the first is still in flight: answered `accepted`, not sent again.
        let again = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(again.amiRequests.isEmpty)
        #expect(again.publications.first?.payload.contains("\"status\":\"accepted\"") == true)
        guard let request = first.amiRequests.first?.request else { return }
        let done = harness.feed { $0.amiResponse(request, .success(CommandTranscripts.success("p2m-1-7")), at: $1) }
        #expect(done.publications.first?.payload.contains("\"status\":\"ok\"") == true)
        // After the answer, the repeat gets the final outcome.
        harness.advance(.seconds(60))
        let later = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(later.amiRequests.isEmpty)
        #expect(later.publications.first?.payload.contains("\"actionId\":\"p2m-1-7\"") == true)
        // Five minutes on, the id is forgotten and the command runs again.
        harness.advance(.seconds(300))
        let expired = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/pause", body), at: $1) }
        #expect(expired.amiRequests.count == 1)
    }

    /// Should answer `accepted`, then `timeout` with originateFailed when no OriginateResponse comes.
    @Test func originateTimeout() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let sent = harness.feed {
            $0.mqttMessage(
                CommandTranscripts.command(
                    "originate", #"{"id":"o1","from":"147","to":"200","timeoutSeconds":20}"#,
                    responseTopic: "pbx/reply/crm"),
                at: $1)
        }
        #expect(sent.amiRequests.first?.action.name == "Originate")
        guard let request = sent.amiRequests.first?.request else { return }
        let accepted = harness.feed {
            $0.amiResponse(
                request, .success(CommandTranscripts.success("p2m-1-3", message: "Originate successfully queued")),
                at: $1)
        }
        #expect(accepted.published("pbx/reply/crm").first?.payload.contains("\"status\":\"accepted\"") == true)
        guard
            case .schedule(.originateTimeout(let token), let deadline)? = accepted.first(where: {
                if case .schedule = $0 { return true }
                return false
            })
        else {
            Issue.record("no timeout scheduled: \(accepted)")
            return
        }
        // The call's own timeout plus the command timeout.
        #expect(deadline == harness.now.uptime + .seconds(30))
        harness.advance(.seconds(30))
        let timedOut = harness.feed { $0.timerFired(.originateTimeout(token), at: $1) }
        #expect(
            timedOut.published("pbx/event/originateFailed").first?.payload.contains("\"reason\":\"timeout\"") == true)
        let reply = timedOut.published("pbx/reply/crm").first?.payload ?? ""
        #expect(reply.contains("\"code\":\"timeout\""))
        #expect(reply.contains("\"actionId\":\"p2m-1-3\""))
        #expect(harness.machine.commands.inFlight == 0)
        // A late OriginateResponse is not consumed any more: it goes to the model.
        let late = AMIMessage(["Event": "OriginateResponse", "ActionID": "p2m-1-3", "Response": "Success"])
        #expect(harness.feed { $0.amiEvent(late, at: $1) }.publications.isEmpty)
    }

    /// Should answer `ok` with the uniqueid from the OriginateResponse and cancel the timeout.
    @Test func originateAnsweredByItsResponse() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let sent = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("originate", #"{"id":"o2","from":"147","to":"200"}"#), at: $1)
        }
        guard let request = sent.amiRequests.first?.request else { return }
        _ = harness.feed { $0.amiResponse(request, .success(CommandTranscripts.success("p2m-1-4")), at: $1) }
        let response = AMIMessage([
            "Event": "OriginateResponse", "ActionID": "p2m-1-4", "Response": "Success",
            "Channel": "Local/147@agents-1;1",
            "Uniqueid": "1700000000.1",
        ])
        let done = harness.feed { $0.amiEvent(response, at: $1) }
        guard case .cancel(.originateTimeout)? = done.first else {
            Issue.record("timeout not cancelled: \(done)")
            return
        }
        let reply = done.published("pbx/reply/originate").first?.payload ?? ""
        #expect(reply.contains("\"uniqueId\":\"1700000000.1\""))
        #expect(reply.contains("\"status\":\"ok\""))
    }

    /// Should refuse commands with `busy` past the in-flight limit, before any action.
    @Test func inFlightLimitAnswersBusy() {
        var configuration = MachineHarness.configuration()
        configuration.commands.maxInFlight = 1
        var harness = MachineHarness(configuration: configuration)
        _ = harness.startSynced()
        _ = harness.feed { $0.mqttMessage(CommandTranscripts.command("queue/reset", #"{"queue":"q1"}"#), at: $1) }
        let second = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("queue/reset", #"{"queue":"q2"}"#), at: $1)
        }
        #expect(second.amiRequests.isEmpty)
        #expect(second.publications.first?.payload.contains("\"code\":\"busy\"") == true)
    }

    /// Should fail originates waiting for their response when AMI drops.
    @Test func amiDropFailsWaitingOriginates() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let sent = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("originate", #"{"id":"o3","from":"147","to":"200"}"#), at: $1)
        }
        guard let request = sent.amiRequests.first?.request else { return }
        _ = harness.feed { $0.amiResponse(request, .success(CommandTranscripts.success("p2m-1-5")), at: $1) }
        let dropped = harness.feed {
            $0.amiStateChanged(.disconnected(.connectionClosed, retryIn: .seconds(1)), at: $1)
        }
        #expect(dropped.published("pbx/reply/originate").first?.payload.contains("ami_unavailable") == true)
        #expect(harness.machine.commands.inFlight == 0)
    }

    /// Should answer a resync with the number of changed topics, joining a fetch under way.
    @Test func resyncAnswersWithTheChangedCount() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let resync = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("bridge/resync", #"{"id":"s1"}"#), at: $1)
        }
        #expect(resync.amiRequests.count == BridgeStateMachine.stateLists.count)
        let joined = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("bridge/resync", #"{"id":"s2"}"#), at: $1)
        }
        #expect(joined.amiRequests.isEmpty)
        let done = harness.answerStateLists(
            in: resync, items: [[], [], [MachineHarness.extensionStatus("147", status: 2)], []])
        let replies = done.published("pbx/reply/bridge/resync").map(\.payload)
        #expect(replies.count == 2)
        // busy: the agent's extensionStatus and the extension's presence.
        #expect(replies.allSatisfy { $0.contains("\"changed\":2") })
    }
}
