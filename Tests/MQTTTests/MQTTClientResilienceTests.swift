import Foundation
import MQTT
import PBXTestSupport
import Synchronization
import Testing

/// The libmosquitto 2.0 traps the client handles: reconnects, refused logins, the unbounded queue.
@Suite(.serialized)
struct MQTTClientResilienceTests {
    /// Should reconnect after the broker is killed and restarted on the same port, report a
    /// second `.connected`, resubscribe, send the QoS 1 message queued meanwhile, and count the
    /// QoS 0 one as dropped.
    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func reconnectsAndResubscribesAfterBrokerCrash(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = uniqueName("crash")
        let recorder = EventRecorder()
        let client = try await connectedClient(
            to: broker, protocolVersion: version, subscriptions: ["\(root)/#"], recorder: recorder)
        defer { client.stop() }

        broker.kill9()
        #expect(await recorder.wait { $0.disconnectedCount >= 1 })
        #expect(!client.isConnected)
        try client.publish(MQTTMessage(topic: "\(root)/queued", text: "while down", qos: .atLeastOnce))
        try client.publish(MQTTMessage(topic: "\(root)/lost", text: "qos0 while down", qos: .atMostOnce))
        #expect(client.queuedMessageCount == 1)
        #expect(client.droppedMessageCount == 1)

        try await broker.restart()
        #expect(await recorder.wait(timeout: 10) { $0.connectedCount >= 2 }, "events: \(recorder.events)")
        // Our own queued message comes back through the renewed subscription.
        #expect(await recorder.wait { $0.messages(on: "\(root)/queued").map(\.text) == ["while down"] })
        #expect(await recorder.wait { _ in client.queuedMessageCount == 0 })

        let published = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub", broker.clientArguments + ["-q", "1", "-t", "\(root)/after", "-m", "restart"])
        #expect(published.exitCode == 0)
        #expect(await recorder.wait { $0.messages(on: "\(root)/after").map(\.text) == ["restart"] })
        #expect(recorder.messages(on: "\(root)/lost").isEmpty)
        #expect(client.droppedMessageCount == 1)
    }

    /// Should report a wrong password as `.connectionRefused` with the broker's reason, keep
    /// retrying with backoff (MQTT 5: by restarting libmosquitto's network thread, which the
    /// refusal ends), and stop cleanly.
    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func wrongPasswordIsRefusedRepeatedlyWithBackoff(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start(username: "bridge", password: "s3cret")
        defer { broker.stop() }
        let recorder = EventRecorder()
        let configuration = MQTTConfiguration(
            host: broker.host, port: broker.port, clientID: uniqueName("badpw"),
            username: "bridge", password: "wrong", keepAliveSeconds: 10, protocolVersion: version,
            reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 2)
        let logs = CapturingLogHandler.Store()
        let client = try MQTTClient(configuration: configuration, logger: CapturingLogHandler.logger(logs))
        try client.start(onEvent: recorder.handler)

        #expect(await recorder.wait(timeout: 12) { $0.refusals.count >= 3 }, "events: \(recorder.events)")
        client.stop()
        let refusals = recorder.refusals
        // mosquitto 2.0 answers a wrong password with "not authorised" (3.1.1: 5, MQTT 5: 135);
        // other brokers use "bad user name or password" (4, 134).
        let expectedCodes: Set<Int> = version == .v5 ? [134, 135] : [4, 5]
        for refusal in refusals {
            #expect(expectedCodes.contains(refusal.code))
            let reason = refusal.reason.lowercased()
            #expect(reason.contains("authori") || reason.contains("password"), "reason: \(refusal.reason)")
        }
        for (earlier, later) in zip(refusals, refusals.dropFirst()) {
            #expect(later.time.timeIntervalSince(earlier.time) >= 0.8, "retried without backoff")
        }
        #expect(recorder.connectedCount == 0)
        let lines = logs.lines.withLock { $0 }
        // Refusals reach the owner as events; the owner logs them, once per episode.
        #expect(!lines.contains { $0.contains("refused the connection") }, "logged by the layer: \(lines)")
        #expect(!lines.contains { $0.contains("wrong") }, "password logged: \(lines)")

        // The right password gets in.
        let good = EventRecorder()
        let goodClient = try await connectedClient(to: broker, protocolVersion: version, recorder: good)
        goodClient.stop()
    }

