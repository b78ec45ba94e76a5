import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The client's state and the shell that carries out the state machine's actions.
///
/// Lives only on `eventLoop` (inside a `NIOLoopBoundBox`). Every input follows the same
/// shape: `let action = self.machine.event(...)` then `self.run(action)`. Delegate calls
/// come last in each step because a delegate may call back into the client (send an
/// action, shut down) from inside the call.
final class AMIClientCore {
    /// Opens a channel to Asterisk, installing the given initializer. Production uses TCP;
    /// tests return an `EmbeddedChannel`.
    typealias Connector = (
        _ eventLoop: any EventLoop,
        _ configuration: AMIConfiguration,
        _ initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel>

    /// Who waits for an action's answer.
    enum Waiter {
        /// A caller of `send`.
        case caller(EventLoopPromise<AMIResponse>, timer: Scheduled<Void>?)
        /// The state machine (login, filters, ping, logoff).
        case machine(AMIConnectionStateMachine.InternalAction, timer: Scheduled<Void>?)

        var timer: Scheduled<Void>? {
            switch self {
            case .caller(_, let timer), .machine(_, let timer): timer
            }
        }
    }

    let configuration: AMIConfiguration
    let eventLoop: any EventLoop
    let logger: Logger
    let connector: Connector
    var machine: AMIConnectionStateMachine
    var pending = PendingActions<Waiter>()
    var delegate: (any AMIClientDelegate)?
    /// Lets new channels' handlers reach this core; weak because the handlers hold it.
    weak var box: NIOLoopBoundBox<AMIClientCore>?
    var channel: (any Channel)?
    /// The connection whose callbacks are current; nil between connections.
    var activeConnection: Int?
    var connectionCounter = 0
    var bannerTimer: Scheduled<Void>?
    var keepaliveTimer: Scheduled<Void>?
    var reconnectTimer: Scheduled<Void>?
    var shutdownPromise: EventLoopPromise<Void>?
    var filterDenialLogged = false
    /// The SSL context of every connection when `configuration.tls` is set, built once at
    /// init (it reads files, which must not happen on the loop); a failure to build it fails
    /// each attempt with that reason, under the usual backoff.
    let tlsContext: Result<NIOSSLContext, AMIClientError>?

    init(
        configuration: AMIConfiguration,
        eventLoop: any EventLoop,
        logger: Logger,
        connector: @escaping Connector,
        jitterSource: @escaping () -> Double
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.connector = connector
        self.machine = AMIConnectionStateMachine(configuration: configuration, jitterSource: jitterSource)
        self.tlsContext = configuration.tls.map { tls in Result { () throws(AMIClientError) in try tls.makeContext() } }
    }

    /// Connects over TCP with `connectTimeout` and Nagle off (actions are small and
    /// latency-sensitive).
    static func tcpConnect(
        eventLoop: any EventLoop,
        configuration: AMIConfiguration,
        initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer(initializer)
            .connect(host: configuration.host, port: configuration.port)
    }

    // MARK: Public operations

    func start(delegate: any AMIClientDelegate, box: NIOLoopBoundBox<AMIClientCore>) {
        guard self.delegate == nil, !self.machine.isShuttingDown else {
            self.logger.debug("AMI client already started")
            return
        }
        self.delegate = delegate
        self.box = box
        self.run(self.machine.start())
    }

    func send(_ action: AMIAction, timeout: TimeAmount?) -> EventLoopFuture<AMIResponse> {
        guard let channel = self.channel, let actionID = self.machine.nextActionID() else {
            let error: AMIClientError = self.machine.isShuttingDown ? .shutdown : .notConnected
            return self.eventLoop.makeFailedFuture(error)
        }
        let message = action.message(actionID: actionID)
        do {
            try AMIMessageEncoder.validate(message)
        } catch {
            self.logger.debug(
                "AMI action refused before sending",
                metadata: [AMILogKey.action: "\(action.name)", AMILogKey.error: "\(error)"]
            )
            return self.eventLoop.makeFailedFuture(AMIClientError.encoding(error))
        }
        let promise = self.eventLoop.makePromise(of: AMIResponse.self)
        let timer = self.eventLoop.assumeIsolated().scheduleTask(in: timeout ?? self.configuration.actionTimeout) {
            self.actionTimedOut(actionID)
        }
        self.pending.add(actionID: actionID, action: action.name, waiter: .caller(promise, timer: timer))
        self.logger.trace(
            "sending AMI action",
            metadata: [AMILogKey.action: "\(action.name)", AMILogKey.actionID: "\(actionID)"]
        )
        self.write(message, actionID: actionID, on: channel)
        channel.flush()
        return promise.futureResult
    }

    func shutdown() -> EventLoopFuture<Void> {
        if let promise = self.shutdownPromise {
            return promise.futureResult
        }
        let promise = self.eventLoop.makePromise(of: Void.self)
        self.shutdownPromise = promise
        self.logger.debug("AMI client shutting down")
        self.run(self.machine.shutdownRequested())
        return promise.futureResult
    }

    // MARK: Channel callbacks (from AMIChannelHandler)

    func channelActive(_ connection: Int, channel: any Channel) {
        guard connection == self.activeConnection else { return }
        self.channel = channel
        self.logger.debug("AMI TCP connection established")
        self.run(self.machine.channelActive())
    }

    func frameReceived(_ connection: Int, _ frame: AMIFrame) {
        guard connection == self.activeConnection else { return }
        switch frame {
        case .banner(let product, let version):
            self.bannerTimer?.cancel()
            self.bannerTimer = nil
            self.logger.debug(
                "AMI banner received",
                metadata: [AMILogKey.product: "\(product)", AMILogKey.version: "\(version)"]
            )
            self.run(self.machine.bannerReceived(product: product, version: version))
        case .malformed(let reason, let raw):
            self.logger.info(
                "skipped a malformed AMI packet",
                metadata: [AMILogKey.reason: "\(reason)", AMILogKey.raw: "\(raw.prefix(200))"]
            )
        case .message(let message):
            self.messageReceived(message)
        }
    }

    func channelError(_ connection: Int, _ error: any Error) {
        guard connection == self.activeConnection else { return }
        let reason: AMIClientError
        switch error {
        case AMIDecodingError.notAnAMIServer(let line):
            reason = .notAnAMIServer(firstLine: line)
        case AMIDecodingError.packetTooLarge(let limit):
            reason = .packetTooLarge(limit: limit)
        default:
            if let failure = AMITLSFailure(error, host: self.configuration.host) {
                reason = .tlsHandshakeFailed(
                    endpoint: "\(self.configuration.host):\(self.configuration.port)", failure: failure)
            } else {
                reason = .connectionClosed
            }
        }
        self.logger.debug("AMI channel error", metadata: [AMILogKey.error: "\(error)"])
        self.run(self.machine.connectionFailed(reason))
    }

    func channelInactive(_ connection: Int) {
        guard connection == self.activeConnection else { return }
        self.activeConnection = nil
        self.channel = nil
        self.run(self.machine.channelClosed())
    }

    func connectFailed(_ connection: Int, _ error: any Error) {
        guard connection == self.activeConnection else { return }
        self.activeConnection = nil
        self.channel = nil
        self.run(self.machine.connectFailed(.connectFailed("\(error)")))
    }

    // MARK: Outbound

    func write(_ message: AMIMessage, actionID: String, on channel: any Channel) {
        channel.write(message).assumeIsolated().whenFailure { error in
            self.writeFailed(actionID, error)
        }
    }

    private func writeFailed(_ actionID: String, _ error: any Error) {
        self.logger.debug(
            "AMI write failed",
            metadata: [AMILogKey.actionID: "\(actionID)", AMILogKey.error: "\(error)"]
        )
        guard let (_, waiter) = self.pending.abandon(actionID: actionID) else { return }
        waiter.timer?.cancel()
        switch waiter {
        case .caller(let promise, _):
            promise.fail(AMIClientError.connectionClosed)
        case .machine:
            self.run(self.machine.connectionFailed(.connectionClosed))
        }
    }
}

@available(*, unavailable)
extension AMIClientCore: Sendable {}
