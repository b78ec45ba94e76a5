import AMI
import Bridge
import Logging
import MQTT
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration on SIGHUP and applies what changed, without a restart.
///
/// The log level, command policy, model scope and agent templates apply live; only the side
/// whose connection settings changed reconnects (a new prefix counts as an MQTT change, as
/// the Last Will topic is fixed at connect). An invalid file is rejected as a whole: the
/// daemon logs every problem and keeps running on the previous configuration.
final class ReloadService: Service, Sendable {
    private let bridge: PBXBridge
    private let context: ReloadContext
    private let logger: Logger
    private let current: NIOLockedValueBox<AppConfiguration>
    /// Applied to every reloaded configuration (the demo points AMI and MQTT at its own servers).
    private let overrides: @Sendable (inout AppConfiguration) -> Void

    init(
        bridge: PBXBridge, configuration: AppConfiguration, context: ReloadContext, logger: Logger,
        overrides: @escaping @Sendable (inout AppConfiguration) -> Void
    ) {
        self.bridge = bridge
        self.context = context
        self.logger = logger
        self.current = NIOLockedValueBox(configuration)
        self.overrides = overrides
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            await self.reload()
        }
    }

    /// Loads and applies the configuration once.
    func reload() async {
        var next: AppConfiguration
        do {
            next = try await ConfigurationLoader.load(self.context.sources)
        } catch {
            self.logger.error(
                "configuration reload rejected; still running on the previous configuration",
                metadata: [DaemonLogKey.configErrors: "\(error.errors.map(\.description).joined(separator: "; "))"]
            )
            return
        }
        self.overrides(&next)
        let previous = self.current.withLockedValue { $0 }
        guard next != previous else {
            self.logger.info("configuration reloaded; nothing changed")
            return
        }
        self.context.redaction.update(secrets: Redaction.secrets(of: next))
        CommandSupport.logWarnings(next, logger: self.logger)
        self.context.levels.level = next.log.level
        do {
            let bridgeConfiguration = try Daemon.bridgeConfiguration(next)
            let amiChanged = next.ami != previous.ami || Daemon.eventFilters(next) != Daemon.eventFilters(previous)
            let mqttChanged = next.mqtt != previous.mqtt
            let ami =
                amiChanged ? Daemon.makeAMIClient(next, eventLoop: self.bridge.eventLoop, logger: self.logger) : nil
            let mqtt =
                mqttChanged
                ? try Daemon.makeMQTTClient(next, layout: bridgeConfiguration.layout, logger: self.logger) : nil
            try await self.bridge.reconfigure(bridgeConfiguration, ami: ami, mqtt: mqtt).get()
            self.current.withLockedValue { $0 = next }
            self.logger.info(
                "configuration reloaded",
                metadata: [
                    DaemonLogKey.reloadAMIReconnect: "\(amiChanged)",
                    DaemonLogKey.reloadMQTTReconnect: "\(mqttChanged)",
                    DaemonLogKey.reloadLogLevel: "\(next.log.level)",
                ]
            )
        } catch {
            self.logger.error(
                "configuration reload failed; still running on the previous configuration",
                metadata: [DaemonLogKey.error: "\(error)"])
        }
    }
}
