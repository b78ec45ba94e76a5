import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// Bad input from the broker's side through a real mosquitto: junk left retained under
/// `{p}/cmd/#` before the bridge starts, and a flood of commands from several clients.
@Suite(.serialized) struct HostileMQTTTests {
    /// Should answer every retained message waiting under `pbx/cmd/#` at subscribe time with
    /// one `retained` error (to its `replyTo` when it has a valid one, else the default reply
    /// topic), echoing a readable id, and send Asterisk nothing.
    @Test func retainedJunkAtSubscribeIsAnsweredNotExecuted() async throws {
        try await CommandHarness.run(startBridge: false) { harness in
            let junk: [(topic: String, payload: [UInt8], replyTopic: String, id: String?)] = [
                (
                    "pbx/cmd/originate", Array(#"{"id":"j-1","from":"147","to":"100","replyTo":"test/junk"}"#.utf8),
                    "test/junk", "j-1"
                ),
                ("pbx/cmd/queue/pause", Array("garbage\r\nAction: Hangup\r\n\r\n".utf8), "pbx/reply/queue/pause", nil),
                ("pbx/cmd/queue/add", [0xFF, 0xFE, 0x7B, 0x00], "pbx/reply/queue/add", nil),
                (
                    "pbx/cmd/hangup",
                    Array((String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)).utf8),
                    "pbx/reply/hangup", nil
                ),
                ("pbx/cmd/no/such/command", Array(#"{"id":"j-5","replyTo":"test/junk"}"#.utf8), "test/junk", "j-5"),
                (
                    "pbx/cmd/queue/status", Array(#"{"id":"j-6","replyTo":"test/#"}"#.utf8), "pbx/reply/queue/status",
                    "j-6"
                ),
                (
                    "pbx/cmd/park",
                    Array((#"{"id":"j-7","agent":""# + String(repeating: "x", count: 100_000) + #""}"#).utf8),
                    "pbx/reply/park", nil
                ),
                (
                    "pbx/cmd/redirect", Array(#"{"id":"j-8\r\nAction: Hangup","agent":"147"}"#.utf8),
                    "pbx/reply/redirect", nil
                ),
            ]
            for item in junk {
                harness.client.publish(item.topic, payload: item.payload, retain: true)
            }
            // The broker has them all once a probe published after them comes back.
            harness.client.publish("test/probe/retained", json: "{}")
            _ = try await harness.client.waitForMessage(where: { $0.topic == "test/probe/retained" })
            try await harness.startBridge()
            try await AtMostOnceTests.waitUntil(timeout: 20) {
                harness.client.messages.filter { $0.json?["error"] != nil && !$0.topic.hasPrefix("test/probe") }
                    .count >= junk.count
            }
            // Nothing more trickles in.
            try await Task.sleep(for: .milliseconds(300))
            let replies = harness.client.messages.filter { string($0.json, "error", "code") == "retained" }
            #expect(replies.count == junk.count, "\(replies.map(\.text))")
            for item in junk {
                let mine = replies.filter {
                    $0.topic == item.replyTopic
                        && string($0.json, "command")
                            == item.topic.dropFirst("pbx/cmd/".count)
                            .description
                }
                #expect(mine.count == 1, "\(item.topic): \(mine.map(\.text))")
                #expect(mine.first.flatMap { string($0.json, "id") } == item.id, "\(item.topic)")
                #expect(mine.first.flatMap { string($0.json, "status") } == "error")
            }
            #expect(await harness.commandActions().isEmpty)
            // Clear them so the broker does not keep junk for the next test, then still serving.
            for item in junk { harness.client.publish(item.topic, payload: [], retain: true) }
            let after = try await harness.reply("queue/status", #"{"id":"after-junk"}"#)
            #expect(string(after, "status") == "ok")
        }
    }

    /// Should hold the in-flight limit under a flood of 4 clients × 500 commands while
    /// Asterisk is stalled: 10 commands reach Asterisk, the other 1990 are answered `busy` at
    /// once, and every request gets exactly one final reply, on its own client's topic.
    @Test func floodFromFourClientsHoldsTheInFlightLimit() async throws {
        var policy = CommandHarness.testPolicy
        policy.maxInFlight = 10
        // Longer than the stall can last on a loaded machine: a command timing out would free
        // its slot for a later one, and the counts below would depend on the machine's speed.
        policy.timeoutSeconds = 120
        try await CommandHarness.run(policy: policy) { harness in
            let clients = 4
            let perClient = 500
            var callers: [TestMQTTClient] = []
            for client in 0..<clients {
                callers.append(
                    try await TestMQTTClient.connect(broker: harness.broker, subscriptions: ["test/flood-\(client)"]))
            }
            defer { for caller in callers { caller.stop() } }
            await harness.simulator.setStalled(true)
            for index in 0..<perClient {
                for client in 0..<clients {
                    let id = "flood-\(client)-\(index)"
                    callers[client].publish(
                        "pbx/cmd/queue/pause", json: #"{"id":"\#(id)","agent":"149"}"#,
                        properties: MQTTProperties(
                            responseTopic: "test/flood-\(client)", correlationData: Array(id.utf8)))
                }
            }
            let total = clients * perClient
            try await AtMostOnceTests.waitUntil(timeout: 100) {
                Self.replyCount(callers) >= total - policy.maxInFlight
            }
            await harness.simulator.setStalled(false)
            try await AtMostOnceTests.waitUntil(timeout: 100) { Self.replyCount(callers) >= total }
            try await Task.sleep(for: .milliseconds(300))
            var statuses: [String: Int] = [:]
            for client in 0..<clients {
                // Each client's own subscription probe is not a reply.
                let received = callers[client].messages.filter { !$0.topic.hasPrefix("test/probe/") }
                #expect(received.allSatisfy { $0.topic == "test/flood-\(client)" })
                var seen: [String: Int] = [:]
                for reply in received {
                    let id = string(reply.json, "id") ?? "?"
                    #expect(reply.message.properties.correlationData == Array(id.utf8))
                    seen[id, default: 0] += 1
                    let status = string(reply.json, "error", "code") ?? string(reply.json, "status") ?? "?"
                    statuses[status, default: 0] += 1
                }
                #expect(seen.count == perClient, "client \(client) got \(seen.count) ids")
                #expect(seen.values.allSatisfy { $0 == 1 }, "client \(client): an id got more than one reply")
            }
            #expect(statuses["busy"] == total - policy.maxInFlight, "\(statuses)")
            #expect(statuses["ok"] == policy.maxInFlight, "\(statuses)")
            let pauses = await harness.commandActions().filter { $0.name == "QueuePause" }
            #expect(pauses.count == policy.maxInFlight)
            let after = try await harness.reply("queue/pause", #"{"id":"after-flood","agent":"149"}"#)
            #expect(string(after, "status") == "ok")
        }
    }

    /// Replies the flood's clients received so far (their subscription probes aside).
    static func replyCount(_ callers: [TestMQTTClient]) -> Int {
        callers.map { $0.messages.filter { $0.topic.hasPrefix("test/flood-") }.count }.reduce(0, +)
    }
}
