import AMISimulator
import Foundation
import LocalMosquitto
import Testing

/// `state/get` end to end on mosquitto (MQTT 5 Response Topic): the snapshot is the retained
/// state an independent subscriber holds, byte for byte, filtered by MQTT topic filters.
@Suite(.serialized) struct StateGetCommandTests {
    /// Should answer with exactly the retained state topics and payloads, honour the filter,
    /// refuse a bad filter naming the field, and give a repeated id a fresh snapshot.
    @Test func snapshotIsTheRetainedState() async throws {
        try await CommandHarness.run { harness in
            let reply = try await harness.reply("state/get", #"{"id":"snap-1"}"#)
            #expect(string(reply, "status") == "ok")
            #expect(string(reply, "id") == "snap-1")
            let data = try #require(reply["data"] as? [String: Any])
            let topics = try #require(data["topics"] as? [String: Any])
            #expect(data["count"] as? Int == topics.count)
            #expect(data["more"] as? Bool == false)
            #expect(topics.keys.contains { $0.hasSuffix("/extensionStatus") })

            // An independent subscriber holds exactly these retained topics with these payloads.
            let recorder = try TopicRecorder(port: harness.broker.port, filter: "pbx/#")
            defer { recorder.stop() }
            let state: @Sendable ([String: String]) -> [String: String] = {
                // Every state topic: not the bridge's own status, replies or commands.
                $0.filter { !["pbx/bridge/", "pbx/reply/", "pbx/cmd/"].contains(where: $0.key.hasPrefix) }
            }
            let same = await recorder.wait(timeout: 10) { Set(state($0).keys) == Set(topics.keys) }
            #expect(same, "retained: \(state(recorder.state).keys.sorted()); snapshot: \(topics.keys.sorted())")
            for (topic, payload) in state(recorder.state) {
                // Objects, and lists such as an extension's conversations.
                let retained = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? NSObject
                #expect(retained == (topics[topic] as? NSObject), "\(topic)")
            }

            let filtered = try await harness.reply("state/get", #"{"filter":"pbx/agent/+/extensionStatus"}"#)
            let some = try #require((filtered["data"] as? [String: Any])?["topics"] as? [String: Any])
            #expect(Set(some.keys) == Set(topics.keys.filter { $0.hasSuffix("/extensionStatus") }))

            let refused = try await harness.reply("state/get", #"{"id":"snap-bad","filter":"pbx/#/name"}"#)
            #expect(string(refused, "status") == "error")
            #expect(string(refused, "error", "code") == "invalid_field")
            #expect(string(refused, "error", "field") == "filter")

            // Not remembered: the same id after a change answers with the new value.
            let topic = try #require(some.keys.sorted().first)
            let agent = topic.split(separator: "/")[2]
            await harness.simulator.setDeviceState("Custom:\(agent)", .inUse)
            _ = try await harness.client.waitForMessage { $0.topic == topic && $0.text.contains(#""inuse""#) }
            let again = try await harness.reply("state/get", #"{"id":"snap-1","filter":"\#(topic)"}"#)
            let now = (again["data"] as? [String: Any])?["topics"] as? [String: Any]
            #expect(string(now?[topic] as? [String: Any], "status") == "inuse", "\(again)")
        }
    }
}
