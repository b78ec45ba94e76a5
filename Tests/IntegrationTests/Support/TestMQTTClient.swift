import Foundation
import Logging
import MQTT
import PBXTestSupport
import Synchronization

/// A message the test client received, with its JSON body decoded when it has one.
struct ReceivedMessage: Sendable {
    var message: MQTTMessage
    var topic: String { self.message.topic }
    var text: String { String(decoding: self.message.payload, as: UTF8.self) }

    /// The payload as a JSON object (Foundation's view, for reading fields in assertions).
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(self.message.payload))) as? [String: Any]
    }
}

/// The tests' own MQTT 5 client (the project's `MQTTClient`), collecting every message of its
/// subscriptions so that tests can wait for replies and events.
final class TestMQTTClient: Sendable {
    private let client: MQTTClient
    private let received = Mutex<[ReceivedMessage]>([])

    private init(client: MQTTClient) {
        self.client = client
    }

    /// Connects to `broker`, subscribes, and returns once a probe message came back (so the
    /// subscriptions are active).
    static func connect(broker: MosquittoBroker, subscriptions: [String], protocolVersion: MQTTProtocolVersion = .v5)
        async throws -> TestMQTTClient
    {
        try await self.connect(
            port: broker.port, subscriptions: subscriptions, protocolVersion: protocolVersion,
            diagnostics: { (broker.isRunning, String(broker.logText.suffix(1_500))) })
    }

    /// The same on any broker on 127.0.0.1:`port` (RabbitMQ); `diagnostics` tells, when the
    /// connection fails, whether the broker runs and the tail of its log.
    static func connect(
        port: Int, subscriptions: [String], protocolVersion: MQTTProtocolVersion = .v5,
        diagnostics: @Sendable () -> (running: Bool, log: String) = { (true, "") }
    ) async throws -> TestMQTTClient {
        var logger = Logger(label: "test-mqtt")
        logger.logLevel = .critical
        let mqtt = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: port, clientID: "test-\(UUID().uuidString.prefix(8))",
                protocolVersion: protocolVersion
            ),
            logger: logger
        )
        let client = TestMQTTClient(client: mqtt)
        let probe = "test/probe/\(UUID().uuidString)"
        try mqtt.subscribe(probe, qos: .atLeastOnce)
        for filter in subscriptions {
            try mqtt.subscribe(filter, qos: .atLeastOnce)
        }
        try mqtt.start { [client] event in
            if case .message(let message) = event {
                client.received.withLock { $0.append(ReceivedMessage(message: message)) }
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if mqtt.isConnected {
                _ = try? mqtt.publish(
                    MQTTMessage(topic: probe, payload: Array("probe".utf8), qos: .atLeastOnce, retain: false))
                if (try? await client.waitForMessage(timeout: 0.3, where: { $0.topic == probe })) != nil {
                    return client
                }
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let connected = mqtt.isConnected
        mqtt.stop()
        let (running, log) = diagnostics()
        throw TestMQTTClientError.notConnected(connected: connected, brokerRunning: running, brokerLog: log)
    }

    func publish(_ topic: String, json: String, retain: Bool = false, properties: MQTTProperties = MQTTProperties()) {
        self.publish(topic, payload: Array(json.utf8), retain: retain, properties: properties)
    }

    func publish(_ topic: String, payload: [UInt8], retain: Bool = false, properties: MQTTProperties = MQTTProperties())
    {
        _ = try? self.client.publish(
            MQTTMessage(topic: topic, payload: payload, qos: .atLeastOnce, retain: retain, properties: properties))
    }

    /// Every message received so far.
    var messages: [ReceivedMessage] {
        self.received.withLock { $0 }
    }

    func messages(on topic: String) -> [ReceivedMessage] {
        self.received.withLock { $0.filter { $0.topic == topic } }
    }

    /// Waits for the first received message (past or future) for which `matches` holds.
    func waitForMessage(timeout: Double = 15, where matches: @Sendable (ReceivedMessage) -> Bool) async throws
        -> ReceivedMessage
    {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let found = self.received.withLock({ $0.first(where: matches) }) {
                return found
            }
            try await Task.sleep(for: .milliseconds(5))
        } while Date() < deadline
        throw TestMQTTClientError.timeout
    }

    func stop() {
        self.client.stop()
    }
}

enum TestMQTTClientError: Error, CustomStringConvertible {
    case notConnected(connected: Bool, brokerRunning: Bool, brokerLog: String)
    case timeout

    var description: String {
        switch self {
        case .notConnected(let connected, let running, let log):
            "the test MQTT client did not connect and subscribe within 30 s (connected: \(connected), broker running: \(running)); broker log tail:\n\(log)"
        case .timeout: "no matching MQTT message arrived in time"
        }
    }
}
