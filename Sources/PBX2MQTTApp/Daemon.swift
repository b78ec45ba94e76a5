import AMI
import AMISimulator
import Bridge
import CallCenter
import LocalMosquitto
import Logging
import MQTT
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The bridge daemon: wires configuration to the AMI client, the MQTT client and the bridge,
/// and runs them as one `ServiceGroup` until SIGTERM or SIGINT.
enum Daemon {
    /// Runs the daemon in `mode` with `configuration` until shutdown.
    static func run(configuration: AppConfiguration, mode: DaemonMode, logger: Logger, reload: ReloadContext)
        async throws
    {
        Self.unblockSignals()
        var configuration = configuration
        var demo: DemoEnvironment?
        if case .demo(let options) = mode {
            let environment = try await DemoEnvironment.start(
                options: options, configuration: configuration, logger: logger)
            environment.apply(to: &configuration)
            demo = environment
        }
        do {
            try await self.serve(configuration: configuration, demo: demo, logger: logger, reload: reload)
        } catch {
            try? await demo?.stop()
            throw error
        }
        try await demo?.stop()
    }

    private static func serve(
        configuration: AppConfiguration, demo: DemoEnvironment?, logger: Logger, reload: ReloadContext
    ) async throws {
        let bridge = try self.makeBridge(configuration: configuration, logger: logger)
        let reloader = ReloadService(bridge: bridge, configuration: configuration, context: reload, logger: logger) {
            next in
            demo?.apply(to: &next)
        }
        var services: [any Service] = [BridgeService(bridge: bridge), reloader]
        if let address = configuration.http.listen {
            let server = try await MetricsHTTPServer.bind(
                address: address,
                registry: PrometheusMetricsFactory.defaultRegistry,
                health: {
                    let health = try? await bridge.health().get()
                    return HealthStatus(
                        amiConnected: health?.amiConnected ?? false, brokerConnected: health?.mqttConnected ?? false)
                },
                web: configuration.http.web,
                prefix: configuration.mqtt.prefix,
                logger: logger
            )
            services.append(server)
        }
        if let demo {
            services.append(try DemoPrinter(configuration: configuration, demo: demo, logger: logger))
        }
        let environment = ProcessInfo.processInfo.environment
        if let notifier = SystemdNotifier(environment: environment) {
            // Last: graceful shutdown reaches services in reverse order, so STOPPING=1 goes first.
            services.append(
                SystemdNotifyService(
                    notifier: notifier, bridge: bridge,
                    watchdogInterval: SystemdNotifier.watchdogInterval(environment: environment), logger: logger))
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
        let bridgeConfiguration = try self.bridgeConfiguration(configuration)
        let ami = self.makeAMIClient(
            configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        let mqtt = try self.makeMQTTClient(configuration, layout: bridgeConfiguration.layout, logger: logger)
        return PBXBridge(configuration: bridgeConfiguration, ami: ami, mqtt: mqtt, logger: logger)
    }

    /// The AMI client, on `eventLoop` (the bridge keeps its state on the same loop).
    static func makeAMIClient(_ configuration: AppConfiguration, eventLoop: any EventLoop, logger: Logger) -> AMIClient
    {
        AMIClient(
            configuration: AMIConfiguration(
                host: configuration.ami.host,
                port: configuration.ami.port,
                username: configuration.ami.username,
                secret: configuration.ami.secret.value,
                authType: configuration.ami.authType == .md5 ? .md5 : .plain,
                eventMask: "call,agent",
                filters: self.eventFilters(configuration),
                keepaliveInterval: .seconds(Int64(max(configuration.ami.keepaliveSeconds, 0))),
                backoff: AMIConfiguration.Backoff(maximum: .seconds(Int64(configuration.ami.reconnectMaxSeconds))),
                maxPacketSize: configuration.ami.maxPacketSize,
                tls: configuration.ami.tls?.clientConfiguration
            ),
            eventLoopGroup: eventLoop,
            logger: logger
        )
    }

    /// The MQTT client, with `{p}/bridge/state` offline as its Last Will.
    static func makeMQTTClient(_ configuration: AppConfiguration, layout: TopicLayout, logger: Logger) throws
        -> MQTTClient
    {
        var offline = JSONWriter()
        offline.beginObject()
        offline.field("state", "offline")
        // Of an active/standby pair: whose Last Will it is, so the standby knows it is the
        // active one's.
        offline.field("instance", configuration.mqtt.standby ? configuration.mqtt.clientID : nil)
        offline.endObject()
        return try MQTTClient(
            configuration: MQTTConfiguration(
                host: configuration.mqtt.host,
                port: configuration.mqtt.port,
                clientID: configuration.mqtt.clientID,
                username: configuration.mqtt.username,
                password: configuration.mqtt.password?.value,
                // Any mqtt.tls key turns TLS on; without a CA file the system bundle verifies
                // the broker (libmosquitto needs a CA file or folder to verify at all).
                tls: configuration.mqtt.tls.map { tls in
                    MQTTTLSConfiguration(
                        caFile: tls.caFile ?? Self.systemCABundle, certFile: tls.certFile, keyFile: tls.keyFile)
                },
                protocolVersion: configuration.mqtt.protocolVersion == .v5 ? .v5 : .v311,
                will: MQTTMessage(topic: layout.bridgeState, payload: offline.bytes, qos: .atLeastOnce, retain: true),
                maxQueuedMessages: configuration.mqtt.maxQueued
            ),
            logger: logger
        )
    }

    /// The model's templates and scope.
    static func callCenterConfiguration(_ configuration: AppConfiguration) -> CallCenter.CallCenterConfiguration {
        CallCenter.CallCenterConfiguration(
            agentInterfaceTemplates: [configuration.model.agentInterface],
            stateInterfaceTemplates: [configuration.model.agentStateInterface],
            trackedQueues: Set(configuration.model.queues),
            trackedAgents: Set(configuration.model.agents),
            dndDeviceTemplate: configuration.model.dndDeviceState.isEmpty ? nil : configuration.model.dndDeviceState,
            astDBUserEvent: configuration.model.astDBUserEvent.isEmpty ? nil : configuration.model.astDBUserEvent
        )
    }

    /// The `Filter` regexes the AMI client sends after login (none when `ami.eventFilter` is
    /// off): they follow the agent templates, so a reload that changes those replaces the
    /// AMI connection.
    static func eventFilters(_ configuration: AppConfiguration) -> [String] {
        configuration.ami.eventFilter ? AMIEventFilter.regexes(for: self.callCenterConfiguration(configuration)) : []
    }

    /// Debian's bundle of the system's trusted CAs (package ca-certificates).
    static let systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

    /// The bridge's own settings: topics, QoS, model scope and command policy.
    static func bridgeConfiguration(_ configuration: AppConfiguration) throws -> BridgeConfiguration {
        BridgeConfiguration(
            layout: try TopicLayout(prefix: configuration.mqtt.prefix),
            stateQoS: MQTTQoS(rawValue: UInt8(configuration.mqtt.qos.state)) ?? .atLeastOnce,
            eventQoS: MQTTQoS(rawValue: UInt8(configuration.mqtt.qos.event)) ?? .atLeastOnce,
            replyQoS: MQTTQoS(rawValue: UInt8(configuration.mqtt.qos.reply)) ?? .atLeastOnce,
            callCenter: self.callCenterConfiguration(configuration),
            commands: CommandPolicy(
                allowDestinations: configuration.commands.allowDestinations,
                originateContext: configuration.commands.originateContext,
                allowRawChannels: configuration.commands.allowRawChannels,
                agentInterface: configuration.model.agentInterface,
                agentStateInterface: configuration.model.agentStateInterface,
                maxInFlight: configuration.commands.maxInFlight,
                timeoutSeconds: Double(configuration.commands.timeoutSeconds)
            ),
            amiHost: "\(configuration.ami.host):\(configuration.ami.port)",
            homeAssistantPrefix: configuration.homeAssistant.enabled
                ? configuration.homeAssistant.discoveryPrefix : nil,
            // The loader refused any entry that does not parse.
            wrapUp: configuration.model.wrapUp.compactMap { try? WrapUpRule.parse($0) },
            failoverInstance: configuration.mqtt.standby ? configuration.mqtt.clientID : nil
        )
    }

    /// A daemon must not inherit blocked termination signals (a parent may have blocked them
    /// for its own threads): SIGTERM, SIGINT and SIGHUP are what stop and reload it.
    private static func unblockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGTERM, SIGINT, SIGHUP] {
            sigaddset(&set, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
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
