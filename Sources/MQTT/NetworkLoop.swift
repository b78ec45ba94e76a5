import CMosquitto
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// libmosquitto's network loop on a thread of the client's own, reconnecting on the client's
/// `ReconnectSchedule`.
///
/// It does what `mosquitto_loop_start` runs (`mosquitto_loop` while a connection is up or under
/// way, a reconnect once it ended) with the delays decided here: libmosquitto's own count whole
/// seconds, so a broker back after one second was reached only ~5 s after it went away. Also,
/// a refused MQTT 5 CONNACK, which ends libmosquitto's own loop for good, is here one more
/// failed attempt, retried after the configured refusal backoff.
///
/// The thread keeps this object alive, never the client: a client dropped without `stop()`
/// still reaches its `deinit`, which stops the loop (a clean DISCONNECT) and joins the thread.
final class NetworkLoop: Sendable {
    private struct State {
        var stopping = false
        var thread: pthread_t?
        var schedule: ReconnectSchedule
        /// When the current connection's CONNACK accepted it.
        var connectedAt: ContinuousClock.Instant?
        /// The broker refused the attempt under way (set by the CONNACK callback).
        var refused = false
        var refusedAttempts = 0
        var attempts = 0
        /// The client went away on this thread (its last reference ended in a callback): the
        /// thread cannot join itself, so it destroys the handle when it ends.
        var destroyOnExit = false
    }

    /// The `mosquitto*`, shared under libmosquitto's threading contract (the client's `handle`).
    nonisolated(unsafe) let handle: OpaquePointer
    private let refusalDelay: @Sendable (_ attempt: Int) -> Duration
    /// How long `mosquitto_loop` may wait in `select`, in milliseconds (publish, subscribe and
    /// disconnect wake it sooner; libmosquitto lowers it to keep the keepalive).
    private let selectTimeoutMilliseconds: Int32
    private let state: Mutex<State>
    /// Signalled by `stop()` to cut a reconnect delay short.
    private let wake = DispatchSemaphore(value: 0)

    init(
        handle: OpaquePointer, schedule: ReconnectSchedule, keepAliveSeconds: Int,
        refusalDelay: @escaping @Sendable (_ attempt: Int) -> Duration
    ) {
        self.handle = handle
        self.refusalDelay = refusalDelay
        self.selectTimeoutMilliseconds = Int32(min(keepAliveSeconds, 5) * 1000)
        self.state = Mutex(State(schedule: schedule))
    }

    // MARK: Control (any thread but the loop's)

    /// Starts the thread. `connecting`: a connection attempt is already under way (a successful
    /// `mosquitto_connect_async`); otherwise the first attempt waits for the schedule's first delay.
    func start(connecting: Bool) -> Bool {
        var thread = pthread_t()
        let argument = Unmanaged.passRetained(StartArgument(loop: self, connecting: connecting)).toOpaque()
        guard pthread_create(&thread, nil, networkLoopMain, argument) == 0 else {
            Unmanaged<StartArgument>.fromOpaque(argument).release()
            return false
        }
        let stoppedMeanwhile = self.state.withLock { state in
            state.thread = thread
            return state.stopping
        }
        if stoppedMeanwhile {
            // `stop()` ran before the thread was known: it ends at once; join it here.
            self.wake.signal()
            pthread_join(thread, nil)
            self.state.withLock { $0.thread = nil }
        }
        return true
    }

