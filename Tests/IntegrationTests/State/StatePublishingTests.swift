import AMISimulator
import Bridge
import Foundation
import InMemoryLogging
import LocalMosquitto
import Logging
import NIOCore
import PBXTestSupport
import Testing

/// The whole chain through a real mosquitto: simulated Asterisk → bridge → broker → an
/// independent subscriber.
@Suite(.serialized) struct StatePublishingTests {
    /// The retained topics the fixtures' call center (q1; q2 with Bob 149 and Carol 150;
    /// hints 146–150) gives.
    static let fixtureTopics: Set<String> = [
        "pbx/bridge/state", "pbx/bridge/ami",
        "pbx/agent/146/extensionStatus", "pbx/agent/147/extensionStatus", "pbx/agent/148/extensionStatus",
        "pbx/agent/149/extensionStatus", "pbx/agent/150/extensionStatus",
        "pbx/agent/149/name", "pbx/agent/150/name",
        "pbx/agent/149/queueMemberStatus/q2", "pbx/agent/150/queueMemberStatus/q2",
        "pbx/queue/q1/count", "pbx/queue/q1/stats", "pbx/queue/q2/count", "pbx/queue/q2/stats",
        "pbx/extension/146/presence", "pbx/extension/147/presence", "pbx/extension/148/presence",
        "pbx/extension/149/presence", "pbx/extension/150/presence",
        "pbx/extension/146/conversations", "pbx/extension/147/conversations", "pbx/extension/148/conversations",
        "pbx/extension/149/conversations", "pbx/extension/150/conversations",
    ]

    /// Should publish exactly the call center's retained topics, then follow live changes and
    /// publish one-off events unretained.
    @Test func publishesRetainedStateAndLiveChanges() async throws {
        let harness = try await BridgeHarness.start()
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        let synced = await recorder.wait { Set($0.keys) == Self.fixtureTopics }
        #expect(synced, "topics: \(recorder.state.keys.sorted())")
        #expect(recorder.json("pbx/agent/149/name")?["name"] as? String == "Bob")
        #expect(recorder.json("pbx/agent/149/extensionStatus")?["status"] as? String == "not_inuse")
        #expect(recorder.json("pbx/bridge/state")?["state"] as? String == "online")
        #expect(recorder.json("pbx/bridge/ami")?["state"] as? String == "connected")
        #expect(recorder.json("pbx/queue/q2/stats")?["members"] as? Int == 2)

        await harness.simulator.setDeviceState("Custom:149", .inUse)
        let changed = await recorder.wait {
            $0["pbx/agent/149/extensionStatus"]?.contains("\"inuse\"") == true
                && $0["pbx/agent/149/queueMemberStatus/q2"]?.contains("\"inuse\"") == true
        }
        #expect(changed)
        // Nothing else moved, so nothing else was republished.
        #expect(recorder.messages(on: "pbx/agent/150/extensionStatus").count == 1)

        await harness.simulator.startTraffic(
            TrafficConfiguration(
                callsPerSecond: 20, abandonRate: 0, talkTime: 0.2...0.3, ringTime: 0.05...0.1, maxCalls: 1,
                queues: ["q2"]))
        let called = await recorder.wait(timeout: 8) { _ in
            !(recorder.messages(on: "pbx/agent/150/agentCalled") + recorder.messages(on: "pbx/agent/149/agentCalled"))
                .isEmpty
        }
        #expect(called)
        let events =
            recorder.messages(on: "pbx/agent/150/agentCalled") + recorder.messages(on: "pbx/agent/149/agentCalled")
        #expect(events.allSatisfy { !$0.retained })
        await harness.stop()
    }

    /// Should put the whole retained state back within 2 s after the broker is killed with
    /// SIGKILL (losing every retained message) and restarted on the same port.
    @Test func republishesAfterBrokerCrash() async throws {
        let harness = try await BridgeHarness.start()
        let before = try TopicRecorder(port: harness.broker.port)
        #expect(await before.wait { Set($0.keys) == Self.fixtureTopics })
        let expected = before.state.filter { !$0.key.hasPrefix("pbx/bridge/") }
        before.stop()

        harness.broker.kill9()
        try await harness.broker.restart()
        let restarted = Date()
        let after = try TopicRecorder(port: harness.broker.port)
        defer { after.stop() }
        let back = await after.wait(timeout: 5) { state in
            expected.allSatisfy { state[$0.key] == $0.value } && state["pbx/bridge/state"]?.contains("online") == true
        }
        let seconds = Date().timeIntervalSince(restarted)
        #expect(back, "retained state not back: \(after.state.keys.sorted())")
        // The bound is the MQTT reconnect delay (1 s here) plus the republish; on an idle
        // 2-core VM it takes about 1.1 s. Timing is reported, not asserted tightly: a loaded
        // CI machine must not turn it into a flaky failure (the wait above bounds it at 5 s).
        print("republishesAfterBrokerCrash: retained state back \(seconds) s after the broker restarted")
        await harness.stop()
    }

