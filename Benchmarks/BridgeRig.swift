import AMI
import AMISimulator
import Bridge
import CallCenter
import Logging
import MQTT
import NIOCore
import NIOPosix

/// A `PBXBridge` built in this process as `Daemon.makeBridge` builds it (MD5 login,
/// `Events: call,agent`, the Asterisk-side filter, MQTT 5), pointed at the bench's simulator
/// and broker.
struct BridgeRig: Sendable {
    let bridge: PBXBridge
    let mqtt: MQTTClient

    static let logger: Logger = {
        var logger = Logger(label: "bench.bridge")
        logger.logLevel = .warning
        return logger
    }()

    init(
        amiPort: Int, brokerPort: Int, prefix: String, stateQoS: MQTTQoS = .atLeastOnce,
        eventQoS: MQTTQoS = .atLeastOnce,
        eventFilter: Bool = true, maxQueued: Int = 100_000
    ) throws {
        let layout = try TopicLayout(prefix: prefix)
        let ami = AMIClient(
            configuration: AMIConfiguration(
                host: "127.0.0.1", port: amiPort, username: SimulatorUser.bridge.username,
                secret: SimulatorUser.bridge.secret, authType: .md5, eventMask: "call,agent",
                filters: eventFilter ? AMIEventFilter.regexes(for: CallCenterConfiguration()) : []
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: Self.logger
        )
        self.mqtt = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: brokerPort, clientID: "bench-bridge-\(prefix)", protocolVersion: .v5,
                maxQueuedMessages: maxQueued),
            logger: Self.logger
        )
        self.bridge = PBXBridge(
            configuration: BridgeConfiguration(
                layout: layout, stateQoS: stateQoS, eventQoS: eventQoS, amiHost: "127.0.0.1:\(amiPort)"),
            ami: ami, mqtt: self.mqtt, logger: Self.logger
        )
    }

    func start() async throws {
        try await self.bridge.start().get()
    }

    /// Waits until both sides are connected, the initial sync is done and its retained
    /// topics have all been acknowledged by the broker, so nothing of the sync is measured.
    func ready(timeout: Double = 30) async throws {
        try await waitUntil("the bridge to connect and sync", timeout: timeout, interval: .milliseconds(10)) {
            guard let health = try? await self.bridge.health().get() else { return false }
            return health.amiConnected && health.mqttConnected && !health.syncing && self.mqtt.queuedMessageCount == 0
        }
    }

    func stop() async {
        try? await self.bridge.shutdown(grace: .milliseconds(100)).get()
    }
}
