import AMI
import Synchronization

/// Records what the client reports, for assertions.
final class RecordingDelegate: AMIClientDelegate {
    private let storage = Mutex<(states: [AMIConnectionState], events: [AMIMessage])>(([], []))
    /// Runs on every state change, on the client's loop (e.g. to send the initial sync).
    private let onState: (@Sendable (AMIConnectionState) -> Void)?

    init(onState: (@Sendable (AMIConnectionState) -> Void)? = nil) {
        self.onState = onState
    }

    var states: [AMIConnectionState] { self.storage.withLock { $0.states } }
    var events: [AMIMessage] { self.storage.withLock { $0.events } }
    var eventNames: [String] { self.events.map { $0.eventName ?? "?" } }

    func amiConnectionStateChanged(_ state: AMIConnectionState) {
        self.storage.withLock { $0.states.append(state) }
        self.onState?(state)
    }

    func amiEventReceived(_ event: AMIMessage) {
        self.storage.withLock { $0.events.append(event) }
    }
}