    /// Should, after Asterisk restarts with different state, end with exactly the new state:
    /// vanished members cleared, changed values published, unchanged topics left alone.
    @Test func resyncsAfterAMIReconnectPublishingOnlyDifferences() async throws {
        let harness = try await BridgeHarness.start()
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        #expect(await recorder.wait { Set($0.keys) == Self.fixtureTopics })
        // A dynamic member, added through the bridge's own command: a restart forgets it.
        let added = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub",
            [
                "-h", "127.0.0.1", "-p", "\(harness.broker.port)", "-t", "pbx/cmd/queue/add", "-m",
                #"{"queue":"q1","agent":"147","name":"Alice"}"#,
            ]
        )
        #expect(added.exitCode == 0)
        #expect(await recorder.wait { _ in recorder.json("pbx/reply/queue/add")?["status"] as? String == "ok" })
        #expect(
            await recorder.wait {
                $0["pbx/agent/147/queueMemberStatus/q1"] != nil && $0.count == Self.fixtureTopics.count + 2
            })
        let mark = recorder.sequence

        // While Asterisk is down (state rebuilt without the dynamic member), 150 goes in use.
        try await harness.simulator.restart(
            graceful: true, downtime: .milliseconds(1500), deviceStates: ["Custom:150": .inUse])

        let resynced = await recorder.wait(timeout: 8) {
            $0["pbx/agent/147/queueMemberStatus/q1"] == nil && $0["pbx/agent/147/name"] == nil
                && $0["pbx/agent/150/extensionStatus"]?.contains("\"inuse\"") == true
                && $0["pbx/bridge/ami"]?.contains("connected") == true
        }
        #expect(resynced, "state: \(recorder.state)")
        #expect(Set(recorder.state.keys) == Self.fixtureTopics)
        // The member left: `loggedoff` first, then the topic was cleared.
        let member = recorder.messages(on: "pbx/agent/147/queueMemberStatus/q1").filter { $0.sequence > mark }
        #expect(
            member.map { $0.payload.isEmpty ? "cleared" : ($0.payload.contains("loggedoff") ? "loggedoff" : "other") }
                == ["loggedoff", "cleared"])
        // Unchanged topics were not republished.
        let moved = Set(recorder.counts(after: mark).keys)
        for topic in [
            "pbx/agent/149/extensionStatus", "pbx/agent/149/name", "pbx/agent/149/queueMemberStatus/q2",
            "pbx/agent/146/extensionStatus", "pbx/queue/q1/count", "pbx/queue/q2/count",
        ] {
            #expect(!moved.contains(topic), "\(topic) was republished")
        }
        await harness.stop()
    }

    /// Should report a broker refusing the password clearly and keep retrying with backoff,
    /// never hammering and never crashing.
    @Test func brokerRefusingPasswordIsRetriedWithBackoff() async throws {
        let harness = try await BridgeHarness.start(
            brokerCredentials: ("bridge", "right-password"), bridgePassword: "wrong-password")
        try await Task.sleep(for: .seconds(3))
        // The bridge logs each refusal once at error level (the MQTT client's own line is info).
        let refusals = harness.logs.entries.filter {
            $0.level == .error && "\($0.message)".contains("MQTT broker refused the connection")
        }
        #expect(refusals.count >= 1)
        #expect(refusals.count <= 4, "\(refusals.count) attempts in 3 s")
        let health = try await harness.bridge.health().get()
        #expect(!health.mqttConnected)
        #expect(health.amiConnected)
        #expect(!harness.logs.entries.contains { "\($0.message) \($0.metadata)".contains("wrong-password") })
        await harness.stop()
    }
}

@Suite struct StaleRetainedTopicTests {
    /// Should clear retained state topics an earlier run left for things that no longer exist,
    /// and keep everything that still does.
    @Test func clearsTopicsLeftByAnEarlierRun() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        for (topic, payload) in [
            ("pbx/agent/999/extensionStatus", #"{"agent":"999","status":"inuse"}"#),
            ("pbx/agent/149/queueMemberStatus/q9", #"{"agent":"149","queue":"q9"}"#),
            ("pbx/queue/gone/count", #"{"queue":"gone","count":3}"#),
            ("pbx/agent/149/name", #"{"agent":"149","name":"Old name"}"#),
            ("pbx/extension/999/presence", #"{"extension":"999","status":"online"}"#),
            ("pbx/parking/default/799", #"{"lot":"default","space":"799"}"#),
            ("pbx/agent/149/call", #"{"linkedId":"1.1","state":"talking"}"#),
            ("pbx/extension/999/conversations", "[]"),
        ] {
            let result = try await RunningCommand.run(
                "/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-r", "-t", topic, "-m", payload])
            #expect(result.exitCode == 0)
        }
        let harness = try await BridgeHarness.start(broker: broker)
        let recorder = try TopicRecorder(port: broker.port)
        defer { recorder.stop() }
        let clean = await recorder.wait(timeout: 6) { Set($0.keys) == StatePublishingTests.fixtureTopics }
        #expect(clean, "state: \(recorder.state.keys.sorted())")
        #expect(recorder.json("pbx/agent/149/name")?["name"] as? String == "Bob")
        #expect(harness.logged("cleared stale retained topics"))
        await harness.stop()
    }
}

@Suite struct FullQueueTests {
    /// Should deliver every retained topic of a large initial sync even when the MQTT client's
    /// queue is far smaller than the sync: state waits for room, it is never dropped.
    @Test func initialSyncLargerThanTheQueueLosesNothing() async throws {
        let callCenter = CallCenterConfiguration.generated(agents: 150, queues: 4)
        let reference = try await BridgeHarness.start(callCenter: callCenter)
        let small = try await BridgeHarness.start(callCenter: callCenter, maxQueued: 20)
        let expected = try TopicRecorder(port: reference.broker.port)
        let recorder = try TopicRecorder(port: small.broker.port)
        defer {
            expected.stop()
            recorder.stop()
        }
        // Presence topics sort (and so go out) last: the whole state is there once 2150's is.
        #expect(
            await expected.wait(timeout: 10) {
                $0.count > 400 && $0["pbx/agent/2150/name"] != nil && $0["pbx/extension/2150/presence"] != nil
            })
        let topics = Set(expected.state.keys)
        let complete = await recorder.wait(timeout: 15) { Set($0.keys) == topics }
        #expect(complete, "missing \(topics.subtracting(recorder.state.keys).count) of \(topics.count) topics")
        await reference.stop()
        await small.stop()
    }
}
