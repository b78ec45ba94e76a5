import AMI
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A scriptable fake Asterisk 22 manager (AMI) server for tests, the demo and benchmarks.
///
/// It speaks the wire format of the real Asterisk 22.10.1 captures in `Tests/Fixtures/`: banner,
/// plain and MD5 login, event masks and filters, the list actions, queue member actions,
/// Originate/Redirect/Hangup, a seeded call generator and faults (drop, restart, stall,
/// garbage, refused connections). All state lives on one event loop; every method here hops
/// onto it, so the simulator can be driven from any task.
public final class AMISimulator: Sendable {
    /// The port it listens on (the ephemeral one when started with port 0).
    public let port: Int
    public let host: String
    private let group: MultiThreadedEventLoopGroup?
    private let eventLoop: any EventLoop
    private let core: NIOLoopBound<SimulatorCore>
    /// Set by the first `shutdown()`: a second one must not touch the stopped loop.
    private let stopped = Atomic<Bool>(false)

    private init(
        host: String, port: Int, group: MultiThreadedEventLoopGroup?, eventLoop: any EventLoop,
        core: NIOLoopBound<SimulatorCore>
    ) {
        self.host = host
        self.port = port
        self.group = group
        self.eventLoop = eventLoop
        self.core = core
    }

    /// Starts listening on `host:port` (0: an ephemeral port, read it from `port`).
    /// - Parameter eventLoop: the loop to own the state; nil starts a private one-thread
    ///   group that `shutdown()` stops.
    public static func start(
        configuration: SimulatorConfiguration = SimulatorConfiguration(),
        host: String = "127.0.0.1",
        port: Int = 0,
        eventLoop: (any EventLoop)? = nil,
        logger: Logger = Logger(label: "ami-sim")
    ) async throws -> AMISimulator {
        let group: MultiThreadedEventLoopGroup? =
            eventLoop == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        guard let loop = eventLoop ?? group?.next() else {
            throw AMISimulatorError.noEventLoop
        }
        let tls: NIOSSLContext?
        do {
            tls = try configuration.tls?.makeContext()
        } catch {
            try? await group?.shutdownGracefully()
            throw AMISimulatorError.tlsSetupFailed(reason: "\(error)")
        }
        do {
            let (core, bound) = try await loop.flatSubmit { () -> EventLoopFuture<(NIOLoopBound<SimulatorCore>, Int)> in
                let core = SimulatorCore(eventLoop: loop, configuration: configuration, logger: logger)
                core.tlsContext = tls
                let boundCore = NIOLoopBound(core, eventLoop: loop)
                return core.bind(host: host, port: port).map { (boundCore, $0) }
            }.get()
            logger.info(
                "AMI simulator listening",
                metadata: [
                    SimulatorLogKey.host: "\(host)", SimulatorLogKey.port: "\(bound)",
                    SimulatorLogKey.tls: "\(configuration.tls != nil)",
                ])
            return AMISimulator(host: host, port: bound, group: group, eventLoop: loop, core: core)
        } catch {
            try? await group?.shutdownGracefully()
            throw AMISimulatorError.bindFailed(host: host, port: port, reason: "\(error)")
        }
    }

