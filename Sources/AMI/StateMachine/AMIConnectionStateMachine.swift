import NIOCore
import PBXCore

/// The AMI connection protocol as pure data: banner, MD5 or plain login, filters,
/// keepalive, reconnect with backoff and shutdown.
///
/// It does no I/O and reads no clock. Each event (something that happened) is a mutating
/// method that returns the one `Action` the client's NIO shell must perform. Because the
/// client reconnects, the machine outlives any single channel: its states cover the whole
/// cycle `connecting` → `awaitingBanner` → (`challenging` →) `loggingIn` → (`filtering` →)
/// `connected` → `closing` → `waitingToReconnect` → `connecting` …
///
/// Attempts are numbered from 1 since start or since the last successful login. Attempt `n`
/// failing waits `backoff(attempt: n)` before attempt `n + 1`; a logged-in connection that
/// drops waits `backoff(attempt: 1)` before attempt 1. So a refused login backs off like a
/// refused connect and never hammers Asterisk.
struct AMIConnectionStateMachine {
    /// The client's own actions, answered to the machine rather than to a caller.
    enum InternalAction: Hashable {
        case challenge
        case login
        case filter(String)
        case ping
        case logoff
    }

    /// An internal action to write, with its `ActionID` and how long to wait for the answer.
    struct Outgoing: Hashable {
        var kind: InternalAction
        var actionID: String
        var action: AMIAction
        var timeout: TimeAmount
    }

    /// A `Filter` action Asterisk refused, and its message.
    struct FilterRefusal: Hashable {
        var filter: String
        var message: String

        /// `Permission denied`: the user lacks `system` write permission; every filter
        /// will be refused the same way.
        var isPermissionDenied: Bool { self.message.containsCaseInsensitive("permission denied") }
    }

    /// What the shell must do.
    enum Action: Hashable {
        /// Nothing.
        case none
        /// Report `.connecting(attempt)` and open a TCP connection.
        case connect(attempt: Int)
        /// The TCP connection is up: wait at most `timeout` for the banner.
        case awaitBanner(timeout: TimeAmount)
        /// Write these internal actions (one flush), each pending with its own timeout.
        case write([Outgoing])
        /// Logged in: report `.connected`, log the refused filters, start the keepalive.
        case reportConnected(AMIServerInfo, filterRefusals: [FilterRefusal])
        /// Close the channel; `channelClosed()` follows.
        case close
        /// The timed-out internal action stays pending: re-arm its timer for this long.
        case extendTimeout(TimeAmount)
        /// The connection is gone: fail pending actions with `.connectionClosed`, stop the
        /// keepalive, report `.disconnected(reason, retryIn: delay)` and call
        /// `reconnectTimerFired()` after `delay`.
        case scheduleReconnect(reason: AMIClientError, delay: TimeAmount)
        /// Shutdown done: fail pending actions, report `.shutdown`, complete `shutdown()`.
        case finishShutdown
    }

    /// The keepalive Ping's progress.
    enum PingState: Hashable {
        /// No Ping unanswered.
        case idle
        /// A Ping is unanswered; `progressSeen` once an answer to an earlier action (a
        /// response or list item) arrived after it was sent.
        case outstanding(progressSeen: Bool)
    }

    struct Banner: Hashable {
        var product: String
        var version: String
    }

    enum State {
        /// Not started.
        case idle
        /// TCP connect under way.
        case connecting(attempt: Int)
        /// TCP up, banner not yet read.
        case awaitingBanner(attempt: Int)
        /// MD5: `Challenge` sent.
        case challenging(attempt: Int, banner: Banner)
        /// `Login` sent.
        case loggingIn(attempt: Int, banner: Banner)
        /// Logged in; `waiting` Filter actions still unanswered.
        case filtering(banner: Banner, waiting: Int, refusals: [FilterRefusal])
        /// Ready for actions.
        case connected(banner: Banner, ping: PingState)
        /// Closing the channel on purpose; `attempt` is nil when the connection had logged in.
        case closing(attempt: Int?, reason: AMIClientError)
        /// Waiting for the reconnect timer; `attempt` is the next attempt's number.
        case waitingToReconnect(attempt: Int)
        /// `shutdown()` called, the channel (if any) is closing.
        case shuttingDown
        /// Finished.
        case shutdown
    }

    let configuration: AMIConfiguration
    /// Returns a value in -1...1 that moves each backoff delay; injected so tests are
    /// deterministic.
    let jitterSource: () -> Double
    var state: State = .idle
    /// Increments with every TCP connection so ActionIDs are never reused across connections
    /// (a late answer from the old connection can never complete a new action).
    var connectionNumber = 0
    var actionCounter = 0

    init(configuration: AMIConfiguration, jitterSource: @escaping () -> Double = { Double.random(in: -1...1) }) {
        self.configuration = configuration
        self.jitterSource = jitterSource
    }

    // MARK: Queries

    /// True while actions from callers may be sent.
    var isConnected: Bool {
        if case .connected = self.state { return true }
        return false
    }

    /// True once `shutdownRequested()` has been called.
    var isShuttingDown: Bool {
        switch self.state {
        case .shuttingDown, .shutdown: true
        default: false
        }
    }

    /// A fresh ActionID for a caller's action, or nil when not connected.
    mutating func nextActionID() -> String? {
        guard self.isConnected else { return nil }
        return self.makeActionID()
    }

    mutating func makeActionID() -> String {
        self.actionCounter += 1
        return "\(AMIClient.actionIDPrefix)\(self.connectionNumber)-\(self.actionCounter)"
    }

