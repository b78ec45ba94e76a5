import Foundation
import MQTT
import PBXTestSupport
import Testing

/// Interoperability with an independent MQTT implementation (paho, Python).
@Suite(.serialized)
struct MQTTClientPahoTests {
    private struct PahoReport: Decodable {
        var topic: String
        var payload: String
        var responseTopic: String?
        var correlationData: String?
        var contentType: String?
        var userProperties: [[String]]?
    }

    private func runResponder(
        version: MQTTProtocolVersion, request: MQTTMessage, replyTopic: String
    ) async throws -> (PahoReport, MQTTMessage) {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = request.topic.replacingOccurrences(of: "/request", with: "")
        let recorder = EventRecorder()
        let client = try await connectedClient(
            to: broker, protocolVersion: version, subscriptions: [replyTopic], recorder: recorder)
        defer { client.stop() }

        let paho = try RunningCommand.python(
            pahoResponderScript, [broker.host, "\(broker.port)", root, version == .v5 ? "5" : "311"])
        let ready = await paho.waitForOutput(containing: "READY", timeout: 10)
        try #require(ready, "paho did not subscribe: \(paho.stdout) \(paho.stderr)")

        try client.publish(request)
        let result = await paho.waitForExit(timeout: 15)
        #expect(result.exitCode == 0, "paho: \(result.stdout) \(result.stderr)")
        let line = try #require(result.lines.first { $0.hasPrefix("GOT ") }, "paho output: \(result.stdout)")
        let report = try JSONDecoder().decode(PahoReport.self, from: Data(line.dropFirst(4).utf8))
        #expect(await recorder.wait { !$0.messages(on: replyTopic).isEmpty })
        let reply = try #require(recorder.messages(on: replyTopic).first)
        return (report, reply)
    }

    /// Should carry Response Topic, Correlation Data, content type and user properties to paho,
    /// and copy paho's MQTT 5 properties out of its reply.
    @Test
    func mqtt5PropertiesTravelBothWays() async throws {
        let root = uniqueName("v5")
        let request = MQTTMessage(
            topic: "\(root)/request", text: #"{"cmd":"originate"}"#, qos: .atLeastOnce,
            properties: MQTTProperties(
                responseTopic: "\(root)/answer/1",
                correlationData: [0x00, 0x01, 0xFE, 0xFF],
                contentType: "application/json",
                userProperties: [MQTTUserProperty(name: "k", value: "v"), MQTTUserProperty(name: "k", value: "w")]))
        let (report, reply) = try await self.runResponder(
            version: .v5, request: request, replyTopic: "\(root)/answer/1")

        #expect(report.payload == #"{"cmd":"originate"}"#)
        #expect(report.responseTopic == "\(root)/answer/1")
        #expect(report.correlationData == "0001feff")
        #expect(report.contentType == "application/json")
        #expect(report.userProperties == [["k", "v"], ["k", "w"]])

        #expect(reply.text == #"{"ok":true}"#)
        #expect(reply.properties.correlationData == [0x00, 0x01, 0xFE, 0xFF])
        #expect(reply.properties.contentType == "application/json")
        #expect(reply.properties.responseTopic == "\(root)/back")
        #expect(reply.properties.messageExpiryInterval.map { $0 > 0 && $0 <= 60 } == true)
        #expect(
            reply.properties.userProperties == [
                MQTTUserProperty(name: "origin", value: "paho"), MQTTUserProperty(name: "origin", value: "again"),
            ])
    }

    /// Should interoperate with paho under MQTT 3.1.1, where properties are simply not sent.
    @Test
    func mqtt311RoundTripWithPaho() async throws {
        let root = uniqueName("v311")
        let request = MQTTMessage(
            topic: "\(root)/request", text: "ping", qos: .atLeastOnce,
            properties: MQTTProperties(responseTopic: "ignored/under/311"))
        let (report, reply) = try await self.runResponder(version: .v311, request: request, replyTopic: "\(root)/reply")
        #expect(report.payload == "ping")
        #expect(report.responseTopic == nil)
        #expect(reply.text == #"{"ok":true}"#)
        #expect(reply.properties.isEmpty)
    }
}
