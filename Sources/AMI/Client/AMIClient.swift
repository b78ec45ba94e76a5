import Logging
import NIOCore
import NIOPosix

/// A long-lived connection to Asterisk's manager interface that logs in, keeps itself alive
/// and reconnects forever, and correlates actions with their answers.
///
/// Threading contract: all of the client's mutable state lives on `eventLoop`, one loop
/// picked from the group at init. Every delegate call and every returned future completes on
/// it, so a caller that keeps its own state on the same loop needs no locks. The public
/// methods may be called from any thread; they hop onto the loop.
///
/// ```swift
/// let client = AMIClient(configuration: config, eventLoopGroup: group, logger: logger)
/// client.start(delegate: bridge)          // .connecting → .connected → …
/// let status = try await client.send(AMIAction("QueueStatus"))
/// status.events                            // QueueParams, QueueMember, QueueEntry items
/// try await client.shutdown().get()
/// ```
public final class AMIClient: Sendable {
    /// How every ActionID this client sends begins (`p2m-<connection>-<n>`): an event filter
    /// can pass the OriginateResponses of its own Originates and drop those of other manager
    /// users, which Asterisk sends to every session.
    public static let actionIDPrefix = "p2m-"

    /// The loop that owns the client's state and runs every callback.
    public let eventLoop: any EventLoop
    public let configuration: AMIConfiguration
    private let core: NIOLoopBoundBox<AMIClientCore>

    /// - Parameters:
    ///   - eventLoopGroup: the client takes one loop of it (`next()`) for its whole life.
    ///   - logger: where connection events go; the secret is never logged.
    public convenience init(configuration: AMIConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.init(
            configuration: configuration,
            eventLoop: eventLoopGroup.next(),
            logger: logger,
            connector: AMIClientCore.tcpConnect,
            jitterSource: { Double.random(in: -1...1) }
        )
    }

    /// The seam tests use: a connector that returns an `EmbeddedChannel`, a fixed jitter.
    init(
        configuration: AMIConfiguration,
        eventLoop: any EventLoop,
        logger: Logger,
        connector: sending @escaping AMIClientCore.Connector,
        jitterSource: @escaping @Sendable () -> Double
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: AMILogKey.host] = "\(configuration.host)"
        logger[metadataKey: AMILogKey.port] = "\(configuration.port)"
        let core = AMIClientCore(
            configuration: configuration,
            eventLoop: eventLoop,
            logger: logger,
            connector: connector,
            jitterSource: jitterSource
        )
        self.core = NIOLoopBoundBox.makeBoxSendingValue(core, eventLoop: eventLoop)
    }

    /// Starts connecting; from now on the client reconnects until `shutdown()`.
    ///
    /// A second call is ignored. The delegate is kept until shutdown completes.
    public func start(delegate: any AMIClientDelegate) {
        self.onLoop { core in core.start(delegate: delegate, box: self.core) }
    }

    /// Sends `action` with a fresh `ActionID` and returns its answer.
    ///
    /// The future succeeds with the `Response` (and, for event-list actions, the collected
    /// items) even for `Response: Error`: see `AMIResponse.checked()`. It fails with
    /// `.notConnected` when no logged-in connection exists, `.encoding` when a header holds
    /// CR/LF/NUL (nothing is written), `.timeout` after `timeout` (default
    /// `configuration.actionTimeout`; only this action fails, a late answer is dropped), and
    /// `.connectionClosed` when the connection drops first.
    public func send(_ action: AMIAction, timeout: TimeAmount? = nil) -> EventLoopFuture<AMIResponse> {
        if self.eventLoop.inEventLoop {
            return self.core.value.send(action, timeout: timeout)
        }
        return self.eventLoop.flatSubmit {
            self.core.value.send(action, timeout: timeout)
        }
    }

    /// `send(_:timeout:)` for async callers.
    public func send(_ action: AMIAction, timeout: TimeAmount? = nil) async throws -> AMIResponse {
        let future: EventLoopFuture<AMIResponse> = self.send(action, timeout: timeout)
        return try await future.get()
    }

    /// Logs off when connected, closes the connection and stops reconnecting.
    ///
    /// Idempotent: every call returns a future that completes once the client is shut down
    /// (the delegate has seen `.shutdown`). Never fails.
    @discardableResult
    public func shutdown() -> EventLoopFuture<Void> {
        if self.eventLoop.inEventLoop {
            return self.core.value.shutdown()
        }
        return self.eventLoop.flatSubmit {
            self.core.value.shutdown()
        }
    }

    /// `shutdown()` for async callers.
    public func shutdown() async {
        // The future never fails.
        try? await self.shutdown().get()
    }

    /// The delay before reconnecting after the `attempt`-th consecutive failure, with
    /// `jitter` in -1...1 (random in the client). Exposed so the policy can be shown and
    /// tested: with the defaults and no jitter 0.5, 1, 2, 4, 8, 16, 30, 30 … s.
    public static func backoff(attempt: Int, configuration: AMIConfiguration.Backoff, jitter: Double) -> TimeAmount {
        AMIConnectionStateMachine.backoff(attempt: attempt, configuration: configuration, jitter: jitter)
    }

    private func onLoop(_ body: @escaping @Sendable (AMIClientCore) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self.core.value)
        } else {
            self.eventLoop.execute { body(self.core.value) }
        }
    }
}
