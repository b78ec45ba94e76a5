import Foundation
import Logging
import MQTT
import Synchronization

/// A real MQTT subscriber that records every message per topic, in arrival order.
///
/// It is an independent client of the broker, so what it sees is what a CRM or dashboard
/// would see: retained state on subscribe, then live changes.
final class TopicRecorder: Sendable {
    struct Received: Sendable, Hashable {
        var payload: String
        var retained: Bool
        var sequence: Int
        /// When it arrived, for convergence times.
        var arrival: ContinuousClock.Instant = .now
        /// Which connection of the recorder it arrived on (1 for the first): a broker that lost
        /// its store sends a reconnected subscriber only what it holds now.
        var session: Int = 0
    }

    private let client: MQTTClient
    private final class Storage: Sendable {
        let mutex = Mutex<(messages: [String: [Received]], sequence: Int, connects: Int)>(([:], 0, 0))
        func withLock<T>(_ body: (inout (messages: [String: [Received]], sequence: Int, connects: Int)) -> T) -> T {
            self.mutex.withLock { body(&$0) }
        }
    }

    private let storage = Storage()

    init(
        port: Int, filter: String = "pbx/#", clientID: String = "recorder-\(UUID().uuidString.prefix(8))",
        username: String? = nil, password: String? = nil, retainAsPublished: Bool = false
    ) throws {
        self.client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: port, clientID: clientID, username: username, password: password,
                reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 1
            ),
            logger: Logger(label: "recorder", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try self.client.subscribe(filter, qos: .atLeastOnce, retainAsPublished: retainAsPublished)
        try self.client.start { [storage] event in
            switch event {
            case .message(let message):
                storage.withLock { state in
                    state.sequence += 1
                    state.messages[message.topic, default: []].append(
                        Received(
                            payload: message.text, retained: message.retain, sequence: state.sequence,
                            arrival: .now, session: state.connects))
                }
            case .connected:
                storage.withLock { $0.connects += 1 }
            default:
                break
            }
        }
    }

    deinit {
        self.client.stop()
    }

    func stop() {
        self.client.stop()
    }

    /// The last payload of each topic; topics whose last payload is empty (cleared) are left out,
    /// as a subscriber keeping retained state would see it. Commands and replies (`pbx/cmd/…`,
    /// `pbx/reply/…`) are not state and are left out too.
    var state: [String: String] {
        self.storage.withLock { state in
            var result: [String: String] = [:]
            for (topic, received) in state.messages where !topic.hasPrefix("pbx/cmd/") && !topic.hasPrefix("pbx/reply/")
            {
                if let last = received.last, !last.payload.isEmpty { result[topic] = last.payload }
            }
            return result
        }
    }

    /// Every topic a message arrived on, sorted.
    var topics: [String] {
        self.storage.withLock { $0.messages.keys.sorted() }
    }

    /// Every message so far, per topic, in arrival order (commands and replies included).
    var allMessages: [String: [Received]] {
        self.storage.withLock { $0.messages }
    }

    func messages(on topic: String) -> [Received] {
        self.storage.withLock { $0.messages[topic] ?? [] }
    }

    /// How many messages arrived after `sequence`, per topic.
    func counts(after sequence: Int) -> [String: Int] {
        self.storage.withLock { state in
            var counts: [String: Int] = [:]
            for (topic, received) in state.messages {
                let count = received.filter { $0.sequence > sequence }.count
                if count > 0 { counts[topic] = count }
            }
            return counts
        }
    }

    var sequence: Int { self.storage.withLock { $0.sequence } }
    var connects: Int { self.storage.withLock { $0.connects } }

    /// Waits until `condition` holds for the recorded state, polling every 20 ms.
    @discardableResult
    func wait(timeout: Double = 5, until condition: ([String: String]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(self.state) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(self.state)
    }

    /// Parses the JSON payload of `topic`'s last message.
    func json(_ topic: String) -> [String: Any]? {
        guard let text = self.messages(on: topic).last?.payload, let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
