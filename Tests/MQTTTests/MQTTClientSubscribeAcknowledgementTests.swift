import Foundation
import MQTT
import PBXTestSupport
import Testing

/// Our client's subscription acknowledgements against a real mosquitto: the bridge's
/// stale-topic sweep starts listening for the end of the retained replay at the SUBACK.
@Suite(.serialized)
struct MQTTClientSubscribeAcknowledgementTests {
    /// Should report each SUBACK with the message id `subscribe` returned, before the
    /// retained messages mosquitto replays for that subscription, under both protocol versions.
    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func reportsSubscriptionAcknowledgementsWithTheirMessageIDs(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = uniqueName("suback")
        let set = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub", broker.clientArguments + ["-r", "-q", "1", "-t", "\(root)/b/kept", "-m", "kept"])
        #expect(set.exitCode == 0, "mosquitto_pub: \(set.stderr)")
        let recorder = EventRecorder()
        let client = try await connectedClient(to: broker, protocolVersion: version, recorder: recorder)
        defer { client.stop() }

        let first = try #require(try client.subscribe("\(root)/a/#", qos: .atMostOnce))
        let second = try #require(try client.subscribe("\(root)/b/#", qos: .atLeastOnce, noLocal: true))
        #expect(first != second)
        #expect(
            await recorder.wait {
                $0.events.contains(.subscribed(mid: first)) && !$0.messages(on: "\(root)/b/kept").isEmpty
            })
        let events = recorder.events
        let acknowledged = try #require(events.firstIndex(of: .subscribed(mid: second)))
        let replayed = try #require(
            events.firstIndex {
                if case .message(let message) = $0 { return message.topic == "\(root)/b/kept" }
                return false
            })
        #expect(acknowledged < replayed, "events: \(events)")
        #expect(events.filter { $0 == .subscribed(mid: first) }.count == 1)
    }

    /// Should return no message id for a subscription made before the client connected, and
    /// report the SUBACK of the client's own sending of it on the connect (an id the caller
    /// never saw, so nothing it waits for).
    @Test
    func subscriptionBeforeConnectHasNoMessageID() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let configuration = MQTTConfiguration(
            host: broker.host, port: broker.port, clientID: uniqueName("pbx"),
            username: broker.username, password: broker.password, keepAliveSeconds: 10)
        let client = try MQTTClient(configuration: configuration, logger: quietLogger)
        defer { client.stop() }
        let mid = try client.subscribe(uniqueName("early") + "/#", qos: .atMostOnce)
        #expect(mid == nil)
        let recorder = EventRecorder()
        try client.start(onEvent: recorder.handler)
        #expect(
            await recorder.wait {
                $0.events.contains { if case .subscribed = $0 { return true } else { return false } }
            })
    }
}