    /// Closes every connection and the listener, and stops the private event loop. Idempotent:
    /// a test that shut Asterisk down as a fault may shut it down again in its cleanup.
    public func shutdown() async throws {
        guard !self.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let core = self.core
        try await self.eventLoop.flatSubmit { core.value.shutdown() }.get()
        try await self.group?.shutdownGracefully()
    }

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (SimulatorCore) -> T) async -> T {
        let core = self.core
        return await withCheckedContinuation { continuation in
            self.eventLoop.execute {
                let result = body(core.value)
                core.value.flushAll()
                continuation.resume(returning: result)
            }
        }
    }

    // MARK: Inspection

    /// Every action received so far, on every connection, in arrival order.
    public func receivedActions() async -> [ReceivedAction] {
        await self.onLoop { $0.received }
    }

    public func clearReceivedActions() async {
        await self.onLoop { $0.received.removeAll() }
    }

    /// Open manager connections.
    public func connectionCount() async -> Int {
        await self.onLoop { $0.sessions.count }
    }

    /// Calls in progress (originated or generated).
    public func activeCallCount() async -> Int {
        await self.onLoop { $0.calls.count }
    }

    /// Simulated seconds since start.
    public func simulatedTime() async -> Double {
        await self.onLoop { core in
            core.syncNow()
            return core.now
        }
    }

    // MARK: Scripting

    /// Sends a raw event to every logged-in session whose mask and filters accept it (its
    /// class is read from its `Privilege` header).
    public func emit(_ message: AMIMessage) async {
        await self.onLoop { $0.broadcast(SimEvent(raw: message)) }
    }

    /// Sets a device state as `Setvar DEVICE_STATE(Custom:N)` does, with its events.
    public func setDeviceState(_ device: String, _ state: DeviceState) async {
        await self.onLoop { $0.setDeviceState(device, state) }
    }

    /// Puts a live channel on hold (`onHold` true) or takes it off, raising `Hold` or `Unhold`
    /// as Asterisk does through HOLD_INTERCEPT (call-features/hold.ami). Returns false, and
    /// sends nothing, when no live channel has that name.
    @discardableResult
    public func hold(channel: String, _ onHold: Bool = true) async -> Bool {
        await self.onLoop { $0.setHold(channelNamed: channel, onHold) }
    }

    /// Manual clock: runs everything scheduled in the next `seconds` simulated seconds.
    /// Real-time clock: also runs what is already due.
    public func advance(by seconds: Double) async {
        await self.onLoop { core in
            core.syncNow()
            core.advance(by: seconds)
        }
    }

    /// Starts the seeded call generator (replacing a running one).
    public func startTraffic(_ configuration: TrafficConfiguration) async {
        await self.onLoop { $0.startTraffic(configuration) }
    }

    /// Stops placing new calls; calls in progress run to their end.
    public func stopTraffic() async {
        await self.onLoop { $0.stopTraffic() }
    }

    /// Calls placed by the generator since it started.
    public func trafficCallCount() async -> Int {
        await self.onLoop { $0.trafficCalls }
    }

    /// Benchmarks: writes `count` events (cycling through `events`) to every logged-in
    /// session as fast as the sockets take them, honouring backpressure. Returns the number
    /// of packets written per session, summed.
    @discardableResult
    public func firehose(_ events: [AMIMessage], count: Int) async throws -> Int {
        let core = self.core
        return try await self.eventLoop.flatSubmit { () -> EventLoopFuture<Int> in
            let promise = core.value.eventLoop.makePromise(of: Int.self)
            core.value.firehose(events, count: count, promise: promise)
            return promise.futureResult
        }.get()
    }

    // MARK: Faults

    /// Closes every manager connection at once (TCP FIN, no Goodbye), keeps listening.
    public func dropAllConnections() async {
        await self.onLoop { $0.dropAll() }
    }

    /// Simulates an Asterisk restart: `Event: Shutdown` first when `graceful`, every
    /// connection closed, connections refused for `downtime`, state rebuilt (dynamic members
    /// gone, no channels), uptime back to 0 in the next FullyBooted.
    /// - Parameter deviceStates: device states changed while Asterisk is down, applied right
    ///   after the rebuild, so the state it comes back with differs from a plain restart's
    ///   without racing the rebuild.
    public func restart(
        graceful: Bool = true, downtime: Duration = .milliseconds(200), deviceStates: [String: DeviceState] = [:]
    ) async throws {
        let core = self.core
        let amount = Self.timeAmount(downtime)
        try await self.eventLoop.flatSubmit {
            core.value.restart(graceful: graceful, downtime: amount) { core in
                for (device, state) in deviceStates.sorted(by: { $0.key < $1.key }) {
                    core.setDeviceState(device, state)
                }
            }
        }.get()
    }

    /// Stalled: nothing is answered (not even Ping), no event is sent, sockets stay open;
    /// new connections get no banner. Unstalling answers what arrived meanwhile.
    public func setStalled(_ stalled: Bool) async {
        await self.onLoop { $0.setStalled(stalled) }
    }

    /// Writes raw bytes to every connection, e.g. a broken packet.
    public func sendGarbage(_ bytes: [UInt8]) async {
        await self.onLoop { $0.sendGarbage(bytes) }
    }

    /// Closes the listener so that connecting fails (ECONNREFUSED) for `duration`, then
    /// listens on the same port again. Existing connections stay up. Returns when listening again.
    public func refuseConnections(for duration: Duration) async throws {
        let core = self.core
        let amount = Self.timeAmount(duration)
        try await self.eventLoop.flatSubmit { core.value.refuse(for: amount) }.get()
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}

/// Why the simulator could not start.
public enum AMISimulatorError: Error, Sendable, CustomStringConvertible {
    case noEventLoop
    case bindFailed(host: String, port: Int, reason: String)
    case tlsSetupFailed(reason: String)

    public var description: String {
        switch self {
        case .noEventLoop:
            "the AMI simulator could not get an event loop"
        case .bindFailed(let host, let port, let reason):
            "the AMI simulator could not listen on \(host):\(port) (\(reason)); pick another --port or stop what uses it"
        case .tlsSetupFailed(let reason):
            "the AMI simulator could not load its TLS certificate or key (\(reason)); check --tls-cert and --tls-key (PEM files)"
        }
    }
}
