import AMI
import AMISimulator
import Bridge
import Foundation
import InMemoryLogging
import LocalMosquitto
import Logging
import MQTT
import NIOCore
import Testing

/// The bridge against RabbitMQ's MQTT plugin (Debian's 3.10.8) instead of mosquitto: MQTT
/// 3.1.1 only, and retained messages only for subscriptions to the exact topic. A client gets
/// the whole state there with `state/get`.
@Suite(.serialized) struct RabbitMQTests {
    /// The fixture call center's state topics (without `bridge/…`), which `state/get` answers.
    static let stateTopics = StatePublishingTests.fixtureTopics.filter { !$0.hasPrefix("pbx/bridge/") }

    /// Should publish the state (retained for exact subscriptions), answer a 3.1.1 command on
    /// its `replyTo`, and hand a wildcard subscriber, which RabbitMQ gives no retained message,
    /// the full state through `state/get`.
    @Test func bridgeOnRabbitMQ() async throws {
        let rabbit = try await RabbitMQBroker.start()
        defer { rabbit.stop() }
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                users: [SimulatorUser(username: BridgeHarness.user, secret: BridgeHarness.secret)],
                callCenter: .fixture),
            host: "127.0.0.1", port: 0, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }))
        // The default MQTT 5: RabbitMQ closes the connection unanswered, and the bridge says
        // once what to set.
        let v5Logs = InMemoryLogHandler()
        let v5 = try BridgeHarness.makeParts(
            amiPort: simulator.port, mqttPort: rabbit.port, logger: Logger(label: "bridge-v5", factory: { _ in v5Logs })
        ).bridge
        try await v5.start().get()
        let hint = "without answering the MQTT 5 CONNECT"
        var hinted = false
        for _ in 0..<150 where !hinted {
            try await Task.sleep(for: .milliseconds(100))
            hinted = v5Logs.entries.contains { "\($0.message)".contains(hint) }
        }
        #expect(hinted, "\(v5Logs.entries.map { "\($0.message)" })")
        try await Task.sleep(for: .seconds(3))
        #expect(v5Logs.entries.filter { "\($0.message)".contains(hint) }.count == 1)
        _ = try? await v5.shutdown().get()

        let logs = InMemoryLogHandler()
        let bridge = try BridgeHarness.makeParts(
            amiPort: simulator.port, mqttPort: rabbit.port, protocolVersion: .v311,
            logger: Logger(label: "bridge", factory: { _ in logs })
        ).bridge
        try await bridge.start().get()

        // An exact subscription gets the retained value once the bridge published it.
        var retained: ReceivedMessage?
        let deadline = Date().addingTimeInterval(30)
        while retained == nil, Date() < deadline {
            let exact = try await TestMQTTClient.connect(
                port: rabbit.port, subscriptions: ["pbx/agent/149/name", "pbx/bridge/state"], protocolVersion: .v311)
            retained = try? await exact.waitForMessage(timeout: 1) {
                $0.topic == "pbx/agent/149/name" && $0.message.retain
            }
            if retained != nil {
                let online = try await exact.waitForMessage { $0.topic == "pbx/bridge/state" }
                #expect(online.json?["state"] as? String == "online")
            }
            exact.stop()
        }
        let name = try #require(retained, "no retained pbx/agent/149/name on RabbitMQ")
        #expect(name.json?["name"] as? String == "Bob")

        // A wildcard subscriber (a dashboard) gets no retained state from RabbitMQ...
        let dashboard = try await TestMQTTClient.connect(
            port: rabbit.port, subscriptions: ["pbx/#", "crm/replies/#"], protocolVersion: .v311)
        defer { dashboard.stop() }
        // ...so it asks for the state, with the 3.1.1 reply topic in the body.
        dashboard.publish("pbx/cmd/state/get", json: #"{"id":"snap-1","replyTo":"crm/replies/snap"}"#)
        let snapshot = try await dashboard.waitForMessage { $0.topic == "crm/replies/snap" }
        #expect(snapshot.json?["status"] as? String == "ok", "\(snapshot.text)")
        let data = try #require(snapshot.json?["data"] as? [String: Any])
        let topics = try #require(data["topics"] as? [String: Any])
        #expect(Set(topics.keys) == Self.stateTopics, "\(topics.keys.sorted())")
        #expect(data["more"] as? Bool == false)
        #expect((topics["pbx/agent/149/name"] as? [String: Any])?["name"] as? String == "Bob")
        let retainedStates = dashboard.messages.filter { $0.message.retain && $0.topic.hasPrefix("pbx/agent/") }
        #expect(retainedStates.isEmpty, "RabbitMQ delivered retained state to a wildcard subscriber")

        // A command from a 3.1.1 client, answered on its replyTo, reaching Asterisk.
        await simulator.clearReceivedActions()
        dashboard.publish(
            "pbx/cmd/queue/pause", json: #"{"id":"p-1","agent":"149","queue":"q2","replyTo":"crm/replies/p-1"}"#)
        let reply = try await dashboard.waitForMessage { $0.topic == "crm/replies/p-1" }
        #expect(reply.json?["status"] as? String == "ok", "\(reply.text)")
        #expect(reply.json?["id"] as? String == "p-1")
        let pauses = await simulator.receivedActions().filter { $0.name == "QueuePause" }
        #expect(pauses.map { $0.message["Interface"] ?? "" } == ["Local/149@agents/n"])
        // The change reaches the live wildcard subscriber.
        let paused = try await dashboard.waitForMessage {
            $0.topic == "pbx/agent/149/queueMemberStatus/q2" && $0.text.contains(#""paused":true"#)
        }
        #expect(!paused.message.retain)

        _ = try? await bridge.shutdown().get()
        try? await simulator.shutdown()
    }
}
