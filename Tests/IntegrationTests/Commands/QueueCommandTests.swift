import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// Queue commands end to end: MQTT 5 request through mosquitto, the bridge, the simulated
/// Asterisk, and the reply back; asserting both the reply and the AMI action Asterisk got.
@Suite(.serialized) struct QueueCommandTests {
    /// Should add a member with every option, answer with Asterisk's ActionID, and turn
    /// Asterisk's refusal of a second add into `ami_error` with its message.
    @Test func queueAddAndAsteriskError() async throws {
        try await CommandHarness.run { harness in
            let reply = try await harness.reply(
                "queue/add", #"{"id":"add-1","queue":"q1","agent":"147","name":"Alice","penalty":2,"paused":false}"#)
            #expect(string(reply, "status") == "ok")
            #expect(string(reply, "id") == "add-1")
            #expect(string(reply, "command") == "queue/add")
            #expect(string(reply, "data", "queues", "q1", "status") == "ok")
            let actions = await harness.commandActions()
            let add = try #require(actions.first { $0.name == "QueueAdd" })
            #expect(add.message["Queue"] == "q1")
            #expect(add.message["Interface"] == "Local/147@agents/n")
            #expect(add.message["StateInterface"] == "Custom:147")
            #expect(add.message["MemberName"] == "Alice")
            #expect(add.message["Penalty"] == "2")
            #expect(add.message["Paused"] == "false")
            #expect(string(reply, "actionId") == add.message.actionID)
            #expect(string(reply, "actionId") != nil)

            let again = try await harness.reply("queue/add", #"{"id":"add-2","queue":"q1","agent":"147"}"#)
            #expect(string(again, "status") == "error")
            #expect(string(again, "error", "code") == "ami_error")
            #expect(string(again, "error", "message") == "Unable to add interface: Already there")
            #expect(string(again, "data", "queues", "q1", "status") == "error")
            #expect(string(again, "actionId") != nil)
            #expect(string(again, "actionId") != string(reply, "actionId"))
        }
    }

    /// Should send one QueueAdd per listed queue and report each queue's result.
    @Test func queueAddToSeveralQueues() async throws {
        try await CommandHarness.run { harness in
            let reply = try await harness.reply("queue/add", #"{"queue":["q1","q2"],"agent":"148"}"#)
            #expect(string(reply, "status") == "ok")
            #expect(string(reply, "data", "queues", "q1", "status") == "ok")
            #expect(string(reply, "data", "queues", "q2", "status") == "ok")
            #expect(string(reply, "data", "queues", "q2", "actionId") != nil)
            let adds = await harness.commandActions().filter { $0.name == "QueueAdd" }
            #expect(adds.map { $0.message["Queue"] ?? "" }.sorted() == ["q1", "q2"])

            // One queue fails, the other works: error with each queue's outcome.
            let mixed = try await harness.reply("queue/add", #"{"queue":["q1","nosuch"],"agent":"146"}"#)
            #expect(string(mixed, "status") == "error")
            #expect(string(mixed, "error", "code") == "ami_error")
            #expect(string(mixed, "data", "queues", "q1", "status") == "ok")
            #expect(
                string(mixed, "data", "queues", "nosuch", "message")
                    == "Unable to add interface to queue: No such queue")
        }
    }

    /// Should pause in all queues when no queue is named (QueuePause without Queue), with
    /// the reason, and unpause in one queue.
    @Test func queuePause() async throws {
        try await CommandHarness.run { harness in
            _ = try await harness.reply("queue/add", #"{"queue":["q1","q2"],"agent":"147"}"#)
            let pause = try await harness.reply("queue/pause", #"{"id":"p-1","agent":"147","reason":"lunch"}"#)
            #expect(string(pause, "status") == "ok")
            #expect(string(pause, "id") == "p-1")
            let unpause = try await harness.reply("queue/pause", #"{"queue":"q1","agent":"147","paused":false}"#)
            #expect(string(unpause, "status") == "ok")
            let pauses = await harness.commandActions().filter { $0.name == "QueuePause" }
            try #require(pauses.count == 2)
            #expect(pauses[0].message["Queue"] == nil)
            #expect(pauses[0].message["Interface"] == "Local/147@agents/n")
            #expect(pauses[0].message["Paused"] == "true")
            #expect(pauses[0].message["Reason"] == "lunch")
            #expect(string(pause, "actionId") == pauses[0].message.actionID)
            #expect(pauses[1].message["Queue"] == "q1")
            #expect(pauses[1].message["Paused"] == "false")

            // The pause reaches the published state.
            let member = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/147/queueMemberStatus/q2" && $0.json?["pausedReason"] as? String == "lunch"
            })
            #expect(member.json?["paused"] as? Bool == true)

            let stranger = try await harness.reply("queue/pause", #"{"agent":"146"}"#)
            #expect(string(stranger, "error", "code") == "ami_error")
            #expect(string(stranger, "error", "message") == "Interface not found")
        }
    }

    /// Should remove a member, and answer a removal of a non-member with Asterisk's message.
    @Test func queueRemove() async throws {
        try await CommandHarness.run { harness in
            _ = try await harness.reply("queue/add", #"{"queue":"q1","agent":"147"}"#)
            let removed = try await harness.reply("queue/remove", #"{"id":"r-1","queue":"q1","agent":"147"}"#)
            #expect(string(removed, "status") == "ok")
            let again = try await harness.reply("queue/remove", #"{"id":"r-2","queue":"q1","agent":"147"}"#)
            #expect(string(again, "status") == "error")
            #expect(string(again, "id") == "r-2")
            #expect(string(again, "error", "code") == "ami_error")
            #expect(string(again, "error", "message") == "Unable to remove interface: Not there")
            let removes = await harness.commandActions().filter { $0.name == "QueueRemove" }
            #expect(removes.count == 2)
            #expect(
                removes.allSatisfy { $0.message["Queue"] == "q1" && $0.message["Interface"] == "Local/147@agents/n" })
            #expect(string(again, "actionId") == removes.last?.message.actionID)
        }
    }

    /// Should reset one queue's statistics, report the model in `queue/status` without an
    /// AMI action, and answer `bridge/resync` with a count.
    @Test func queueResetStatusAndResync() async throws {
        try await CommandHarness.run { harness in
            let reset = try await harness.reply("queue/reset", #"{"queue":"q1"}"#)
            #expect(string(reset, "status") == "ok")
            let resets = await harness.commandActions().filter { $0.name == "QueueReset" }
            #expect(resets.map { $0.message["Queue"] } == ["q1"])
            #expect(string(reset, "actionId") == resets.first?.message.actionID)

            let before = await harness.commandActions().count
            let status = try await harness.reply("queue/status", #"{"queue":"q2"}"#)
            #expect(string(status, "status") == "ok")
            let members = try #require(value(status, "data", "queues", "q2", "members") as? [String: Any])
            #expect(Set(members.keys) == ["149", "150"])
            #expect(value(status, "data", "queues", "q1") == nil)
            #expect(value(status, "data", "queues", "q2", "stats", "members") as? Int == 2)
            #expect(await harness.commandActions().count == before)

            let resync = try await harness.reply("bridge/resync", "{}")
            #expect(string(resync, "status") == "ok")
            #expect(value(resync, "data", "changed") as? Int == 0)
            #expect(await harness.simulator.receivedActions().filter { $0.name == "QueueStatus" }.count == 2)
        }
    }
}
