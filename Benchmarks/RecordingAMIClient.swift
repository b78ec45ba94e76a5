import AMI
import AMISimulator
import Logging
import NIOPosix
import Synchronization

/// An `AMIClient` that records every event it receives, for the state the bench needs to
/// know in advance (the expected topic count) and for the reducer's recorded event mix.
final class RecordingAMIClient: Sendable {
    private final class Recorder: AMIClientDelegate {
        let connected = Atomic<Bool>(false)
        let events = Mutex<[AMIMessage]>([])

        func amiConnectionStateChanged(_ state: AMIConnectionState) {
            if case .connected = state {
                self.connected.store(true, ordering: .releasing)
            } else {
                self.connected.store(false, ordering: .releasing)
            }
        }

        func amiEventReceived(_ event: AMIMessage) {
            self.events.withLock { $0.append(event) }
        }
    }

    let client: AMIClient
    private let recorder = Recorder()

    init(port: Int, eventMask: String, filters: [String]) {
        self.client = AMIClient(
            configuration: AMIConfiguration(
                host: "127.0.0.1", port: port, username: SimulatorUser.bridge.username,
                secret: SimulatorUser.bridge.secret,
                authType: .plain, eventMask: eventMask, filters: filters),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: BenchLog.quiet
        )
    }

    func start() async throws {
        self.client.start(delegate: self.recorder)
        try await waitUntil("the AMI client to log in", timeout: 10, interval: .milliseconds(5)) {
            self.recorder.connected.load(ordering: .acquiring)
        }
    }

    var eventCount: Int { self.recorder.events.withLock { $0.count } }

    func takeEvents() -> [AMIMessage] {
        self.recorder.events.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }

    /// The items the bridge's initial sync asks for.
    func syncItems() async throws -> [AMIMessage] {
        var items: [AMIMessage] = []
        for action in ["QueueStatus", "QueueSummary", "ExtensionStateList", "CoreShowChannels"] {
            items += try await self.client.send(AMIAction(action)).checked().events
        }
        return items
    }

    func stop() async {
        await self.client.shutdown()
    }
}
