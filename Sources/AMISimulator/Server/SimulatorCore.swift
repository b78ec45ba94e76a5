import AMI
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The simulated Asterisk: sessions, call center state and timeline, all owned by one event
/// loop. Every method runs on `eventLoop`; the public `AMISimulator` hops onto it.
final class SimulatorCore {
    /// The action log keeps the most recent actions only, so a long demo run stays bounded.
    static let maxRecordedActions = 100_000
    let eventLoop: any EventLoop
    let configuration: SimulatorConfiguration
    let logger: Logger

    // MARK: Connections
    var sessions: [Int: SimSession] = [:]
    var nextSessionID = 0
    var serverChannel: (any Channel)?
    var host = "127.0.0.1"
    var port = 0
    var stalled = false
    var refusing = false
    /// Holds the port while refusing (see `PortReservation`).
    var portReservation: PortReservation?
    var shutDown = false
    var received: [ReceivedAction] = []
    var challengeRandom: SeededRandom
    /// Set before `bind` when the listener speaks TLS (built off the loop: it reads files).
    var tlsContext: NIOSSLContext?

    // MARK: Call center
    var queues: [SimQueue] = []
    var hints: [String] = []
    var deviceStates: [String: DeviceState] = [:]
    /// Device names in first-seen order, for DeviceStateList.
    var deviceOrder: [String] = []
    var channels: [String: SimChannel] = [:]
    var channelOrder: [String] = []
    var calls: [Int: SimCall] = [:]
    var nextCallID = 0
    var nextUniqueID = 0
    var nextLocalID = 0
    var nextBridgeID = 0
    var globals: [String: String] = [:]
    /// Asterisk's database (AstDB): values by family, then key (FreePBX keeps DND and call
    /// forwards there).
    var astDB: [String: [String: String]] = [:]
    /// Parked calls by space, while parked.
    var parked: [Int: SimParking] = [:]

    // MARK: Time
    var scheduler = SimScheduler()
    /// Current simulated time, seconds since start.
    var now: Double = 0
    var bootTime: Double = 0
    var realAnchor = NIODeadline.now()
    var simAnchor: Double = 0
    var pumpTask: Scheduled<Void>?
    var pumpDeadline: NIODeadline?

    // MARK: Traffic
    var traffic: TrafficConfiguration?
    var trafficRandom = SeededRandom(seed: 0)
    var trafficCalls = 0
    var trafficTimer: Int?

    // MARK: Firehose
    var firehoseWaiters: [Int: () -> Void] = [:]

