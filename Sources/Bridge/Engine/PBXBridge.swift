import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The bridge: keeps the call-center model in step with Asterisk and mirrors it to MQTT.
///
/// A thin shell around `BridgeStateMachine`: it turns what the two clients report into the
/// machine's inputs, stamped with the time, and carries out the actions the machine returns.
/// Every decision lives in the machine; this type only does I/O.
///
/// Ownership is enforced by the types: all mutable state sits in a `NIOLoopBoundBox` of the
/// AMI client's event loop, which checks on every access that it runs there. AMI callbacks
/// arrive on that loop; libmosquitto's arrive on its network thread and hop onto it.
public final class PBXBridge: Sendable {
    public static let version = "0.1.0"

    public let eventLoop: any EventLoop
    let logger: Logger
    let clock: @Sendable () -> CallCenterTime
    let shell: NIOLoopBoundBox<BridgeShell>

    /// - Parameters:
    ///   - ami: a client not yet started; the bridge starts it and keeps its state on its loop.
    ///   - mqtt: a client not yet started.
    ///   - clock: stamps each input (the machine and the model never read a clock).
    public init(
        configuration: BridgeConfiguration,
        ami: AMIClient,
        mqtt: MQTTClient,
        logger: Logger,
        clock: @escaping @Sendable () -> CallCenterTime = CallCenterTime.now
    ) {
        self.eventLoop = ami.eventLoop
        self.logger = logger
        self.clock = clock
        let machine = BridgeStateMachine(
            configuration: configuration,
            mqttQueueLimit: mqtt.configuration.maxQueuedMessages,
            at: BridgeInstant(wall: clock(), uptime: .now())
        )
        self.shell = NIOLoopBoundBox.makeBoxSendingValue(
            BridgeShell(machine: machine, ami: ami, mqtt: mqtt), eventLoop: ami.eventLoop)
    }

    // MARK: Public API

    /// Connects both sides. Returns once started; the connections then live until `shutdown`.
    public func start() -> EventLoopFuture<Void> {
        self.eventLoop.submit {
            self.feed { $0.start(at: $1) }
        }
    }

    /// Applies a reloaded configuration without a restart.
    ///
    /// Command policy and QoS apply at once. A changed model scope or agent templates rebuild
    /// the model from a fresh AMI sync. A new AMI client (connection settings changed)
    /// replaces the old one, which logs off. A new MQTT client (broker settings or prefix
    /// changed) replaces the old one once its queue reached the broker; with a new prefix the
    /// old retained topics are cleared first, so nothing stale stays behind.
    /// - Parameters:
    ///   - ami: a new, unstarted client on this bridge's `eventLoop`, or nil to keep the current one.
    ///   - mqtt: a new, unstarted client, or nil to keep the current one.
    public func reconfigure(_ configuration: BridgeConfiguration, ami: AMIClient? = nil, mqtt: MQTTClient? = nil)
        -> EventLoopFuture<Void>
    {
        self.eventLoop.flatSubmit {
            let shell = self.shell.value
            let promise = self.eventLoop.makePromise(of: Void.self)
            shell.reloads.append(promise)
            shell.nextAMI = ami
            shell.nextMQTT = mqtt
            let limit = mqtt?.configuration.maxQueuedMessages ?? shell.machine.mqttQueueLimit
            self.feed {
                $0.reload(configuration, newAMI: ami != nil, newMQTT: mqtt != nil, mqttQueueLimit: limit, at: $1)
            }
            return promise.futureResult
        }
    }

