import AMI
import AMISimulator
import Bridge
import Foundation
import LocalMosquitto
import NIOCore
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A site mosquitto next to each Asterisk and its bridge, each bridged with mosquitto's own
/// `connection` bridge (deploy/bridged/site-bridge.conf, as shipped) to one central broker.
@Suite(.serialized) struct BridgedTopologyTests {
    /// The shipped site bridge section for `site`, pointed at the central broker.
    static func siteBridge(site: String, centralPort: Int) throws -> [String] {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("deploy/bridged/site-bridge.conf"),
            encoding: .utf8)
        return text.split(separator: "\n").map { String($0) }
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map {
                $0.replacingOccurrences(of: "SITE", with: site)
                    .replacingOccurrences(of: "CENTRAL_HOST:CENTRAL_PORT", with: "127.0.0.1:\(centralPort)")
            }
    }

    /// Should give a central subscriber both sites' retained state, carry a centrally published
    /// command to the right site only and its reply back, and tell central clients when a
    /// site's broker is gone.
    @Test func twoSitesBridgedToACentralBroker() async throws {
        let central = try await MosquittoBroker.start()
        defer { central.stop() }
        var sites: [String: (broker: MosquittoBroker, harness: BridgeHarness)] = [:]
        for site in ["site-a", "site-b"] {
            let broker = try await MosquittoBroker.start(
                extraConfig: try Self.siteBridge(site: site, centralPort: central.port))
            let harness = try await BridgeHarness.start(broker: broker, prefix: "pbx/\(site)")
            sites[site] = (broker, harness)
        }
        let siteA = try #require(sites["site-a"])
        let siteB = try #require(sites["site-b"])
        defer {
            siteA.broker.stop()
            siteB.broker.stop()
        }
        // Until both sites' state is on the central broker (a late subscriber would get it
        // retained), then a new central subscriber gets all of it from the central store.
        let early = try TopicRecorder(port: central.port, filter: "pbx/#")
        let expected = SitePrefixTests.fixtureTopics("pbx/site-a").union(SitePrefixTests.fixtureTopics("pbx/site-b"))
        let arrived = await early.wait(timeout: 30) { state in expected.isSubset(of: Set(state.keys)) }
        early.stop()
        #expect(arrived, "central: \(early.state.keys.sorted())")
        let recorder = try TopicRecorder(port: central.port, filter: "pbx/#")
        defer { recorder.stop() }
        let retained = await recorder.wait(timeout: 10) { state in expected.isSubset(of: Set(state.keys)) }
        #expect(retained, "central, on subscribe: \(recorder.state.keys.sorted())")
        let replayed = expected.allSatisfy { recorder.messages(on: $0).first?.retained == true }
        #expect(replayed)
        #expect(recorder.json("pbx/site-b/agent/149/name")?["name"] as? String == "Bob")
        #expect(recorder.json("pbx/site-a/bridge/state")?["state"] as? String == "online")

        // A command published centrally reaches site A's Asterisk only; the reply comes back.
        let client = try await TestMQTTClient.connect(
            broker: central, subscriptions: ["pbx/+/reply/#", "$SYS/broker/connection/#"])
        defer { client.stop() }
        await siteA.harness.simulator.clearReceivedActions()
        await siteB.harness.simulator.clearReceivedActions()
        var reply: ReceivedMessage?
        // The link's subscription to central commands may still be on its way: resend (same id,
        // so at most once) until the reply comes.
        for _ in 0..<20 where reply == nil {
            client.publish(
                "pbx/site-a/cmd/queue/pause",
                json: #"{"id":"central-1","agent":"149","queue":"q2","replyTo":"pbx/site-a/reply/central-1"}"#)
            reply = try? await client.waitForMessage(timeout: 1) { $0.topic == "pbx/site-a/reply/central-1" }
        }
        let answer = try #require(reply, "no reply from site a through the central broker")
        #expect(answer.json?["status"] as? String == "ok", "\(answer.text)")
        let pausesA = await siteA.harness.simulator.receivedActions().filter { $0.name == "QueuePause" }
        let pausesB = await siteB.harness.simulator.receivedActions().filter { $0.name == "QueuePause" }
        #expect(pausesA.count == 1)
        #expect(pausesB.isEmpty)
        let paused = await recorder.wait(timeout: 10) {
            $0["pbx/site-a/agent/149/queueMemberStatus/q2"]?.contains(#""paused":true"#) == true
        }
        #expect(paused)

        // Site A's broker dies: the central broker says so on the link's notification topic.
        let up = try await client.waitForMessage { $0.topic == "$SYS/broker/connection/site-a/state" && $0.text == "1" }
        #expect(up.text == "1")
        let killed = ContinuousClock.now
        siteA.broker.kill9()
        let down = try await client.waitForMessage(timeout: 60) {
            $0.topic == "$SYS/broker/connection/site-a/state" && $0.text == "0"
        }
        #expect(down.text == "0")
        print("bridged topology: central saw site-a's link down \(ContinuousClock.now - killed) after kill -9")
        // Site B's state stays live and untouched.
        #expect(recorder.json("pbx/site-b/bridge/state")?["state"] as? String == "online")

        _ = try? await siteA.harness.bridge.shutdown().get()
        try? await siteA.harness.simulator.shutdown()
        _ = try? await siteB.harness.bridge.shutdown().get()
        try? await siteB.harness.simulator.shutdown()
    }
}
