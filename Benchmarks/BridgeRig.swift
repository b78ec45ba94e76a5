import AMI
import AMISimulator
import Bridge
import CallCenter
import Logging
import MQTT
import NIOCore
import NIOPosix
import Synchronization

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

    /// - Parameters:
    ///   - maxQueued: the MQTT client's queue bound; the daemon's default (`mqtt.maxQueued`) unless
    ///     a scenario measures something else.
    ///   - logger: where the bridge and its clients log (default: warnings and worse, to standard error).
    init(
        amiPort: Int, brokerPort: Int, prefix: String, stateQoS: MQTTQoS = .atLeastOnce,
        eventQoS: MQTTQoS = .atLeastOnce,
        eventFilter: Bool = true, maxQueued: Int = 10_000, logger: Logger = BridgeRig.logger
    ) throws {
        let layout = try TopicLayout(prefix: prefix)
        let ami = AMIClient(
            configuration: AMIConfiguration(
                host: "127.0.0.1", port: amiPort, username: SimulatorUser.bridge.username,
                secret: SimulatorUser.bridge.secret, authType: .md5, eventMask: "call,agent",
                filters: eventFilter ? AMIEventFilter.regexes(for: CallCenterConfiguration()) : []
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        self.mqtt = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: brokerPort, clientID: "bench-bridge-\(prefix)", protocolVersion: .v5,
                maxQueuedMessages: maxQueued),
            logger: logger
        )
        var configuration = BridgeConfiguration(
            layout: layout, stateQoS: stateQoS, eventQoS: eventQoS, amiHost: "127.0.0.1:\(amiPort)")
        if let window = BenchTuning.stateWindow {
            configuration.stateWindow = window
        }
        self.bridge = PBXBridge(configuration: configuration, ami: ami, mqtt: self.mqtt, logger: logger)
    }

    func start() async throws {
        try await self.bridge.start().get()
    }

    /// Waits until both sides are connected, the initial sync is done and its retained
    /// topics have all been acknowledged by the broker, so nothing of the sync is measured.
    func ready(timeout: Double = 30) async throws {
        try await waitUntil("the bridge to connect and sync", timeout: timeout, interval: .milliseconds(10)) {
            guard let health = try? await self.bridge.health().get() else { return false }
            return health.amiConnected && health.mqttConnected && !health.syncing && health.waitingState == 0
                && self.mqtt.queuedMessageCount == 0
        }
    }

    func stop() async {
        try? await self.bridge.shutdown(grace: .milliseconds(100)).get()
    }
}

/// Settings of the bridge a run may change from the command line, to measure a choice.
enum BenchTuning {
    private static let window = Atomic<Int>(0)

    /// `BridgeConfiguration.stateWindow` for every rig; nil: the bridge's default.
    static var stateWindow: Int? {
        get {
            let value = Self.window.load(ordering: .relaxed)
            return value > 0 ? value : nil
        }
        set { Self.window.store(newValue ?? 0, ordering: .relaxed) }
    }
}
