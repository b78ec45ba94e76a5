import Foundation
import PBXTestSupport
import Testing

@testable import MQTT

/// Validation, misuse and pure helpers: no broker needed.
@Suite
struct MQTTClientAPITests {
    private func configuration(_ change: (inout MQTTConfiguration) -> Void) -> MQTTConfiguration {
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: 1883, clientID: "api-test")
        change(&configuration)
        return configuration
    }

    private static func invalid(_ field: String, _ change: (inout MQTTConfiguration) -> Void) -> (
        String, MQTTConfiguration
    ) {
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: 1883, clientID: "api-test")
        change(&configuration)
        return (field, configuration)
    }

    static let invalidConfigurations: [(String, MQTTConfiguration)] = [
        invalid("host") { $0.host = "" },
        invalid("port") { $0.port = 0 },
        invalid("port") { $0.port = 70_000 },
        invalid("clientID") { $0.clientID = "" },
        invalid("keepAliveSeconds") { $0.keepAliveSeconds = 1 },
        invalid("maxQueuedMessages") { $0.maxQueuedMessages = 0 },
        invalid("reconnectDelayMinSeconds") { $0.reconnectDelayMaxSeconds = 0 },
        invalid("reconnect") { $0.reconnect.factor = 0.5 },
        invalid("reconnect") { $0.reconnect.initial = .zero },
        invalid("password") { $0.password = "x" },
    ]

    /// Should refuse out-of-range configuration values, naming the field.
    @Test(arguments: Self.invalidConfigurations)
    func rejectsInvalidConfiguration(field: String, configuration: MQTTConfiguration) {
        do {
            _ = try MQTTClient(configuration: configuration, logger: quietLogger)
            Issue.record("accepted an invalid \(field)")
        } catch {
            guard case .invalidConfiguration(let reported, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(reported == field)
            #expect(error.description.contains(field))
        }
    }

    /// Should never put the password in the configuration's description.
    @Test
    func descriptionRedactsThePassword() {
        let configuration = self.configuration {
            $0.username = "bridge"
            $0.password = "hunter2"
        }
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("<redacted>"))
    }

    /// Should refuse a second start and any use after stop, and make stop idempotent.
    @Test
    func lifecycleMisuseIsAnError() throws {
        let port = try MosquittoBroker.freePort()
        let client = try MQTTClient(
            configuration: self.configuration { $0.port = port }, logger: quietLogger)
        try client.start(onEvent: { _ in })
        #expect(throws: MQTTError.self) { try client.start(onEvent: { _ in }) }
        client.stop()
        client.stop()
        #expect(throws: MQTTError.self) { try client.publish(MQTTMessage(topic: "a", text: "b")) }
        #expect(throws: MQTTError.self) { try client.subscribe("a", qos: .atMostOnce) }
    }

    /// Should refuse wildcards in a publish topic and malformed filters, with a hint.
    @Test
    func invalidTopicsAreRefused() throws {
        let client = try MQTTClient(configuration: self.configuration { _ in }, logger: quietLogger)
        do {
            try client.publish(MQTTMessage(topic: "pbx/+/x", text: "b"))
            Issue.record("published to a wildcard topic")
        } catch {
            guard case .mosquitto(_, let code, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(code == 3)  // MOSQ_ERR_INVAL
            #expect(error.description.contains("wildcards"))
        }
        #expect(throws: MQTTError.self) { try client.subscribe("pbx/#/x", qos: .atLeastOnce) }
        #expect(client.queuedMessageCount == 0)
    }

    /// Should copy every supported MQTT 5 property through libmosquitto's property list intact.
    @Test
    func propertiesRoundTripThroughMosquittoList() throws {
        let properties = MQTTProperties(
            responseTopic: "reply/here",
            correlationData: [0, 1, 2, 255],
            contentType: "application/json",
            messageExpiryInterval: 42,
            userProperties: [MQTTUserProperty(name: "a", value: "1"), MQTTUserProperty(name: "a", value: "2")])
        var list = try properties.makeMosquittoList()
        defer { mosquittoFreeProperties(&list) }
        #expect(list != nil)
        #expect(MQTTProperties(mosquittoList: list) == properties)
        #expect(try MQTTProperties().makeMosquittoList() == nil)
        #expect(MQTTProperties(mosquittoList: nil).isEmpty)
    }

    /// Should back off min, 2×min, 4×min … up to max between refused attempts.
    @Test
    func refusalBackoffGrowsToItsCap() {
        let delays = (1...7).map { MQTTClient.refusalBackoff(attempt: $0, minSeconds: 1, maxSeconds: 30) }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30])
        #expect(MQTTClient.refusalBackoff(attempt: 1_000, minSeconds: 2, maxSeconds: 5) == 5)
    }

    /// Should count acknowledgements per message id, including one that beats `publish` back.
    @Test
    func stateCountsPendingPublications() {
        var state = MQTTClientState()
        state.accepted(mid: 1, qos: .atLeastOnce)
        state.accepted(mid: 2, qos: .atMostOnce)
        #expect(state.queuedCount == 2)
        let known = state.completed(mid: 1)
        #expect(known)
        let early = state.completed(mid: 3)  // acknowledged before `publish` returned
        #expect(!early)
        state.accepted(mid: 3, qos: .atLeastOnce)
        #expect(state.queuedCount == 1)
        let lost = state.connectionLost()  // the QoS 0 one is gone with the socket
        #expect(lost == 1)
        #expect(state.queuedCount == 0)
        #expect(state.droppedCount == 1)
    }
}
