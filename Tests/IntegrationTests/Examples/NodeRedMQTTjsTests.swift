import Foundation
import LocalMosquitto
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// examples/node-red/mqttjs-check.js — the example flows' subscriptions and publishes done with
/// MQTT.js (Debian node-mqtt, /usr/bin/node) — against `pbx2mqtt demo`.
@Suite struct NodeRedMQTTjsTests {
    static let script = Fixtures.repositoryRoot.appendingPathComponent("examples/node-red/mqttjs-check.js").path

    /// Should get, through MQTT.js, a ringing agent, a queue count and the click-to-call
    /// originate's replies (accepted, then the outcome) correlated by MQTT 5 Correlation Data.
    @Test func flowsWorkAgainstTheDemo() async throws {
        let demo = try RunningCommand(
            DaemonProcess.executable, ["demo", "--agents", "4", "--queues", "2", "--cps", "4"])
        defer { demo.terminate() }
        #expect(await demo.waitForOutput(containing: "agent/2001/extensionStatus", timeout: 15))
        let port = try #require(DemoProcessTests.brokerPort(in: demo.stdout))
        let check = try RunningCommand(
            "/usr/bin/node", [Self.script, "mqtt://127.0.0.1:\(port)"], environment: ["NODE_PATH": "/usr/share/nodejs"])
        let result = await check.waitForExit(timeout: 45)
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        let id = try #require(summary["id"] as? String)
        let replies = try #require(summary["replies"] as? [[String: Any]])
        #expect(replies.first?["status"] as? String == "accepted")
        #expect(["ok", "failed"].contains(replies.last?["status"] as? String ?? ""), "\(replies)")
        #expect(replies.allSatisfy { $0["correlation"] as? String == id && $0["id"] as? String == id })
        #expect(replies.allSatisfy { $0["command"] as? String == "originate" })
        let received = try #require(summary["received"] as? [String: [String: Any]])
        #expect(received.count == 3)
        #expect(received["pbx/agent/+/agentCalled"]?["number"] is String)
        #expect(received["pbx/queue/+/count"]?["count"] is Int)
        demo.send(signal: SIGTERM)
        #expect(await demo.waitForExit(timeout: 10).exitCode == 0)
    }
}
