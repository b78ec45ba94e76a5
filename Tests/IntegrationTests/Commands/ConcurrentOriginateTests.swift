import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// Many callers at once: every reply must reach the caller that asked, for the call it asked.
@Suite(.serialized) struct ConcurrentOriginateTests {
    /// Should place 100 originates published at once by four MQTT clients (25 each, each on its own
    /// response topic) and answer each with its own correlation data, its own Originate's ActionID
    /// and the channel of its own `from` agent.
    @Test func hundredConcurrentOriginates() async throws {
        try await CommandHarness.run { harness in
            let clients = 4
            let perClient = 25
            var callers: [TestMQTTClient] = []
            for client in 0..<clients {
                callers.append(
                    try await TestMQTTClient.connect(broker: harness.broker, subscriptions: ["test/caller-\(client)"]))
            }
            defer { for caller in callers { caller.stop() } }
            var requests: [(client: Int, topic: String, token: String, from: String)] = []
            for index in 0..<perClient {
                for client in 0..<clients {
                    let n = client * perClient + index
                    requests.append(
                        (client: client, topic: "test/caller-\(client)", token: "req-\(n)", from: String(100 + n)))
                }
            }
            for request in requests {
                callers[request.client].publish(
                    "pbx/cmd/originate",
                    json: #"{"id":"\#(request.token)","from":"\#(request.from)","to":"100","timeoutSeconds":30}"#,
                    properties: MQTTProperties(responseTopic: request.topic, correlationData: Array(request.token.utf8))
                )
            }
            try await AtMostOnceTests.waitUntil(timeout: 30) {
                callers.map {
                    $0.messages.filter {
                        $0.topic.hasPrefix("test/caller-") && $0.json?["status"] as? String != "accepted"
                    }.count
                }.reduce(0, +) >= requests.count
            }
            let originates = await harness.commandActions().filter { $0.name == "Originate" }
            #expect(originates.count == requests.count)
            var actionOfAgent: [String: String] = [:]
            for action in originates {
                if let channel = action.message["Channel"], let id = action.message.actionID {
                    actionOfAgent[channel] = id
                }
            }
            #expect(Set(actionOfAgent.values).count == requests.count)
            for request in requests {
                let replies = callers[request.client].messages(on: request.topic).filter {
                    $0.message.properties.correlationData == Array(request.token.utf8)
                }
                let statuses = replies.compactMap { $0.json?["status"] as? String }
                #expect(statuses == ["accepted", "ok"], "\(request.token): \(statuses)")
                let expectedAction = actionOfAgent["Local/\(request.from)@agents/n"]
                for reply in replies {
                    #expect(string(reply.json, "id") == request.token)
                    #expect(string(reply.json, "actionId") == expectedAction, "\(request.token)")
                }
                #expect(
                    string(replies.last?.json, "data", "channel")?.hasPrefix("Local/\(request.from)@agents-") == true,
                    "\(request.token)")
            }
            // No reply strayed to another caller's topic.
            for client in 0..<clients {
                let mine = Set(requests.filter { $0.topic == "test/caller-\(client)" }.map(\.token))
                let received = callers[client].messages.filter { !$0.topic.hasPrefix("test/probe/") }
                #expect(received.count == 2 * perClient)
                #expect(
                    received.allSatisfy {
                        $0.topic == "test/caller-\(client)" && mine.contains(string($0.json, "id") ?? "")
                    })
            }
        }
    }
}
