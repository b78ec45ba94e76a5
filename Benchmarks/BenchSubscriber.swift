import Logging
import MQTT
import Synchronization

/// The MQTT subscriber every scenario counts at: an `MQTTClient` subscribed to one filter,
/// stamping each message with the monotonic clock the moment libmosquitto hands it over.
///
/// `ready()` returns only once a probe message went through the broker and back, so the
/// subscription is known to be active before anything is measured.
final class BenchSubscriber: Sendable {
    typealias Handler = @Sendable (MQTTMessage, UInt64) -> Void

    let client: MQTTClient
    private let probeTopic: String
    private let probeSeen = Atomic<Bool>(false)
    private let counter = Atomic<Int>(0)
    private let last = Atomic<UInt64>(0)
    private let handler: Handler?

    /// Messages received on the filter (probes excluded).
    var received: Int { self.counter.load(ordering: .acquiring) }
    /// Monotonic time of the latest message, 0 before the first.
    var lastReceivedAt: UInt64 { self.last.load(ordering: .acquiring) }

    init(host: String, port: Int, filter: String, qos: MQTTQoS, id: String, handler: Handler? = nil) throws {
        self.client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: host, port: port, clientID: "bench-sub-\(id)", protocolVersion: .v5, maxQueuedMessages: 1_000_000),
            logger: Logger(label: "bench.subscriber", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        self.probeTopic = "bench-probe/\(id)"
        self.handler = handler
        try self.client.subscribe(filter, qos: qos)
        try self.client.subscribe(self.probeTopic, qos: .atMostOnce)
        try self.client.start { [weak self] event in
            guard let self, case .message(let message) = event else { return }
            let now = MonotonicClock.nanoseconds()
            if message.topic == self.probeTopic {
                self.probeSeen.store(true, ordering: .releasing)
                return
            }
            self.counter.add(1, ordering: .relaxed)
            self.last.store(now, ordering: .releasing)
            self.handler?(message, now)
        }
    }

    /// Waits until the subscription is live (a probe published by this client came back).
    func ready(timeout: Double = 10) async throws {
        try await waitUntil("the MQTT subscriber", timeout: timeout, interval: .milliseconds(20)) {
            if self.probeSeen.load(ordering: .acquiring) { return true }
            if self.client.isConnected {
                _ = try? self.client.publish(MQTTMessage(topic: self.probeTopic, payload: [1], qos: .atMostOnce))
            }
            return false
        }
    }

    func reset() {
        self.counter.store(0, ordering: .releasing)
        self.last.store(0, ordering: .releasing)
    }

    func stop() {
        self.client.stop()
    }
}