    /// Should connect once the broker's credentials start matching, after refusals: the
    /// restarted MQTT 5 network thread really reconnects.
    @Test
    func connectsAfterRefusalsOnceTheBrokerAcceptsTheCredentials() async throws {
        let refusing = try await MosquittoBroker.start(username: "bridge", password: "old")
        let port = refusing.port
        let recorder = EventRecorder()
        let configuration = MQTTConfiguration(
            host: refusing.host, port: port, clientID: uniqueName("fixed"),
            username: "bridge", password: "new", keepAliveSeconds: 10, protocolVersion: .v5,
            reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 1)
        let client = try MQTTClient(configuration: configuration, logger: quietLogger)
        defer { client.stop() }
        try client.start(onEvent: recorder.handler)
        #expect(await recorder.wait(timeout: 8) { $0.refusals.count >= 2 })
        refusing.stop()

        let accepting = try await MosquittoBroker.start(username: "bridge", password: "new", port: port)
        defer { accepting.stop() }
        #expect(await recorder.wait(timeout: 10) { $0.connectedCount >= 1 }, "events: \(recorder.events)")
        #expect(client.isConnected)
    }

    /// Should bound the outgoing queue while the broker is unreachable (client started with the
    /// broker already down): `.queueFull` over the limit, every refusal counted, and the queue
    /// drains once the broker is back.
    @Test
    func boundsTheOutgoingQueueWhileTheBrokerIsDown() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        broker.kill9()
        let root = uniqueName("queue")
        let recorder = EventRecorder()
        let configuration = MQTTConfiguration(
            host: broker.host, port: broker.port, clientID: uniqueName("queue"), keepAliveSeconds: 10,
            maxQueuedMessages: 50, reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 1)
        let client = try MQTTClient(configuration: configuration, logger: quietLogger)
        defer { client.stop() }
        try client.start(onEvent: recorder.handler)

        var mids: Set<Int32> = []
        for index in 0..<50 {
            mids.insert(try client.publish(MQTTMessage(topic: "\(root)/m", text: "\(index)", qos: .atLeastOnce)))
        }
        #expect(mids.count == 50)
        #expect(client.queuedMessageCount == 50)
        #expect(client.droppedMessageCount == 0)
        for _ in 0..<5 {
            #expect(throws: MQTTError.queueFull(limit: 50)) {
                try client.publish(MQTTMessage(topic: "\(root)/m", text: "over", qos: .atLeastOnce))
            }
        }
        #expect(throws: MQTTError.queueFull(limit: 50)) {
            try client.publish(MQTTMessage(topic: "\(root)/m", text: "over", qos: .atMostOnce))
        }
        #expect(client.queuedMessageCount == 50)
        #expect(client.droppedMessageCount == 6)

        try await broker.restart()
        #expect(await recorder.wait(timeout: 10) { $0.connectedCount >= 1 }, "events: \(recorder.events)")
        #expect(await recorder.wait(timeout: 10) { _ in client.queuedMessageCount == 0 })
        let confirmed = Set(
            recorder.events.compactMap { event -> Int32? in
                if case .published(let mid) = event { return mid }
                return nil
            })
        #expect(mids.isSubset(of: confirmed))
        try client.publish(MQTTMessage(topic: "\(root)/m", text: "room again", qos: .atLeastOnce))
        #expect(client.droppedMessageCount == 6)
    }

    /// Should disconnect cleanly when the owner drops a running client without `stop()`.
    @Test
    func droppingARunningClientDisconnectsCleanly() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let clientID = uniqueName("dropped")
        let recorder = EventRecorder()
        var client: MQTTClient? = try await connectedClient(to: broker, clientID: clientID, recorder: recorder)
        #expect(client?.isConnected == true)
        client = nil
        #expect(await recorder.wait { $0.disconnectedCount >= 1 })
        let logged = await recorder.wait { _ in broker.logText.contains("Client \(clientID) disconnected.") }
        #expect(logged, "broker log: \(broker.logText.suffix(800))")
    }
}
