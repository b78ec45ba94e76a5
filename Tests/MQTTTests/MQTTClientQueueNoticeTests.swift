import Foundation
import MQTT
import PBXTestSupport
import Synchronization
import Testing

/// The owner of a full queue learns when there is room from libmosquitto's acknowledgements,
/// and stops the client without blocking its own thread.
@Suite(.serialized)
struct MQTTClientQueueNoticeTests {
    /// Should report `queueBelow` once the acknowledgements bring the queue down to the count
    /// asked for, once per request, and at once when the queue is already there.
    @Test func queueBelowFollowsTheAcknowledgements() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let recorder = EventRecorder()
        let client = try await connectedClient(to: broker, recorder: recorder)
        defer { client.stop() }
        let root = uniqueName("notice")
        for index in 0..<200 {
            try client.publish(MQTTMessage(topic: "\(root)/\(index)", text: "v", qos: .atLeastOnce, retain: false))
        }
        client.notifyWhenQueued(atMost: 0)
        #expect(await recorder.wait { $0.events.contains(.queueBelow(queued: 0)) })
        #expect(client.queuedMessageCount == 0)
        #expect(recorder.events.filter { if case .queueBelow = $0 { true } else { false } }.count == 1)
        // Already below: reported at once.
        client.notifyWhenQueued(atMost: 10)
        #expect(recorder.events.filter { if case .queueBelow = $0 { true } else { false } }.count == 2)
    }

    /// Should return from `stop(completion:)` at once and call the completion once the
    /// network thread has ended.
    @Test func stopWithCompletionDoesNotBlock() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let client = try await connectedClient(to: broker, recorder: EventRecorder())
        let done = Mutex(false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            client.stop {
                done.withLock { $0 = true }
                continuation.resume()
            }
        }
        #expect(done.withLock { $0 })
        #expect(!client.isConnected)
        #expect(throws: MQTTError.self) {
            try client.publish(MQTTMessage(topic: "x", text: "late", qos: .atLeastOnce))
        }
    }
}