    init(eventLoop: any EventLoop, configuration: SimulatorConfiguration, logger: Logger) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.logger = logger
        self.challengeRandom = SeededRandom(seed: configuration.challengeSeed)
        self.bootTime = -Double(configuration.initialUptime)
        self.nextLocalID = configuration.firstLocalChannelNumber
        self.buildCallCenter()
    }

    // MARK: Time

    var epochNow: Int { Int(self.configuration.startEpoch + self.now) }

    /// Simulated time derived from the real clock (real-time mode), never going backwards.
    func syncNow() {
        guard case .realTime(let scale) = self.configuration.clock, scale > 0 else { return }
        let elapsed = Double((NIODeadline.now() - self.realAnchor).nanoseconds) / 1e9
        self.now = max(self.now, self.simAnchor + elapsed / scale)
    }

    @discardableResult
    func schedule(after seconds: Double, _ run: @escaping (SimulatorCore) -> Void) -> Int {
        let id = self.scheduler.schedule(at: self.now + max(0, seconds), run)
        self.armPump()
        return id
    }

    func cancel(_ id: Int?) {
        if let id { self.scheduler.cancel(id) }
    }

    /// Runs every task due by `time`, each at its own simulated time.
    func runDue(upTo time: Double) {
        while let task = self.scheduler.popDue(upTo: time) {
            self.now = max(self.now, task.time)
            task.run(self)
        }
        self.now = max(self.now, time)
        self.flushAll()
    }

    /// Keeps one NIO timer armed for the earliest task (real-time mode).
    func armPump() {
        guard !self.stalled, !self.shutDown else { return }
        guard case .realTime(let scale) = self.configuration.clock, let next = self.scheduler.nextTime else { return }
        let delay = max(0, (next - self.simAnchor) * max(scale, 0))
        let deadline = self.realAnchor + .nanoseconds(Int64(min(delay, 1e6) * 1e9))
        if let current = self.pumpDeadline, current <= deadline, self.pumpTask != nil { return }
        self.pumpTask?.cancel()
        self.pumpDeadline = deadline
        self.pumpTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.pumpTask = nil
            self.pumpDeadline = nil
            // Stalled: nothing runs; `setStalled(false)` re-arms the pump.
            guard !self.stalled else { return }
            self.syncNow()
            self.runDue(upTo: self.now)
            self.armPump()
        }
    }

    func advance(by seconds: Double) {
        self.runDue(upTo: self.now + seconds)
    }

    // MARK: Sessions

    func sessionOpened(channel: any Channel) -> SimSession? {
        guard !self.refusing, !self.shutDown else {
            channel.close(promise: nil)
            return nil
        }
        self.nextSessionID += 1
        let session = SimSession(id: self.nextSessionID, channel: channel)
        self.sessions[session.id] = session
        self.logger.debug(
            "AMI connection opened",
            metadata: [SimulatorLogKey.sessionID: "\(session.id)", SimulatorLogKey.peer: "\(session.remoteAddress)"])
        if !self.stalled {
            session.sendRaw(Array("Asterisk Call Manager/11.0.0\r\n".utf8))
            session.flushIfNeeded()
        } else {
            session.stalledActions.append(AMIMessage(fields: [AMIField("__banner", "")]))
        }
        return session
    }

    func sessionClosed(_ session: SimSession) {
        session.closing = true
        self.sessions[session.id] = nil
        self.firehoseWaiters.removeValue(forKey: session.id)?()
        self.logger.debug("AMI connection closed", metadata: [SimulatorLogKey.sessionID: "\(session.id)"])
    }

    func received(_ message: AMIMessage, from session: SimSession) {
        guard !session.closing else { return }
        self.received.append(ReceivedAction(session: session.id, username: session.username, message: message))
        if self.received.count > Self.maxRecordedActions {
            self.received.removeFirst(self.received.count - Self.maxRecordedActions / 2)
        }
        if self.stalled {
            session.stalledActions.append(message)
            return
        }
        self.syncNow()
        self.runDue(upTo: self.now)
        self.handle(message, from: session)
        self.flushAll()
    }

    func writabilityChanged(_ session: SimSession) {
        if session.channel.isWritable, let waiter = self.firehoseWaiters.removeValue(forKey: session.id) {
            waiter()
        }
    }

    /// Sends an unsolicited event to every session whose mask and filters accept it.
    func broadcast(_ event: SimEvent) {
        guard !self.stalled else { return }
        var text: String?
        for session in self.sessions.values where session.isAuthenticated {
            let accepted = session.accepts(event) {
                if let text { return text }
                let built = event.message.description
                text = built
                return built
            }
            if accepted { session.send(event.message) }
        }
    }

    func flushAll() {
        for session in self.sessions.values {
            session.flushIfNeeded()
        }
    }

    // MARK: Faults

    func dropAll() {
        for session in self.sessions.values {
            session.close()
        }
    }

    func setStalled(_ stalled: Bool) {
        guard self.stalled != stalled else { return }
        self.stalled = stalled
        if !stalled {
            self.syncNow()
            self.simAnchorReset()
            for session in self.sessions.values.sorted(by: { $0.id < $1.id }) {
                let pending = session.stalledActions
                session.stalledActions = []
                for message in pending {
                    if message.fields.first?.key == "__banner" {
                        session.sendRaw(Array("Asterisk Call Manager/11.0.0\r\n".utf8))
                    } else {
                        self.handle(message, from: session)
                    }
                }
            }
            self.runDue(upTo: self.now)
            self.armPump()
        }
    }

    /// Re-anchors real↔simulated time and drops the armed timer (after a stall, what fell
    /// due meanwhile runs at once, as a hung Asterisk catching up would).
    func simAnchorReset() {
        self.realAnchor = .now()
        self.simAnchor = self.now
        self.pumpTask?.cancel()
        self.pumpTask = nil
        self.pumpDeadline = nil
    }

    func sendGarbage(_ bytes: [UInt8]) {
        for session in self.sessions.values {
            session.sendRaw(bytes)
        }
        self.flushAll()
    }

    /// Asterisk restarted: every connection ends (after `Event: Shutdown` when graceful), the
    /// listener refuses connections for `downtime` real seconds, the state is rebuilt and
    /// uptime restarts at 0.
    func restart(
        graceful: Bool, downtime: TimeAmount, whileDown: ((SimulatorCore) -> Void)? = nil
    ) -> EventLoopFuture<Void> {
        if graceful {
            self.broadcast(AMIEventFactory.shutdown(restart: true))
            self.flushAll()
        }
        let closeDelay: TimeAmount = graceful ? .milliseconds(20) : .zero
        return self.eventLoop.assumeIsolated().scheduleTask(in: closeDelay) { [self] in
            self.dropAll()
        }.futureResult.assumeIsolated().flatMap { [self] in
            self.refuse(for: downtime) { core in
                core.resetState()
                whileDown?(core)
            }
        }.nonisolated()
    }

    /// Closes the listening socket (connections get ECONNREFUSED) for `duration`, then binds
    /// the same port again. The port stays reserved meanwhile, so nothing else takes it.
    func refuse(for duration: TimeAmount, whileDown: ((SimulatorCore) -> Void)? = nil) -> EventLoopFuture<Void> {
        self.refusing = true
        let address = self.serverChannel?.localAddress
        let close = self.serverChannel?.close() ?? self.eventLoop.makeSucceededVoidFuture()
        self.serverChannel = nil
        return close.recover { _ in }.assumeIsolated().flatMap { [self] in
            if !self.shutDown, let address {
                self.portReservation = PortReservation(holding: address)
            }
            whileDown?(self)
            return self.eventLoop.scheduleTask(in: duration) {}.futureResult
        }.flatMap { [self] in
            self.refusing = false
            guard !self.shutDown else { return self.eventLoop.makeSucceededVoidFuture() }
            return self.bind(host: self.host, port: self.port).map { _ in }
        }.always { [self] _ in
            self.releasePortReservation()
        }.nonisolated()
    }

    func releasePortReservation() {
        self.portReservation?.release()
        self.portReservation = nil
    }

    func resetState() {
        self.syncNow()
        self.scheduler.removeAll()
        self.pumpTask?.cancel()
        self.pumpTask = nil
        self.pumpDeadline = nil
        self.queues = []
        self.deviceStates = [:]
        self.deviceOrder = []
        self.channels = [:]
        self.channelOrder = []
        self.calls = [:]
        self.bootTime = self.now
        self.trafficTimer = nil
        self.buildCallCenter()
        if self.traffic != nil {
            self.scheduleNextTrafficCall()
        }
    }

    // MARK: Listener

    func bind(host: String, port: Int) -> EventLoopFuture<Int> {
        self.host = host
        let core = NIOLoopBound(self, eventLoop: self.eventLoop)
        let tls = self.tlsContext
        let bootstrap = ServerBootstrap(group: self.eventLoop)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(AMIMessageDecoder(expectBanner: false))
                    )
                    try channel.pipeline.syncOperations.addHandler(AMISessionHandler(core: core.value))
                }
            }
        return bootstrap.bind(host: host, port: port).assumeIsolated().map { [self] channel in
            self.serverChannel = channel
            self.port = channel.localAddress?.port ?? port
            return self.port
        }.nonisolated()
    }

    func shutdown() -> EventLoopFuture<Void> {
        self.shutDown = true
        self.traffic = nil
        self.scheduler.removeAll()
        self.pumpTask?.cancel()
        self.pumpTask = nil
        for waiter in self.firehoseWaiters.values { waiter() }
        self.firehoseWaiters = [:]
        self.dropAll()
        self.releasePortReservation()
        let close = self.serverChannel?.close() ?? self.eventLoop.makeSucceededVoidFuture()
        self.serverChannel = nil
        return close.recover { _ in }
    }
}

@available(*, unavailable)
extension SimulatorCore: Sendable {}
