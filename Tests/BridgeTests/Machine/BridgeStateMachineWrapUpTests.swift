import AMI
import CallCenter
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// Wrap-up: a queue call pauses its agent (reason `wrapup`) and a timer, fed to the machine
/// as an input, unpauses it; `wrapup/end` ends it early.
struct BridgeStateMachineWrapUpTests {
    static func harness(_ rule: String) throws -> MachineHarness {
        var configuration = MachineHarness.configuration()
        configuration.wrapUp = [try WrapUpRule.parse(rule)]
        var harness = MachineHarness(configuration: configuration)
        _ = harness.startSynced()
        return harness
    }

    static let call: [(String, String)] = [
        ("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("MemberName", "Alice"), ("Channel", "PJSIP/trunk-1"),
        ("Uniqueid", "1.2"), ("Linkedid", "1.1"), ("CallerIDNum", "5550101"),
    ]

    static func event(_ name: String, _ extra: [(String, String)] = []) -> AMIMessage {
        var message = AMIMessage(fields: [AMIField("Event", name)])
        for (key, value) in Self.call + extra { message.append(key, value) }
        return message
    }

    static func pause(_ paused: Bool) -> AMIAction {
        var fields = [
            AMIField("Queue", "q1"), AMIField("Interface", "Local/147@agents/n"),
            AMIField("Paused", paused ? "true" : "false"),
        ]
        if paused { fields.append(AMIField("Reason", "wrapup")) }
        return AMIAction("QueuePause", fields)
    }

    /// Should pause when the call ends and unpause when the wrap-up timer fires, never earlier.
    @Test func endTriggerPausesAfterTheCallAndUnpausesOnTheTimer() throws {
        var harness = try Self.harness("q1:end:30")
        _ = harness.feed { $0.amiEvent(Self.event("QueueCallerJoin", [("Position", "1"), ("Count", "1")]), at: $1) }
        _ = harness.feed { $0.amiEvent(Self.event("AgentCalled"), at: $1) }
        let connect = harness.feed { $0.amiEvent(Self.event("AgentConnect", [("HoldTime", "1")]), at: $1) }
        #expect(connect.amiRequests.isEmpty)
        harness.advance(.seconds(5))
        let end = harness.feed {
            $0.amiEvent(
                Self.event("AgentComplete", [("HoldTime", "1"), ("TalkTime", "5"), ("Reason", "agent")]), at: $1)
        }
        #expect(end.amiRequests.map(\.action) == [Self.pause(true)])
        let deadline = harness.now.uptime + .seconds(30)
        #expect(end.contains(.schedule(.wrapUpEnd(agent: "147", queue: "q1"), at: deadline)))
        // The timer fires: it is an input, carrying its moment.
        harness.advance(.seconds(30))
        let fired = harness.feed { $0.timerFired(.wrapUpEnd(agent: "147", queue: "q1"), at: $1) }
        #expect(fired.amiRequests.map(\.action) == [Self.pause(false)])
        // A second firing finds nothing to end.
        #expect(harness.feed { $0.timerFired(.wrapUpEnd(agent: "147", queue: "q1"), at: $1) }.isEmpty)
    }

    /// Should pause as the agent answers with the `connect` trigger, keep the pause through the
    /// call, and count the wrap-up from the call's end.
    @Test func connectTriggerPausesAtAnswer() throws {
        var harness = try Self.harness("q1:connect:10")
        _ = harness.feed { $0.amiEvent(Self.event("AgentCalled"), at: $1) }
        let connect = harness.feed { $0.amiEvent(Self.event("AgentConnect", [("HoldTime", "1")]), at: $1) }
        #expect(connect.amiRequests.map(\.action) == [Self.pause(true)])
        harness.advance(.seconds(60))
        let end = harness.feed {
            $0.amiEvent(
                Self.event("AgentComplete", [("HoldTime", "1"), ("TalkTime", "60"), ("Reason", "caller")]), at: $1)
        }
        #expect(end.amiRequests.isEmpty)
        #expect(end.contains(.schedule(.wrapUpEnd(agent: "147", queue: "q1"), at: harness.now.uptime + .seconds(10))))
        // Too early (a timer of an earlier wrap-up): nothing.
        #expect(harness.feed { $0.timerFired(.wrapUpEnd(agent: "147", queue: "q1"), at: $1) }.isEmpty)
        harness.advance(.seconds(10))
        let fired = harness.feed { $0.timerFired(.wrapUpEnd(agent: "147", queue: "q1"), at: $1) }
        #expect(fired.amiRequests.map(\.action) == [Self.pause(false)])
    }

    /// Should leave queues without a rule, and calls nobody answered, alone.
    @Test func otherQueuesAndAbandonedCallsAreLeftAlone() throws {
        var harness = try Self.harness("q2:end:30")
        _ = harness.feed { $0.amiEvent(Self.event("AgentCalled"), at: $1) }
        let connect = harness.feed { $0.amiEvent(Self.event("AgentConnect", [("HoldTime", "1")]), at: $1) }
        let end = harness.feed {
            $0.amiEvent(
                Self.event("AgentComplete", [("HoldTime", "1"), ("TalkTime", "5"), ("Reason", "agent")]), at: $1)
        }
        #expect((connect + end).amiRequests.isEmpty && (connect + end).scheduled.isEmpty)
        var other = try Self.harness("q1:end:30")
        _ = other.feed { $0.amiEvent(Self.event("AgentCalled"), at: $1) }
        let abandon = other.feed {
            $0.amiEvent(
                Self.event("QueueCallerAbandon", [("Position", "1"), ("OriginalPosition", "1"), ("HoldTime", "9")]),
                at: $1)
        }
        #expect(abandon.amiRequests.isEmpty && abandon.scheduled.isEmpty)
    }

    /// Should end a wrap-up early on `wrapup/end`: the timer is cancelled, the agent unpaused,
    /// and the reply lists the queue; an agent in no wrap-up gets an error and nothing is sent.
    @Test func wrapUpEndCommand() throws {
        var harness = try Self.harness("q1:end:30")
        let idle = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("wrapup/end", #"{"id":"w0","agent":"147"}"#), at: $1)
        }
        #expect(idle.amiRequests.isEmpty)
        #expect(
            idle.publications.contains { $0.payload.contains(#""status":"error""#) && $0.payload.contains("wrap-up") })
        _ = harness.feed { $0.amiEvent(Self.event("AgentCalled"), at: $1) }
        _ = harness.feed { $0.amiEvent(Self.event("AgentConnect", [("HoldTime", "1")]), at: $1) }
        _ = harness.feed {
            $0.amiEvent(
                Self.event("AgentComplete", [("HoldTime", "1"), ("TalkTime", "5"), ("Reason", "agent")]), at: $1)
        }
        let ended = harness.feed {
            $0.mqttMessage(CommandTranscripts.command("wrapup/end", #"{"id":"w1","agent":"147"}"#), at: $1)
        }
        #expect(ended.contains(.cancel(.wrapUpEnd(agent: "147", queue: "q1"))))
        #expect(ended.amiRequests.map(\.action) == [Self.pause(false)])
        // The timer that still fires later changes nothing.
        harness.advance(.seconds(30))
        #expect(harness.feed { $0.timerFired(.wrapUpEnd(agent: "147", queue: "q1"), at: $1) }.isEmpty)
    }

    /// Should refuse malformed rules with a reason the configuration error can show.
    @Test(arguments: ["q1", "q1:later:30", "q1:end:-1", "q1:end:3601", ":end:30", "q1:end:ten"])
    func badRulesAreRefused(text: String) {
        #expect(throws: WrapUpRule.ParseError.self) { try WrapUpRule.parse(text) }
    }
}
