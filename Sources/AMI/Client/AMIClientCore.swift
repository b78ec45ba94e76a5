import Logging
import NIOCore
import NIOPosix
import PBXCore

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
    private let logger: Logger
    private let connector: Connector
    private var machine: AMIConnectionStateMachine
    private var pending = PendingActions<Waiter>()
    private var delegate: (any AMIClientDelegate)?
    /// Lets new channels' handlers reach this core; weak because the handlers hold it.
    private weak var box: NIOLoopBoundBox<AMIClientCore>?
    private var channel: (any Channel)?
    /// The connection whose callbacks are current; nil between connections.
    private var activeConnection: Int?
    private var connectionCounter = 0
    private var bannerTimer: Scheduled<Void>?
    private var keepaliveTimer: Scheduled<Void>?
    private var reconnectTimer: Scheduled<Void>?
    private var shutdownPromise: EventLoopPromise<Void>?
    private var filterDenialLogged = false

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
            reason = .connectionClosed
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

    private func connectFailed(_ connection: Int, _ error: any Error) {
        guard connection == self.activeConnection else { return }
        self.activeConnection = nil
        self.channel = nil
        self.run(self.machine.connectFailed(.connectFailed("\(error)")))
    }

    // MARK: Inbound packets

    private func messageReceived(_ message: AMIMessage) {
        switch self.pending.receive(message) {
        case .completed(let response, let waiter):
            waiter.timer?.cancel()
            self.machine.actionProgressReceived()
            switch waiter {
            case .caller(let promise, _):
                promise.succeed(response)
            case .machine(let kind, _):
                self.run(self.machine.internalResponse(kind, response))
            }
        case .collected:
            self.machine.actionProgressReceived()
        case .event:
            if let name = message.eventName, name.caseInsensitiveEquals("Shutdown") {
                self.logger.info(
                    "Asterisk is shutting down",
                    metadata: [
                        AMILogKey.shutdown: "\(message["Shutdown"] ?? "")",
                        AMILogKey.restart: "\(message["Restart"] ?? "")",
                    ]
                )
            }
            self.delegate?.amiEventReceived(message)
        case .unknownResponse(let actionID):
            self.logger.debug(
                "dropped an AMI response with an unknown ActionID",
                metadata: [AMILogKey.actionID: "\(actionID ?? "")"]
            )
        case .late(let actionID):
            self.logger.debug(
                "dropped a late answer to a timed-out AMI action",
                metadata: [AMILogKey.actionID: "\(actionID)"]
            )
        }
    }

    private func actionTimedOut(_ actionID: String) {
        if case .machine(let kind, _)? = self.pending.waiter(for: actionID) {
            let action = self.machine.internalActionTimedOut(kind)
            if case .extendTimeout(let delay) = action {
                let timer = self.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                    self.actionTimedOut(actionID)
                }
                self.pending.replaceWaiter(actionID: actionID, with: .machine(kind, timer: timer))
                self.logger.debug(
                    "AMI keepalive waits behind earlier answers", metadata: [AMILogKey.actionID: "\(actionID)"])
                return
            }
            _ = self.pending.abandon(actionID: actionID)
            self.logger.debug("AMI internal action timed out", metadata: [AMILogKey.actionID: "\(actionID)"])
            self.run(action)
            return
        }
        guard let (action, waiter) = self.pending.abandon(actionID: actionID) else { return }
        switch waiter {
        case .caller(let promise, _):
            self.logger.debug(
                "AMI action timed out",
                metadata: [AMILogKey.actionID: "\(actionID)", AMILogKey.action: "\(action)"]
            )
            promise.fail(AMIClientError.timeout(action: action))
        case .machine:
            preconditionFailure("internal actions are handled above")
        }
    }

    // MARK: Outbound

    private func write(_ message: AMIMessage, actionID: String, on channel: any Channel) {
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

    // MARK: Actions

    private func run(_ action: AMIConnectionStateMachine.Action) {
        switch action {
        case .none:
            break

        case .connect(let attempt):
            self.connectionCounter += 1
            let connection = self.connectionCounter
            self.activeConnection = connection
            self.logger.info("connecting to AMI", metadata: [AMILogKey.attempt: "\(attempt)"])
            // Reported before connecting: a connector may fail synchronously, and the
            // delegate must see `.connecting` before that attempt's `.disconnected`.
            self.delegate?.amiConnectionStateChanged(.connecting(attempt: attempt))
            let box = self.box
            let maxPacketSize = self.configuration.maxPacketSize
            let future = self.connector(self.eventLoop, self.configuration) { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let box else { throw AMIClientError.shutdown }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(AMIMessageDecoder(expectBanner: true, maxPacketSize: maxPacketSize)),
                        MessageToByteHandler(AMIMessageEncoder()),
                        AMIChannelHandler(connection: connection, core: box),
                    ])
                }
            }
            future.assumeIsolated().whenComplete { result in
                switch result {
                case .success(let channel):
                    if connection != self.activeConnection {
                        // Shut down or given up while connecting: nobody wants this channel.
                        channel.close(promise: nil)
                    } else if self.channel == nil, channel.isActive {
                        self.channel = channel
                    }
                case .failure(let error):
                    self.connectFailed(connection, error)
                }
            }

        case .awaitBanner(let timeout):
            self.bannerTimer = self.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.bannerTimer = nil
                self.run(self.machine.bannerTimedOut())
            }

        case .write(let outgoing):
            guard let channel = self.channel else {
                self.run(self.machine.connectionFailed(.connectionClosed))
                return
            }
            for item in outgoing {
                let message = item.action.message(actionID: item.actionID)
                do {
                    try AMIMessageEncoder.validate(message)
                } catch {
                    // Only a username, secret or filter holding CR/LF gets here: a
                    // configuration error, reported as the reason of the disconnect.
                    self.run(self.machine.connectionFailed(.encoding(error)))
                    return
                }
                let actionID = item.actionID
                let timer = self.eventLoop.assumeIsolated().scheduleTask(in: item.timeout) {
                    self.actionTimedOut(actionID)
                }
                self.pending.add(
                    actionID: actionID, action: item.action.name, waiter: .machine(item.kind, timer: timer))
                // Only the name and the ID: a Login's fields hold the secret or its hash.
                self.logger.debug(
                    "sending AMI action",
                    metadata: [AMILogKey.action: "\(item.action.name)", AMILogKey.actionID: "\(actionID)"]
                )
                self.write(message, actionID: actionID, on: channel)
            }
            channel.flush()

        case .reportConnected(let info, let refusals):
            self.logRefusedFilters(refusals)
            self.logger.info(
                "connected to AMI",
                metadata: [AMILogKey.product: "\(info.product)", AMILogKey.version: "\(info.amiVersion)"]
            )
            self.scheduleKeepalive()
            self.delegate?.amiConnectionStateChanged(.connected(info))

        case .extendTimeout:
            preconditionFailure("only actionTimedOut receives extendTimeout")

        case .close:
            self.keepaliveTimer?.cancel()
            self.keepaliveTimer = nil
            if let channel = self.channel {
                channel.close(promise: nil)
            } else {
                self.activeConnection = nil
                self.run(self.machine.channelClosed())
            }

        case .scheduleReconnect(let reason, let delay):
            self.stopTimers()
            self.failAllPending()
            self.logger.info(
                "AMI disconnected, reconnecting after a delay",
                metadata: [
                    AMILogKey.error: "\(reason)",
                    AMILogKey.retryIn: "\(Double(delay.nanoseconds) / 1e9)s",
                ]
            )
            self.reconnectTimer = self.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.reconnectTimer = nil
                self.run(self.machine.reconnectTimerFired())
            }
            self.delegate?.amiConnectionStateChanged(.disconnected(reason, retryIn: delay))

        case .finishShutdown:
            self.stopTimers()
            self.reconnectTimer?.cancel()
            self.reconnectTimer = nil
            self.failAllPending()
            self.activeConnection = nil
            self.channel = nil
            self.logger.debug("AMI client shut down")
            let delegate = self.delegate
            self.delegate = nil
            self.box = nil
            delegate?.amiConnectionStateChanged(.shutdown)
            self.shutdownPromise?.succeed()
        }
    }

    private func stopTimers() {
        self.keepaliveTimer?.cancel()
        self.keepaliveTimer = nil
        self.bannerTimer?.cancel()
        self.bannerTimer = nil
    }

    private func scheduleKeepalive() {
        self.keepaliveTimer?.cancel()
        // A zero interval turns keepalive off (ami.keepaliveSeconds: 0).
        guard self.configuration.keepaliveInterval > .zero else { return }
        self.keepaliveTimer = self.eventLoop.assumeIsolated().scheduleTask(in: self.configuration.keepaliveInterval) {
            self.keepaliveTimer = nil
            guard self.machine.isConnected else { return }
            self.scheduleKeepalive()
            self.run(self.machine.keepaliveTimerFired())
        }
    }

    private func failAllPending() {
        for entry in self.pending.removeAll() {
            entry.waiter.timer?.cancel()
            if case .caller(let promise, _) = entry.waiter {
                promise.fail(AMIClientError.connectionClosed)
            }
        }
    }

    private func logRefusedFilters(_ refusals: [AMIConnectionStateMachine.FilterRefusal]) {
        guard !refusals.isEmpty else { return }
        let denied = refusals.filter(\.isPermissionDenied)
        if !denied.isEmpty {
            let metadata: Logger.Metadata = [
                AMILogKey.message: "\(denied[0].message)",
                AMILogKey.filtersRefused: "\(denied.count)",
            ]
            if self.filterDenialLogged {
                self.logger.debug("Asterisk refused the event filters; using the Events mask alone", metadata: metadata)
            } else {
                self.filterDenialLogged = true
                self.logger.info(
                    "Asterisk refused the event filters; using the Events mask alone (grant the AMI user write=system, or put eventfilter lines in manager.conf)",
                    metadata: metadata
                )
            }
        }
        for refusal in refusals where !refusal.isPermissionDenied {
            self.logger.info(
                "Asterisk refused an event filter",
                metadata: [AMILogKey.filter: "\(refusal.filter)", AMILogKey.message: "\(refusal.message)"]
            )
        }
    }
}

@available(*, unavailable)
extension AMIClientCore: Sendable {}
