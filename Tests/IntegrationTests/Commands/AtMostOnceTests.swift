import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// At most once, and the replies when Asterisk cannot carry a command out.
@Suite(.serialized) struct AtMostOnceTests {
    /// Should never execute a retained originate left on the broker before the bridge
    /// started, and answer it with `retained` where the sender asked, echoing its id.
    @Test func retainedOriginateIsNotExecuted() async throws {
        try await CommandHarness.run(startBridge: false) { harness in
            let published = try await RunningCommand.run(
                "/usr/bin/mosquitto_pub",
                harness.broker.clientArguments + [
                    "-t", "pbx/cmd/originate", "-r", "-q", "1",
                    "-m", #"{"id":"stale-1","from":"147","to":"100","replyTo":"test/retained"}"#,
                ]
            )
            try #require(published.exitCode == 0, "\(published.stderr)")
            try await harness.startBridge()
            let reply = try await harness.client.waitForMessage(where: { $0.topic == "test/retained" })
            #expect(string(reply.json, "status") == "error")
            #expect(string(reply.json, "error", "code") == "retained")
            #expect(string(reply.json, "id") == "stale-1")
            #expect(await harness.commandActions().isEmpty)
            // A retained command published while the bridge runs is refused the same way.
            harness.client.publish(
                "pbx/cmd/queue/pause", json: #"{"id":"stale-2","agent":"149","replyTo":"test/retained"}"#, retain: true)
            let live = try await harness.client.waitForMessage(where: {
                $0.topic == "test/retained" && $0.json?["id"] as? String == "stale-2"
            })
            #expect(string(live.json, "error", "code") == "retained")
            #expect(await harness.commandActions().isEmpty)
            // Clearing the retained commands is not a command: no reply, no action.
            let replies = harness.client.messages.filter {
                $0.topic.hasPrefix("pbx/reply/") || $0.topic == "test/retained"
            }.count
            harness.client.publish("pbx/cmd/originate", json: "", retain: true)
            harness.client.publish("pbx/cmd/queue/pause", json: "", retain: true)
            let after = try await harness.reply("queue/status", #"{"id":"after-clear"}"#)
            #expect(string(after, "status") == "ok")
            #expect(
                harness.client.messages.filter { $0.topic.hasPrefix("pbx/reply/") || $0.topic == "test/retained" }.count
                    == replies)
            #expect(await harness.commandActions().isEmpty)
        }
    }

    /// Should place one call for an originate published twice with one id, answering the
    /// repeat with the first outcome (same actionId, same uniqueId).
    @Test func repeatedIdPlacesOneCall() async throws {
        try await CommandHarness.run { harness in
            let body = #"{"id":"once-1","from":"147","to":"100"}"#
            let first = try await harness.request("originate", body, until: { $0.json?["status"] as? String == "ok" })
            let outcome = try requireJSON(first.last)
            let repeated = try await harness.reply("originate", body)
            #expect(string(repeated, "status") == "ok")
            #expect(string(repeated, "actionId") == string(outcome, "actionId"))
            #expect(string(repeated, "data", "uniqueId") == string(outcome, "data", "uniqueId"))
            #expect(await harness.commandActions().filter { $0.name == "Originate" }.count == 1)

            // Back to back (QoS 1 redelivery while the first still runs): still one action.
            harness.client.publish("pbx/cmd/queue/pause", json: #"{"id":"once-2","agent":"149","replyTo":"test/once"}"#)
            harness.client.publish("pbx/cmd/queue/pause", json: #"{"id":"once-2","agent":"149","replyTo":"test/once"}"#)
            try await Self.waitUntil { harness.client.messages(on: "test/once").count == 2 }
            let replies = harness.client.messages(on: "test/once").compactMap(\.json)
            #expect(replies.allSatisfy { string($0, "id") == "once-2" })
            #expect(await harness.commandActions().filter { $0.name == "QueuePause" }.count == 1)
            // A refused command is not remembered: fixing it and resending with the same id works.
            let refused = try await harness.reply("queue/pause", #"{"id":"once-3","agent":"149","paused":"yes"}"#)
            #expect(string(refused, "error", "code") == "invalid_field")
            let fixed = try await harness.reply("queue/pause", #"{"id":"once-3","agent":"149","paused":true}"#)
            #expect(string(fixed, "status") == "ok")
        }
    }

    /// Should answer `ami_unavailable` at once while Asterisk is unreachable, without queueing.
    @Test func amiDownGivesAmiUnavailable() async throws {
        // A long AMI timeout, so that "at once" is told apart from "after the timeout".
        var policy = CommandHarness.testPolicy
        policy.timeoutSeconds = 60
        try await CommandHarness.run(policy: policy) { harness in
            await harness.stopSimulator()
            try await Self.waitUntil { (try? await harness.bridge.health().get().amiConnected) == false }
            let started = Date()
            let pause = try await harness.reply("queue/pause", #"{"id":"down-1","agent":"147"}"#)
            #expect(string(pause, "status") == "error")
            #expect(string(pause, "id") == "down-1")
            #expect(string(pause, "error", "code") == "ami_unavailable")
            #expect(Date().timeIntervalSince(started) < 15)
            let originate = try await harness.reply("originate", #"{"from":"147","to":"100"}"#)
            #expect(string(originate, "error", "code") == "ami_unavailable")
            // The model is still served from memory.
            let status = try await harness.reply("queue/status", "{}")
            #expect(string(status, "status") == "ok")
        }
    }

    /// Should answer `timeout` when Asterisk does not answer in time, and `busy` past
    /// `maxInFlight` commands waiting.
    @Test func stalledAsteriskGivesTimeoutAndBusy() async throws {
        var policy = CommandHarness.testPolicy
        policy.maxInFlight = 1
        // Long enough that the first command still waits when the second arrives, even on a
        // loaded machine.
        policy.timeoutSeconds = 8
        try await CommandHarness.run(policy: policy) { harness in
            await harness.simulator.setStalled(true)
            harness.client.publish("pbx/cmd/queue/pause", json: #"{"id":"slow-1","agent":"149","replyTo":"test/slow"}"#)
            try await Task.sleep(for: .milliseconds(200))
            let busy = try await harness.reply("queue/pause", #"{"id":"slow-2","agent":"150"}"#)
            #expect(string(busy, "error", "code") == "busy")
            let timedOut = try await harness.client.waitForMessage(timeout: 30, where: { $0.topic == "test/slow" })
            #expect(string(timedOut.json, "status") == "error")
            #expect(string(timedOut.json, "id") == "slow-1")
            #expect(string(timedOut.json, "error", "code") == "timeout")
            await harness.simulator.setStalled(false)
            // The slot is free again once the timeout answered.
            let after = try await harness.reply("queue/pause", #"{"id":"slow-3","agent":"150"}"#)
            #expect(string(after, "status") == "ok")
        }
    }

    static func waitUntil(timeout: Double = 15, _ condition: () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within \(timeout) s")
    }
}
