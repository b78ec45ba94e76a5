import AMI
import CallCenter
import Foundation
import PBXTestSupport
import Testing

@testable import Bridge

/// The call topics' examples in docs/mqtt-api.md are real: each is what the bridge publishes
/// (encoded as on the wire) when a call-feature transcript is replayed, the packet at index
/// i stamped i + 1 seconds after the epoch like the golden replays.
@Suite struct CallTopicExamplesTests {
    /// Every payload of `topic` (prefix `pbx`) while replaying `name`, in order.
    static func payloads(_ name: String, topic: String) throws -> [String] {
        let layout = try TopicLayout(prefix: "pbx")
        var state = CallCenterState()
        var found: [String] = []
        for (index, message) in try decodeAMIMessages(Fixtures.bytes(name)).enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            for change in state.apply(message, at: time) {
                switch change {
                case .set(let key, let value) where try layout.topic(for: key) == topic:
                    found.append(String(decoding: PayloadEncoder.encode(value), as: UTF8.self))
                case .event(let event) where try layout.topic(for: event) == topic:
                    found.append(String(decoding: PayloadEncoder.encode(event), as: UTF8.self))
                default: break
                }
            }
        }
        return found
    }

    static let examples: [(transcript: String, topic: String, index: Int)] = [
        ("call-features/attended-transfer.ami", "pbx/agent/147/call", 4),
        ("call-features/attended-transfer.ami", "pbx/extension/147/conversations", 5),
        ("call-features/blind-transfer.ami", "pbx/call/1796006224.16/event", 3),
        ("call-features/blind-transfer.ami", "pbx/call/1796006224.16/event", 4),
    ]

    /// Should find each example payload in the contract document, byte for byte.
    @Test(arguments: 0..<examples.count)
    func exampleIsInTheContract(example: Int) throws {
        let (transcript, topic, index) = Self.examples[example]
        let payloads = try Self.payloads(transcript, topic: topic)
        let payload = try #require(payloads.indices.contains(index) ? payloads[index] : nil, "\(payloads)")
        let document = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/mqtt-api.md"), encoding: .utf8)
        #expect(document.contains(payload), "docs/mqtt-api.md lacks the replayed \(topic) payload:\n\(payload)")
    }
}