    /// Publishes `offline`, lets in-flight commands end (up to `grace`), logs off from
    /// Asterisk and disconnects from the broker.
    public func shutdown(grace: TimeAmount = .seconds(3)) -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            let shell = self.shell.value
            if shell.machine.lifecycle == .stopped {
                return self.eventLoop.makeSucceededVoidFuture()
            }
            let promise = self.eventLoop.makePromise(of: Void.self)
            shell.shutdowns.append(promise)
            self.feed { $0.shutdown(grace: grace, at: $1) }
            return promise.futureResult
        }
    }

    /// Calls `observer` on the bridge's `eventLoop` with the current status, then after every
    /// input that changes it (a connection coming or going, a sync ending, the model's counts).
    ///
    /// The hook a supervisor needs: systemd's `READY=1` once `isReady` first holds, `STATUS=`
    /// lines on changes. It runs on the loop, between inputs: keep it short and non-blocking.
    public func observeStatus(_ observer: @escaping @Sendable (BridgeStatus) -> Void) {
        self.eventLoop.execute {
            let shell = self.shell.value
            shell.statusObservers.append(observer)
            let status = shell.machine.status
            shell.lastStatus = status
            observer(status)
        }
    }

    /// Whether each side is connected right now, for `/healthz`.
    public func health() -> EventLoopFuture<BridgeHealth> {
        self.eventLoop.submit {
            self.shell.value.machine.health
        }
    }

    // MARK: Inputs

    /// Hands one input to the machine, with the time, and carries out its actions.
    func feed(_ input: (inout BridgeStateMachine, BridgeInstant) -> [BridgeAction]) {
        let shell = self.shell.value
        let actions = input(&shell.machine, self.now())
        self.run(actions, shell)
        self.reportStatus(shell)
    }

    /// Tells the status observers when the status differs from what they saw last.
    func reportStatus(_ shell: BridgeShell) {
        guard !shell.statusObservers.isEmpty else { return }
        let status = shell.machine.status
        guard status != shell.lastStatus else { return }
        shell.lastStatus = status
        for observer in shell.statusObservers {
            observer(status)
        }
    }

    func now() -> BridgeInstant {
        BridgeInstant(wall: self.clock(), uptime: .now())
    }

    /// An AMI event, counted and timed (the reducer runs inside the machine).
    func received(amiEvent event: AMIMessage) {
        let shell = self.shell.value
        shell.metrics.amiEvent(event.eventName ?? "?")
        let now = self.now()
        let actions = shell.machine.amiEvent(event, at: now)
        shell.metrics.reducerRan(since: now.uptime)
        self.run(actions, shell)
        self.reportStatus(shell)
    }

    /// What the current MQTT client reports, already on the loop.
    func received(mqttEvent event: MQTTClientEvent) {
        switch event {
        case .connected:
            let queued = self.shell.value.mqtt.queuedMessageCount
            self.feed { $0.mqttConnected(queued: queued, at: $1) }
        case .connectionRefused(let code, let reason):
            self.feed { $0.mqttRefused(code: code, reason: reason, at: $1) }
        case .tlsFailed(let reason):
            self.feed { $0.mqttTLSFailed(reason: reason, at: $1) }
        case .disconnected(let reason):
            self.feed { $0.mqttDisconnected(reason: reason, at: $1) }
        case .closedBeforeConnack(let reason):
            self.feed { $0.mqttClosedBeforeConnack(reason: reason, at: $1) }
        case .message(let message):
            self.feed { $0.mqttMessage(message, at: $1) }
        case .queueBelow(let queued):
            self.feed { $0.mqttQueueBelow(queued: queued, at: $1) }
        case .subscribed(let mid):
            self.feed { $0.mqttSubscribed(mid: mid, at: $1) }
        case .published:
            break
        }
    }
}

/// The bridge's loop-bound state: the machine, the clients it drives, and what its actions
/// left pending (timers, futures of `reconfigure` and `shutdown`).
final class BridgeShell {
    var machine: BridgeStateMachine
    var ami: AMIClient
    var mqtt: MQTTClient
    /// Clients a reload brought, put in place when the machine says so.
    var nextAMI: AMIClient?
    var nextMQTT: MQTTClient?
    /// The previous AMI client logging off after a reload; the reload completes after it.
    var retiringAMI: EventLoopFuture<Void>?
    var timers: [BridgeTimer: Scheduled<Void>] = [:]
    let metrics = BridgeMetrics()
    var reloads: [EventLoopPromise<Void>] = []
    var shutdowns: [EventLoopPromise<Void>] = []
    /// Who wants status changes (`observeStatus`), and the status they saw last.
    var statusObservers: [@Sendable (BridgeStatus) -> Void] = []
    var lastStatus: BridgeStatus?

    init(machine: BridgeStateMachine, ami: AMIClient, mqtt: MQTTClient) {
        self.machine = machine
        self.ami = ami
        self.mqtt = mqtt
    }
}

@available(*, unavailable)
extension BridgeShell: Sendable {}

extension CallCenterTime {
    /// The wall clock, for stamping inputs on receipt.
    @Sendable public static func now() -> CallCenterTime {
        CallCenterTime(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
