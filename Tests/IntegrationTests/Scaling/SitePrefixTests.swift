import AMI
import AMISimulator
import Bridge
import Foundation
import LocalMosquitto
import NIOCore
import PBXTestSupport
import Testing

/// Sites: one bridge per Asterisk, each under its own prefix of several segments
/// (`pbx/site-a`, `pbx/site-b`), all on one broker. Each bridge publishes, listens, replies and
/// sweeps only under its own prefix.
@Suite(.serialized) struct SitePrefixTests {
    /// The fixture call center's retained topics under `prefix`.
    static func fixtureTopics(_ prefix: String) -> Set<String> {
        Set(StatePublishingTests.fixtureTopics.map { prefix + $0.dropFirst("pbx".count) })
    }

    /// State of the recorder under `prefix` (replies left out: they are not state).
    static func state(_ recorder: TopicRecorder, _ prefix: String) -> [String: String] {
        recorder.state.filter { $0.key.hasPrefix(prefix + "/") && !$0.key.hasPrefix(prefix + "/reply/") }
    }

    /// Should keep two sites apart on one broker: each bridge's topics, Last Will and
    /// replies under its prefix, commands reaching only its own Asterisk, and the stale-topic
    /// sweep of a bridge starting while the other runs clearing only its own leftovers.
    @Test func twoSitesOnOneBroker() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        // Leftovers of earlier runs: one per site, and one of a bridge with the plain prefix.
        for topic in ["pbx/site-a/agent/999/name", "pbx/site-b/agent/998/name", "pbx/agent/997/name"] {
            let result = try await RunningCommand.run(
                "/usr/bin/mosquitto_pub",
                ["-h", "127.0.0.1", "-p", "\(broker.port)", "-r", "-t", topic, "-m", #"{"name":"old"}"#])
            #expect(result.exitCode == 0)
        }
        let recorder = try TopicRecorder(port: broker.port, filter: "#")
        defer { recorder.stop() }
        let siteB = try await BridgeHarness.start(broker: broker, prefix: "pbx/site-b")
        let bTopics = Self.fixtureTopics("pbx/site-b")
        let bSynced = await recorder.wait(timeout: 20) { _ in Set(Self.state(recorder, "pbx/site-b").keys) == bTopics }
        #expect(bSynced, "site b: \(Self.state(recorder, "pbx/site-b").keys.sorted())")
        #expect(recorder.json("pbx/site-b/agent/149/name")?["name"] as? String == "Bob")
        let beforeA = recorder.sequence

        // Site A starts (and sweeps) while site B runs.
        let siteA = try await BridgeHarness.start(broker: broker, prefix: "pbx/site-a")
        let aTopics = Self.fixtureTopics("pbx/site-a")
        let aSynced = await recorder.wait(timeout: 20) { _ in Set(Self.state(recorder, "pbx/site-a").keys) == aTopics }
        #expect(aSynced, "site a: \(Self.state(recorder, "pbx/site-a").keys.sorted())")
        let swept = await recorder.wait(timeout: 10) { _ in siteA.logged("cleared stale retained topics") }
        #expect(swept)
        // Nothing of site B (nor of the plain prefix) moved while site A started and swept.
        let moved = recorder.counts(after: beforeA).keys.filter { !$0.hasPrefix("pbx/site-a/") }
        #expect(moved.isEmpty, "moved: \(moved.sorted())")
        #expect(recorder.state["pbx/agent/997/name"] != nil)
        #expect(Set(Self.state(recorder, "pbx/site-b").keys) == bTopics)

        // Commands: each reaches its own Asterisk only, the reply comes back under its prefix.
        let client = try await TestMQTTClient.connect(broker: broker, subscriptions: ["pbx/+/reply/#", "crm/#"])
        defer { client.stop() }
        await siteA.simulator.clearReceivedActions()
        await siteB.simulator.clearReceivedActions()
        let statsBefore = ["pbx/site-a", "pbx/site-b"].map { recorder.state[$0 + "/queue/q2/stats"] }
        client.publish("pbx/site-a/cmd/queue/pause", json: #"{"id":"a-1","agent":"149","queue":"q2"}"#)
        let replyA = try await client.waitForMessage { $0.topic == "pbx/site-a/reply/queue/pause" }
        #expect(replyA.json?["status"] as? String == "ok", "\(replyA.text)")
        client.publish("pbx/site-b/cmd/queue/pause", json: #"{"id":"b-1","agent":"150","queue":"q2"}"#)
        let replyB = try await client.waitForMessage { $0.topic == "pbx/site-b/reply/queue/pause" }
        #expect(replyB.json?["status"] as? String == "ok", "\(replyB.text)")
        let pausesA = await siteA.simulator.receivedActions().filter { $0.name == "QueuePause" }
        let pausesB = await siteB.simulator.receivedActions().filter { $0.name == "QueuePause" }
        #expect(pausesA.map { $0.message["Interface"] ?? "" } == ["Local/149@agents/n"])
        #expect(pausesB.map { $0.message["Interface"] ?? "" } == ["Local/150@agents/n"])
        #expect(client.messages(on: "pbx/site-a/reply/queue/pause").count == 1)
        #expect(client.messages(on: "pbx/site-b/reply/queue/pause").count == 1)
        // Each pause's state (the member's status, the queue's stats) reaches the recorder after
        // the reply: wait for it, or it would count as written by what follows.
        let pausedState = await recorder.wait(timeout: 10) { state in
            ["pbx/site-a/agent/149", "pbx/site-b/agent/150"].allSatisfy {
                state[$0 + "/queueMemberStatus/q2"]?.contains(#""paused":true"#) == true
            } && zip(["pbx/site-a", "pbx/site-b"], statsBefore).allSatisfy { state[$0 + "/queue/q2/stats"] != $1 }
        }
        #expect(pausedState, "q2 stats: \(statsBefore)")

        // A site-A client cannot make its bridge write into site B's tree (nor the plain prefix).
        let beforeReply = recorder.sequence
        client.publish(
            "pbx/site-a/cmd/queue/status", json: #"{"id":"a-2","queue":"q1","replyTo":"pbx/site-b/agent/149/name"}"#)
        let fallback = try await client.waitForMessage { $0.topic == "pbx/site-a/reply/queue/status" }
        #expect(fallback.json?["id"] as? String == "a-2")
        client.publish("pbx/site-a/cmd/queue/status", json: #"{"id":"a-3","queue":"q1","replyTo":"crm/site-a/1"}"#)
        _ = try await client.waitForMessage { $0.topic == "crm/site-a/1" }
        let written = recorder.counts(after: beforeReply).keys.filter { $0.hasPrefix("pbx/site-b/") }
        #expect(written.isEmpty, "written into site b: \(written.sorted())")

        // Stopping site A leaves site B online and untouched.
        let beforeStop = recorder.sequence
        // (The bridge and its simulator only: the harnesses share the broker.)
        _ = try? await siteA.bridge.shutdown().get()
        try? await siteA.simulator.shutdown()
        let offline = await recorder.wait(timeout: 10) {
            $0["pbx/site-a/bridge/state"]?.contains(#""offline""#) == true
        }
        #expect(offline)
        #expect(recorder.json("pbx/site-b/bridge/state")?["state"] as? String == "online")
        let afterStop = recorder.counts(after: beforeStop).keys.filter { !$0.hasPrefix("pbx/site-a/") }
        #expect(afterStop.isEmpty, "moved: \(afterStop.sorted())")
        _ = try? await siteB.bridge.shutdown().get()
        try? await siteB.simulator.shutdown()
    }
}
