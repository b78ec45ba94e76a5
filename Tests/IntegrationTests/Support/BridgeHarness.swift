import AMI
import AMISimulator
import Bridge
import Foundation
import InMemoryLogging
import LocalMosquitto
import Logging
import MQTT
import NIOCore
import NIOPosix

/// A whole pbx2mqtt chain for one test: the simulated Asterisk, a private mosquitto and an
/// in-process bridge between them, with the bridge's logs kept in memory.
final class BridgeHarness: Sendable {
    let simulator: AMISimulator
    let broker: MosquittoBroker
    let bridge: PBXBridge
    let logs: InMemoryLogHandler

    static let user = "bridge"
    static let secret = "bridgepw"

    private init(simulator: AMISimulator, broker: MosquittoBroker, bridge: PBXBridge, logs: InMemoryLogHandler) {
        self.simulator = simulator
        self.broker = broker
        self.bridge = bridge
        self.logs = logs
    }

    /// Starts simulator, broker and bridge; returns once the bridge is started (not yet synced).
    static func start(
        callCenter: CallCenterConfiguration = .fixture,
        brokerCredentials: (user: String, password: String)? = nil,
        bridgePassword: String? = nil,
        eventFilter: Bool = true,
        keepalive: TimeAmount = .seconds(10),
        broker existing: MosquittoBroker? = nil,
        maxQueued: Int = 100_000,
        homeAssistantPrefix: String? = nil,
        wrapUp: [WrapUpRule] = [],
        prefix: String = "pbx"
    ) async throws -> BridgeHarness {
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                users: [SimulatorUser(username: user, secret: secret)], callCenter: callCenter),
            host: "127.0.0.1",
            port: 0,
            logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let broker: MosquittoBroker
        if let existing {
            broker = existing
        } else {
            broker = try await MosquittoBroker.start(
                username: brokerCredentials?.user, password: brokerCredentials?.password)
        }
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "bridge", factory: { _ in logs })
        let bridge = try Self.makeBridge(
            amiPort: simulator.port, mqttPort: broker.port, mqttUser: brokerCredentials?.user,
            mqttPassword: bridgePassword ?? brokerCredentials?.password, eventFilter: eventFilter, keepalive: keepalive,
            maxQueued: maxQueued, homeAssistantPrefix: homeAssistantPrefix, wrapUp: wrapUp, prefix: prefix,
            logger: logger
        )
        try await bridge.start().get()
        return BridgeHarness(simulator: simulator, broker: broker, bridge: bridge, logs: logs)
    }

    static func makeBridge(
        amiPort: Int, mqttPort: Int, mqttUser: String? = nil, mqttPassword: String? = nil, eventFilter: Bool = true,
        keepalive: TimeAmount = .seconds(10), maxQueued: Int = 100_000, homeAssistantPrefix: String? = nil,
        wrapUp: [WrapUpRule] = [], prefix: String = "pbx", logger: Logger
    ) throws -> PBXBridge {
        try self.makeParts(
            amiPort: amiPort, mqttPort: mqttPort, mqttUser: mqttUser, mqttPassword: mqttPassword,
            eventFilter: eventFilter, keepalive: keepalive, maxQueued: maxQueued,
            homeAssistantPrefix: homeAssistantPrefix, wrapUp: wrapUp, prefix: prefix, logger: logger
        ).bridge
    }

    /// The bridge with the MQTT client it publishes through, for tests that watch the client's
    /// queue. `amiSecret` is the simulator user's (the daemon tests' simulator has another).
    static func makeParts(
        amiPort: Int, mqttPort: Int, mqttUser: String? = nil, mqttPassword: String? = nil, eventFilter: Bool = true,
        keepalive: TimeAmount = .seconds(10), keepaliveTimeout: TimeAmount = .seconds(2),
        actionTimeout: TimeAmount = .seconds(10), maxQueued: Int = 100_000, amiSecret: String = secret,
        homeAssistantPrefix: String? = nil, wrapUp: [WrapUpRule] = [], prefix: String = "pbx",
        protocolVersion: MQTTProtocolVersion = .v5, mqttHost: String = "127.0.0.1", logger: Logger
    ) throws -> (bridge: PBXBridge, mqtt: MQTTClient) {
        let layout = try TopicLayout(prefix: prefix)
        let configuration = BridgeConfiguration(
            layout: layout, amiHost: "127.0.0.1:\(amiPort)", homeAssistantPrefix: homeAssistantPrefix, wrapUp: wrapUp)
        let ami = AMIClient(
            configuration: AMIConfiguration(
                host: "127.0.0.1", port: amiPort, username: user, secret: amiSecret,
                filters: eventFilter ? AMIEventFilter.regexes(for: configuration.callCenter) : [],
                keepaliveInterval: keepalive,
                keepaliveTimeout: keepaliveTimeout,
                actionTimeout: actionTimeout,
                backoff: AMIConfiguration.Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        let mqtt = try MQTTClient(
            configuration: MQTTConfiguration(
                host: mqttHost, port: mqttPort, clientID: "bridge-\(UUID().uuidString.prefix(8))",
                username: mqttUser, password: mqttPassword, protocolVersion: protocolVersion,
                will: MQTTMessage(
                    topic: layout.bridgeState, text: #"{"state":"offline"}"#, qos: .atLeastOnce, retain: true),
                maxQueuedMessages: maxQueued,
                reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 1
            ),
            logger: logger
        )
        return (PBXBridge(configuration: configuration, ami: ami, mqtt: mqtt, logger: logger), mqtt)
    }

    /// Stops everything; safe to call once per test.
    func stop() async {
        _ = try? await self.bridge.shutdown().get()
        try? await self.simulator.shutdown()
        self.broker.stop()
    }

    /// True when some log entry's message contains `text`.
    func logged(_ text: String) -> Bool {
        self.logs.entries.contains { "\($0.message)".contains(text) }
    }
}