    /// Ends the loop: a DISCONNECT if connected (no will), then joins the thread. Idempotent.
    /// On the loop's own thread (a client released inside a callback) it cannot join: the
    /// thread ends by itself and destroys the handle (`destroysHandle`).
    func stop() {
        let (thread, first) = self.state.withLock { state -> (pthread_t?, Bool) in
            let first = !state.stopping
            state.stopping = true
            return (state.thread, first)
        }
        guard let thread else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            self.state.withLock { $0.destroyOnExit = true }
            return
        }
        if first {
            self.wake.signal()
            // Wakes `select` at once when connected (the DISCONNECT is a queued packet).
            _ = mosquitto_disconnect(self.handle)
        }
        pthread_join(thread, nil)
        self.state.withLock { $0.thread = nil }
    }

    /// True when the thread, not the client's `deinit`, destroys the handle (see `stop()`).
    var destroysHandle: Bool { self.state.withLock { $0.destroyOnExit } }

    /// Connection attempts made so far (the first connect in `start` not counted).
    var attempts: Int { self.state.withLock { $0.attempts } }

    // MARK: What the callbacks report

    /// The broker accepted the connection.
    func connected() {
        self.state.withLock { state in
            state.connectedAt = .now
            state.refusedAttempts = 0
        }
    }

    /// The broker refused the connection in its CONNACK.
    func refused() {
        self.state.withLock { $0.refused = true }
    }

    // MARK: The thread

    /// What `pthread_create` hands the thread.
    final class StartArgument {
        let loop: NetworkLoop
        let connecting: Bool

        init(loop: NetworkLoop, connecting: Bool) {
            self.loop = loop
            self.connecting = connecting
        }
    }

    fileprivate func run(connecting: Bool) {
        var random = SystemRandomNumberGenerator()
        var delay: Duration? = connecting ? nil : self.nextDelay(using: &random)
        while !self.isStopping {
            if let wait = delay {
                if self.wake.wait(timeout: .now() + .nanoseconds(Int(Self.nanoseconds(wait)))) == .success {
                    continue
                }
                if self.isStopping { break }
                self.state.withLock { $0.attempts += 1 }
                let rc = mosquitto_reconnect_async(self.handle)
                delay = rc == Int32(MOSQ_ERR_SUCCESS.rawValue) ? nil : self.nextDelay(using: &random)
                continue
            }
            let rc = mosquitto_loop(self.handle, self.selectTimeoutMilliseconds, 1)
            if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) && !self.isStopping {
                // The attempt failed, the broker refused it, or the connection ended.
                delay = self.nextDelay(using: &random)
            }
        }
        self.disconnectCleanly()
        if self.state.withLock({ $0.destroyOnExit }) {
            mosquitto_destroy(self.handle)
        }
    }

    private var isStopping: Bool { self.state.withLock { $0.stopping } }

    /// The delay before the next attempt: the refusal backoff after a refused CONNACK, the
    /// schedule otherwise (started over when the connection that just ended had lasted).
    private func nextDelay(using random: inout SystemRandomNumberGenerator) -> Duration {
        let now = ContinuousClock.now
        return self.state.withLock { state in
            if let connectedAt = state.connectedAt {
                state.schedule.connectionEnded(after: now - connectedAt)
                state.connectedAt = nil
            }
            if state.refused {
                state.refused = false
                state.refusedAttempts += 1
                return self.refusalDelay(state.refusedAttempts)
            }
            return state.schedule.nextDelay(using: &random)
        }
    }

    /// Sends DISCONNECT (so the broker keeps the will) and lets the loop write it, for up to a
    /// second. Also covers an attempt that connected while `stop()` ran.
    private func disconnectCleanly() {
        _ = mosquitto_disconnect(self.handle)
        let deadline = ContinuousClock.now + .seconds(1)
        while mosquitto_socket(self.handle) >= 0, ContinuousClock.now < deadline {
            if mosquitto_loop(self.handle, 20, 1) != Int32(MOSQ_ERR_SUCCESS.rawValue) { break }
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The thread's entry point: takes the retained argument and runs the loop.
#if canImport(Glibc)
    private func networkLoopMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        nameThisThread("mqtt loop")
        let start = Unmanaged<NetworkLoop.StartArgument>.fromOpaque(argument).takeRetainedValue()
        start.loop.run(connecting: start.connecting)
        return nil
    }
#else
    private func networkLoopMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        let start = Unmanaged<NetworkLoop.StartArgument>.fromOpaque(argument).takeRetainedValue()
        start.loop.run(connecting: start.connecting)
        return nil
    }
#endif

#if canImport(Glibc)
    /// Names the calling thread in `top -H`, `perf` and `/proc` as libmosquitto named its own
    /// thread ("mosquitto loop"). Glibc does not export `pthread_setname_np` to Swift, so this
    /// writes `/proc/thread-self/comm`; a failure only leaves the inherited name.
    private func nameThisThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = Array(name.utf8.prefix(15)).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
#endif