    // MARK: Lifecycle events

    /// `start()` was called.
    mutating func start() -> Action {
        guard case .idle = self.state else { return .none }
        return self.connect(attempt: 1)
    }

    /// The reconnect delay has passed.
    mutating func reconnectTimerFired() -> Action {
        guard case .waitingToReconnect(let attempt) = self.state else { return .none }
        return self.connect(attempt: attempt)
    }

    mutating func connect(attempt: Int) -> Action {
        self.state = .connecting(attempt: attempt)
        self.connectionNumber += 1
        self.actionCounter = 0
        return .connect(attempt: attempt)
    }

    /// The TCP connect failed.
    mutating func connectFailed(_ error: AMIClientError) -> Action {
        switch self.state {
        case .connecting(let attempt):
            return self.retry(after: attempt, reason: error)
        case .shuttingDown:
            self.state = .shutdown
            return .finishShutdown
        default:
            return .none
        }
    }

    /// The TCP connection is up.
    mutating func channelActive() -> Action {
        switch self.state {
        case .connecting(let attempt):
            self.state = .awaitingBanner(attempt: attempt)
            return .awaitBanner(timeout: self.configuration.actionTimeout)
        case .shuttingDown:
            return .close
        default:
            return .none
        }
    }

    /// The channel closed, whoever closed it.
    mutating func channelClosed() -> Action {
        switch self.state {
        case .connecting(let attempt), .awaitingBanner(let attempt),
            .challenging(let attempt, _), .loggingIn(let attempt, _):
            return self.retry(after: attempt, reason: .connectionClosed)
        case .filtering, .connected:
            return self.retry(after: nil, reason: .connectionClosed)
        case .closing(let attempt, let reason):
            return self.retry(after: attempt, reason: reason)
        case .shuttingDown:
            self.state = .shutdown
            return .finishShutdown
        case .idle, .waitingToReconnect, .shutdown:
            return .none
        }
    }

    /// Something broke the connection (a decoder error, a write error): close it and report
    /// `reason` when it has closed.
    mutating func connectionFailed(_ reason: AMIClientError) -> Action {
        switch self.state {
        case .connecting(let attempt), .awaitingBanner(let attempt),
            .challenging(let attempt, _), .loggingIn(let attempt, _):
            self.state = .closing(attempt: attempt, reason: reason)
            return .close
        case .filtering, .connected:
            self.state = .closing(attempt: nil, reason: reason)
            return .close
        case .shuttingDown:
            return .close
        case .idle, .closing, .waitingToReconnect, .shutdown:
            return .none
        }
    }

    /// `shutdown()` was called.
    mutating func shutdownRequested() -> Action {
        switch self.state {
        case .idle, .waitingToReconnect:
            self.state = .shutdown
            return .finishShutdown
        case .connecting:
            // The connect result decides: channelActive closes, connectFailed finishes.
            self.state = .shuttingDown
            return .none
        case .connected:
            self.state = .shuttingDown
            let logoff = Outgoing(
                kind: .logoff,
                actionID: self.makeActionID(),
                action: AMIAction("Logoff"),
                timeout: min(self.configuration.actionTimeout, .seconds(2))
            )
            return .write([logoff])
        case .awaitingBanner, .challenging, .loggingIn, .filtering, .closing:
            self.state = .shuttingDown
            return .close
        case .shuttingDown, .shutdown:
            return .none
        }
    }

    mutating func retry(after attempt: Int?, reason: AMIClientError) -> Action {
        let failed = attempt ?? 1
        let next = (attempt ?? 0) + 1
        self.state = .waitingToReconnect(attempt: next)
        let delay = Self.backoff(
            attempt: failed, configuration: self.configuration.backoff, jitter: self.jitterSource())
        return .scheduleReconnect(reason: reason, delay: delay)
    }

    // MARK: Helpers

    mutating func outgoing(_ kind: InternalAction, _ action: AMIAction) -> Outgoing {
        Outgoing(kind: kind, actionID: self.makeActionID(), action: action, timeout: self.configuration.actionTimeout)
    }

    func serverInfo(_ banner: Banner) -> AMIServerInfo {
        AMIServerInfo(
            product: banner.product,
            amiVersion: banner.version,
            host: self.configuration.host,
            port: self.configuration.port
        )
    }

    /// `md5_hex(challenge + secret)`, the `Key` of an MD5 login.
    static func md5Key(challenge: String, secret: String) -> String {
        MD5.hex(challenge + secret)
    }

    /// The delay before reconnecting after the `attempt`-th consecutive failure (1-based):
    /// `initial * factor^(attempt-1)`, capped at `maximum`, then scaled by
    /// `1 + configuration.jitter * jitter` and capped again, so it never exceeds `maximum`.
    ///
    /// With the defaults (0.5 s, ×2, 30 s) and no jitter: 0.5, 1, 2, 4, 8, 16, 30, 30 … s.
    /// - Parameter jitter: a value in -1...1 (clamped), random in production.
    static func backoff(attempt: Int, configuration: AMIConfiguration.Backoff, jitter: Double) -> TimeAmount {
        let nanoseconds = Backoff.delay(
            attempt: attempt,
            initial: Double(configuration.initial.nanoseconds),
            factor: configuration.factor,
            maximum: Double(configuration.maximum.nanoseconds),
            jitterFraction: configuration.jitter,
            jitter: jitter
        )
        return .nanoseconds(Int64(nanoseconds))
    }
}
