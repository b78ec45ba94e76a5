import AMI
import AMISimulator
import Bridge
import CallCenter
import Foundation
import LocalMosquitto
import Logging
import MQTT
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The bridge daemon: wires configuration to the AMI client, the MQTT client and the bridge,
/// and runs them as one `ServiceGroup` until SIGTERM or SIGINT.
enum Daemon {
    /// Runs the daemon in `mode` with `configuration` until shutdown.
    static func run(configuration: AppConfiguration, mode: DaemonMode, logger: Logger) async throws {
        var configuration = configuration
        var demo: DemoEnvironment?
        if case .demo(let options) = mode {
            let environment = try await DemoEnvironment.start(options: options, configuration: configuration, logger: logger)
            configuration.ami.port = environment.simulator.port
            if let broker = environment.broker {
                configuration.mqtt.host = broker.host
                configuration.mqtt.port = broker.port
            }
            demo = environment
        }
        do {
            try await self.serve(configuration: configuration, demo: demo, logger: logger)
        } catch {
            try? await demo?.stop()
            throw error
        }
        try await demo?.stop()
    }

    private static func serve(configuration: AppConfiguration, demo: DemoEnvironment?, logger: Logger) async throws {
        let bridge = try self.makeBridge(configuration: configuration, logger: logger)
        var services: [any Service] = [BridgeService(bridge: bridge)]
        if let address = configuration.http.listen {
            let server = try await MetricsHTTPServer.bind(
                address: address,
                registry: PrometheusMetricsFactory.defaultRegistry,
                health: {
                    let health = try? await bridge.health().get()
                    return HealthStatus(amiConnected: health?.amiConnected ?? false, brokerConnected: health?.mqttConnected ?? false)
                },
                logger: logger
            )
            services.append(server)
        }
        if let demo {
            services.append(try DemoPrinter(configuration: configuration, demo: demo, logger: logger))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Builds the three parts from the validated configuration.
    static func makeBridge(configuration: AppConfiguration, logger: Logger) throws -> PBXBridge {
        let layout = try TopicLayout(prefix: configuration.mqtt.prefix)
        let ami = AMIClient(
            configuration: AMIConfiguration(
                host: configuration.ami.host,
                port: configuration.ami.port,
                username: configuration.ami.username,
                secret: configuration.ami.secret.value,
                authType: configuration.ami.authType == .md5 ? .md5 : .plain,
                eventMask: "call,agent",
                filters: configuration.ami.eventFilter ? AMIEventFilter.regexes : [],
                keepaliveInterval: .seconds(Int64(max(configuration.ami.keepaliveSeconds, 1))),
                backoff: AMIConfiguration.Backoff(maximum: .seconds(Int64(configuration.ami.reconnectMaxSeconds))),
                maxPacketSize: configuration.ami.maxPacketSize
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        var offline = JSONWriter()
        offline.beginObject()
        offline.field("state", "offline")
        offline.endObject()
        let mqtt = try MQTTClient(
            configuration: MQTTConfiguration(
                host: configuration.mqtt.host,
                port: configuration.mqtt.port,
                clientID: configuration.mqtt.clientID,
                username: configuration.mqtt.username,
                password: configuration.mqtt.password?.value,
                tls: configuration.mqtt.tls.flatMap { tls in
                    tls.caFile.map { MQTTTLSConfiguration(caFile: $0, certFile: tls.certFile, keyFile: tls.keyFile) }
                },
                protocolVersion: configuration.mqtt.protocolVersion == .v5 ? .v5 : .v311,
                will: MQTTMessage(topic: layout.bridgeState, payload: offline.bytes, qos: .atLeastOnce, retain: true),
                maxQueuedMessages: configuration.mqtt.maxQueued
            ),
            logger: logger
        )
        let bridgeConfiguration = BridgeConfiguration(
            layout: layout,
            stateQoS: MQTTQoS(rawValue: UInt8(configuration.mqtt.qos.state)) ?? .atLeastOnce,
            eventQoS: MQTTQoS(rawValue: UInt8(configuration.mqtt.qos.event)) ?? .atLeastOnce,
            replyQoS: MQTTQoS(rawValue: UInt8(configuration.mqtt.qos.reply)) ?? .atLeastOnce,
            callCenter: CallCenterConfiguration(
                agentInterfaceTemplates: [configuration.model.agentInterface],
                stateInterfaceTemplates: [configuration.model.agentStateInterface],
                trackedQueues: Set(configuration.model.queues),
                trackedAgents: Set(configuration.model.agents)
            ),
            commands: CommandPolicy(
                allowDestinations: configuration.commands.allowDestinations,
                originateContext: configuration.commands.originateContext,
                allowRawChannels: configuration.commands.allowRawChannels,
                agentInterface: configuration.model.agentInterface,
                agentStateInterface: configuration.model.agentStateInterface,
                maxInFlight: configuration.commands.maxInFlight,
                timeoutSeconds: Double(configuration.commands.timeoutSeconds)
            ),
            amiHost: "\(configuration.ami.host):\(configuration.ami.port)"
        )
        return PBXBridge(configuration: bridgeConfiguration, ami: ami, mqtt: mqtt, logger: logger)
    }
}

/// Runs the bridge as a ServiceLifecycle service: starts it, waits for graceful shutdown,
/// then publishes offline and disconnects both sides.
struct BridgeService: Service {
    let bridge: PBXBridge

    func run() async throws {
        try await self.bridge.start().get()
        try? await gracefulShutdown()
        try await self.bridge.shutdown().get()
    }
}
