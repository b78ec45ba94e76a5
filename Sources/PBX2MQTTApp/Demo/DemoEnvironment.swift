import AMISimulator
import LocalMosquitto
import Logging
import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `pbx2mqtt demo` runs beside the bridge: the simulated call center and, unless
/// `--broker` names one, a private mosquitto.
struct DemoEnvironment: Sendable {
    let simulator: AMISimulator
    let broker: MosquittoBroker?
    let options: DemoOptions

    static func start(options: DemoOptions, configuration: AppConfiguration, logger: Logger) async throws
        -> DemoEnvironment
    {
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                users: [SimulatorUser(username: configuration.ami.username, secret: configuration.ami.secret.value)],
                callCenter: .generated(agents: options.agents, queues: options.queues),
                clock: .realTime(scale: 1)
            ),
            host: "127.0.0.1",
            port: 0,
            logger: Logger(label: "ami-sim", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        await simulator.startTraffic(
            TrafficConfiguration(callsPerSecond: options.callsPerSecond, seed: UInt64(Date().timeIntervalSince1970)))
        var broker: MosquittoBroker?
        if case .local(let port) = options.broker {
            do {
                broker = try await MosquittoBroker.start(port: port)
            } catch {
                try? await simulator.shutdown()
                throw error
            }
        }
        logger.info(
            "demo started",
            metadata: [
                DaemonLogKey.amiPort: "\(simulator.port)",
                DaemonLogKey.mqttPort: "\(broker.map { "\($0.port)" } ?? "external")",
            ]
        )
        return DemoEnvironment(simulator: simulator, broker: broker, options: options)
    }

    /// Points a (re)loaded configuration at the demo's own simulator and broker.
    func apply(to configuration: inout AppConfiguration) {
        configuration.ami.host = "127.0.0.1"
        configuration.ami.port = self.simulator.port
        if let broker = self.broker {
            configuration.mqtt.host = broker.host
            configuration.mqtt.port = broker.port
        }
    }

    func stop() async throws {
        self.broker?.stop()
        try await self.simulator.shutdown()
    }
}
