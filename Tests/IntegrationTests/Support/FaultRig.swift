import AMISimulator
import Bridge
import Foundation
import InMemoryLogging
import LocalMosquitto
import Logging
import MQTT
import NIOCore
import Synchronization

/// The whole chain for one fault test, with parts that can fail: a simulated Asterisk that can
/// be shut down and replaced on the same port by one with other state, a private mosquitto
/// (optionally persistent) and an in-process bridge whose MQTT client's queue can be watched.
final class FaultRig: Sendable {
    let broker: MosquittoBroker
    let bridge: PBXBridge
    let mqtt: MQTTClient
    let logs: InMemoryLogHandler
    /// The AMI port every simulator of this rig listens on.
    let amiPort: Int
    private let current: Mutex<AMISimulator?>

    private init(
        simulator: AMISimulator, broker: MosquittoBroker, bridge: PBXBridge, mqtt: MQTTClient,
        logs: InMemoryLogHandler
    ) {
        self.broker = broker
        self.bridge = bridge
        self.mqtt = mqtt
        self.logs = logs
        self.amiPort = simulator.port
        self.current = Mutex(simulator)
    }

    /// Starts simulator, broker and bridge; returns once the bridge is ready (synced, broker
    /// connected). Keepalive and banner timeouts are short so that a silent Asterisk is found
    /// within a few seconds.
    static func start(
        callCenter: CallCenterConfiguration = .fixture, persistence: Bool = false,
        keepalive: TimeAmount = .seconds(1), maxQueued: Int = 100_000
    ) async throws -> FaultRig {
        let simulator = try await Self.simulator(callCenter: callCenter, port: 0)
        let broker = try await MosquittoBroker.start(persistence: persistence)
        let logs = InMemoryLogHandler()
        let (bridge, mqtt) = try BridgeHarness.makeParts(
            amiPort: simulator.port, mqttPort: broker.port, keepalive: keepalive, keepaliveTimeout: .seconds(2),
            actionTimeout: .seconds(3), maxQueued: maxQueued,
            logger: Logger(label: "bridge", factory: { _ in logs }))
        let ready = Atomic<Bool>(false)
        bridge.observeStatus { status in
            if status.isReady { ready.store(true, ordering: .relaxed) }
        }
        try await bridge.start().get()
        let rig = FaultRig(simulator: simulator, broker: broker, bridge: bridge, mqtt: mqtt, logs: logs)
        guard await FaultConvergence.poll({ ready.load(ordering: .relaxed) }) else {
            await rig.stop()
            throw FaultRigError.notReady
        }
        return rig
    }

    /// The simulator running now; a test that shut it down gets the last one.
    var simulator: AMISimulator {
        get throws {
            guard let simulator = self.current.withLock({ $0 }) else { throw FaultRigError.simulatorDown }
            return simulator
        }
    }

    /// Asterisk goes away: the simulator closes every connection and its listener.
    func shutDownSimulator() async {
        let simulator = self.current.withLock { current in
            defer { current = nil }
            return current
        }
        try? await simulator?.shutdown()
    }

    /// Asterisk comes back on the same port, booted from `callCenter` (a restart with other
    /// state: agents gone, queues changed, no calls). Shuts the running one down first.
    @discardableResult
    func startSimulator(callCenter: CallCenterConfiguration) async throws -> AMISimulator {
        await self.shutDownSimulator()
        let simulator = try await Self.simulator(callCenter: callCenter, port: self.amiPort)
        self.current.withLock { $0 = simulator }
        return simulator
    }

    /// A simulator with the bridge's user; on a fixed port it retries while the old socket
    /// is still being released.
    private static func simulator(callCenter: CallCenterConfiguration, port: Int) async throws -> AMISimulator {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                return try await AMISimulator.start(
                    configuration: SimulatorConfiguration(
                        users: [SimulatorUser(username: BridgeHarness.user, secret: BridgeHarness.secret)],
                        callCenter: callCenter),
                    host: "127.0.0.1", port: port,
                    logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }))
            } catch {
                lastError = error
                guard port != 0 else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError ?? FaultRigError.simulatorDown
    }

    /// A subscriber on the rig's broker, for ``FaultConvergence/view(of:)``.
    func recorder() throws -> TopicRecorder {
        try FaultConvergence.recorder(port: self.broker.port)
    }

    /// Stops everything; safe to call once per test.
    func stop() async {
        _ = try? await self.bridge.shutdown().get()
        await self.shutDownSimulator()
        self.broker.stop()
    }
}

enum FaultRigError: Error, CustomStringConvertible {
    case notReady
    case simulatorDown

    var description: String {
        switch self {
        case .notReady: "the bridge under test did not sync and reach its broker within 30 s"
        case .simulatorDown: "the test's simulator is shut down or could not be started again on its port"
        }
    }
}
