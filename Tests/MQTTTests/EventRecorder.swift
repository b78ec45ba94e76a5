import Foundation
import MQTT
import Synchronization

/// Collects a client's events with their arrival time, and lets a test wait for a condition.
final class EventRecorder: Sendable {
    private let storage = Mutex<[(time: Date, event: MQTTClientEvent)]>([])

    var handler: @Sendable (MQTTClientEvent) -> Void {
        { event in self.storage.withLock { $0.append((Date(), event)) } }
    }

    var events: [MQTTClientEvent] { self.storage.withLock { $0.map(\.event) } }
    var timedEvents: [(time: Date, event: MQTTClientEvent)] { self.storage.withLock { $0 } }

    var connectedCount: Int {
        self.events.filter { if case .connected = $0 { return true } else { return false } }.count
    }

    var disconnectedCount: Int {
        self.events.filter { if case .disconnected = $0 { return true } else { return false } }.count
    }

    var refusals: [(time: Date, code: Int, reason: String)] {
        self.timedEvents.compactMap { entry in
            if case .connectionRefused(let code, let reason) = entry.event { return (entry.time, code, reason) }
            return nil
        }
    }

    func messages(on topic: String) -> [MQTTMessage] {
        self.events.compactMap { event in
            if case .message(let message) = event, message.topic == topic { return message }
            return nil
        }
    }

    /// Polls until `condition` holds; false after `timeout` seconds.
    func wait(timeout: Double = 5, until condition: (EventRecorder) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(self)
    }
}
