import Bridge
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Keeps systemd informed (`Type=notify`, `WatchdogSec=`): `READY=1` once the first AMI state
/// sync is complete and the broker connected, a `STATUS=` line on every change, `WATCHDOG=1`
/// at half the watchdog interval, and `STOPPING=1` when shutdown begins.
///
/// The pings are scheduled on the bridge's own event loop, where every input is handled: a
/// wedged loop stops them and systemd restarts the daemon. Listed last among the services, so
/// it is the first to hear of a graceful shutdown.
struct SystemdNotifyService: Service {
    let notifier: SystemdNotifier
    let bridge: PBXBridge
    let watchdogInterval: TimeAmount?
    let logger: Logger

    /// What was sent so far.
    private struct Progress {
        var ready = false
        var stopping = false
    }

    func run() async throws {
        let progress = NIOLockedValueBox(Progress())
        let notifier = self.notifier
        let logger = self.logger
        self.bridge.observeStatus { status in
            let sendReady = progress.withLockedValue { progress in
                guard status.isReady, !progress.ready, !progress.stopping else { return false }
                progress.ready = true
                return true
            }
            let message = (sendReady ? "READY=1\n" : "") + "STATUS=\(status.summary)"
            if !notifier.send(message) {
                logger.debug(
                    "systemd notification not sent", metadata: [DaemonLogKey.notifySocket: "\(notifier.socketPath)"])
            }
            if sendReady {
                logger.info("ready: first AMI state sync complete and MQTT connected; told systemd")
            }
        }
        let watchdog = self.watchdogInterval.map { interval in
            self.bridge.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in
                notifier.send("WATCHDOG=1")
            }
        }
        logger.debug(
            "notifying systemd",
            metadata: [
                DaemonLogKey.notifySocket: "\(notifier.socketPath)",
                DaemonLogKey.watchdogMilliseconds: "\(self.watchdogInterval.map { $0.nanoseconds / 1_000_000 } ?? 0)",
            ])
        try? await gracefulShutdown()
        progress.withLockedValue { $0.stopping = true }
        notifier.send("STOPPING=1\nSTATUS=stopping: publishing offline, logging off from Asterisk")
        watchdog?.cancel()
    }
}
