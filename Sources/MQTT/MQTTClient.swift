import CMosquitto
import Dispatch
import Logging
import Synchronization

/// One connection to an MQTT broker through libmosquitto, reconnecting by itself for its whole life.
///
/// Threading: `onEvent` runs on libmosquitto's network thread with values already copied; the
/// owner hops onto its own executor from there and must not call `stop()` from inside it.
/// `publish`, `subscribe` and `stop` may be called from any thread.
///
/// Sendable, checked by the compiler for everything but the one C pointer: every Swift-side
/// mutable value sits in `storage` (a `Mutex`).
public final class MQTTClient: Sendable {
    /// The `mosquitto*`, never exposed. Shared across threads by libmosquitto's own contract:
    /// it is configured only in `init` (before any thread exists) and afterwards used only
    /// through calls libmosquitto makes thread-safe once `mosquitto_loop_start` has enabled
    /// threading (publish, subscribe, disconnect); starting and stopping the loop is
    /// serialised on `supervisor`.
    nonisolated(unsafe) let handle: OpaquePointer
    public let configuration: MQTTConfiguration
    let logger: Logger
    let storage = Mutex(MQTTClientState())
    /// TLS failures seen in libmosquitto's log and not yet reported (MQTTClient+TLSFailures.swift).
    let tlsFailure = Mutex(MQTTTLSFailureState())
    /// Serialises loop restarts and `stop`, off libmosquitto's thread (the loop thread cannot be
    /// restarted or joined from inside its own callbacks).
    let supervisor = DispatchQueue(label: "pbx2mqtt.mqtt.supervisor")
    /// Marks `supervisor` so `stop()` knows when it already runs on it.
    private static let supervisorKey = DispatchSpecificKey<ObjectIdentifier>()

    // MARK: Lifecycle

    /// Creates and configures the libmosquitto client; nothing touches the network yet.
    /// - Throws: `MQTTError.invalidConfiguration` for out-of-range values, `.mosquitto` when
    ///   libmosquitto rejects an option (e.g. unreadable TLS files).
    public init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        try configuration.validate()
        try MosquittoLibrary.ensureInitialised()
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError.outOfMemory
        }
        self.handle = handle
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientID)"
        self.logger = logger
        self.supervisor.setSpecific(key: Self.supervisorKey, value: ObjectIdentifier(self))
        // From here `deinit` runs on a throw and destroys the handle.
        try self.configure()
    }

    deinit {
        self.stop()
        mosquitto_destroy(self.handle)
    }

    private func configure() throws(MQTTError) {
        let config = self.configuration
        mosquitto_user_data_set(self.handle, Unmanaged.passUnretained(self).toOpaque())
        try Self.check(
            mosquitto_int_option(self.handle, MOSQ_OPT_PROTOCOL_VERSION, config.protocolVersion.mosquittoValue),
            "set protocol version")
        try Self.check(mosquitto_int_option(self.handle, MOSQ_OPT_TCP_NODELAY, 1), "set TCP_NODELAY")
        if let username = config.username {
            try Self.check(mosquitto_username_pw_set(self.handle, username, config.password), "set credentials")
        }
        if let tls = config.tls {
            try Self.check(
                mosquitto_tls_set(self.handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil), "configure TLS")
            try Self.check(mosquitto_tls_insecure_set(self.handle, tls.insecure), "configure TLS host check")
            self.installTLSFailureLog()
        }
        if let will = config.will {
            try self.setWill(will)
        }
        try Self.check(
            mosquitto_reconnect_delay_set(
                self.handle, UInt32(config.reconnectDelayMinSeconds), UInt32(config.reconnectDelayMaxSeconds), true),
            "set reconnect delay")
        self.installCallbacks()
    }

    private func setWill(_ will: MQTTMessage) throws(MQTTError) {
        var properties: OpaquePointer? =
            self.configuration.protocolVersion == .v5 ? try will.properties.makeMosquittoList() : nil
        let rc = will.payload.withUnsafeBytes { raw in
            mosquitto_will_set_v5(
                self.handle, will.topic, Int32(raw.count), raw.baseAddress, Int32(will.qos.rawValue), will.retain,
                properties)
        }
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            // On success libmosquitto owns the list; on error it is still ours.
            mosquitto_property_free_all(&properties)
            throw MQTTError.from(rc, operation: "set will")
        }
    }

    /// Connects in the background and keeps reconnecting until `stop()`.
    ///
    /// An unreachable broker is not an error: the client retries with backoff and reports
    /// `.connected` once it gets through. Only misuse or a bad host/port throws.
    public func start(onEvent: @escaping @Sendable (MQTTClientEvent) -> Void) throws(MQTTError) {
        let ok = self.storage.withLock { state in
            guard state.lifecycle == .idle else { return false }
            state.lifecycle = .running
            state.onEvent = onEvent
            return true
        }
        guard ok else { throw MQTTError.invalidState("start() may be called once, before stop()") }
        let config = self.configuration
        let rc = mosquitto_connect_async(self.handle, config.host, Int32(config.port), Int32(config.keepAliveSeconds))
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            if rc == Int32(MOSQ_ERR_INVAL.rawValue) {
                self.storage.withLock {
                    $0.lifecycle = .stopped
                    $0.onEvent = nil
                }
                throw MQTTError.from(rc, operation: "connect")
            }
            // Broker down or name not resolvable yet: the loop thread keeps retrying.
            self.logger.info(
                "MQTT broker not reachable yet, retrying",
                metadata: [
                    "mqtt.host": "\(config.host)", "mqtt.port": "\(config.port)", "mqtt.error": "\(Self.text(rc))",
                ])
        }
        let loop = mosquitto_loop_start(self.handle)
        if loop != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            self.storage.withLock {
                $0.lifecycle = .stopped
                $0.onEvent = nil
            }
            throw MQTTError.from(loop, operation: "start network thread")
        }
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            // libmosquitto 2.0 leaves the client in its "new" state after a failed first connect
            // and its network thread waits for that state to change: it would never retry.
            self.scheduleConnectRetry(attempt: 1)
        }
        self.logger.debug(
            "MQTT client started", metadata: ["mqtt.host": "\(config.host)", "mqtt.port": "\(config.port)"])
    }

    /// Disconnects cleanly (no will is sent), stops the network thread and forgets `onEvent`.
    /// Idempotent; blocks until the thread has ended. Never call it from `onEvent`.
    public func stop() {
        let previous = self.storage.withLock { state in
            let previous = state.lifecycle
            state.lifecycle = .stopped
            return previous
        }
        if previous == .running {
            if DispatchQueue.getSpecific(key: Self.supervisorKey) == ObjectIdentifier(self) {
                // The last reference went away inside a supervisor task: already serialised.
                self.disconnectAndJoinLoop()
            } else {
                self.supervisor.sync {
                    self.disconnectAndJoinLoop()
                }
            }
            self.logger.debug("MQTT client stopped")
        }
        self.storage.withLock { state in
            state.onEvent = nil
            state.isConnected = false
        }
    }

    /// Ends libmosquitto's network thread. `mosquitto_disconnect` marks the client disconnected
    /// and the thread leaves its loop when it next looks; but a reconnect attempt running at that
    /// moment overwrites the mark, and the join would wait forever. A watchdog repeats the
    /// disconnect until the join returns, and is itself waited for so it never touches a
    /// destroyed handle.
    private func disconnectAndJoinLoop() {
        _ = mosquitto_disconnect(self.handle)
        let joined = DispatchSemaphore(value: 0)
        let watchdogDone = DispatchSemaphore(value: 0)
        // The watchdog only calls `mosquitto_disconnect`, which libmosquitto allows from any
        // thread, and ends before the handle can be destroyed.
        nonisolated(unsafe) let handle = self.handle
        DispatchQueue.global().async {
            while joined.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
                _ = mosquitto_disconnect(handle)
            }
            watchdogDone.signal()
        }
        _ = mosquitto_loop_stop(self.handle, false)
        joined.signal()
        watchdogDone.wait()
    }

    /// `stop()` without blocking the caller: the disconnect and the join of libmosquitto's
    /// thread run on the client's own queue, then `completion` runs there. For owners on an
    /// event loop, which must never block.
    public func stop(completion: @escaping @Sendable () -> Void) {
        self.supervisor.async {
            self.stop()
            completion()
        }
    }

    /// Reports `.queueBelow(queued:)` once at most `count` publications wait for the broker:
    /// at once if that is already so, else from libmosquitto's acknowledgements. A new request
    /// replaces an earlier one.
    public func notifyWhenQueued(atMost count: Int) {
        let reached = self.storage.withLock {
            state -> (queued: Int, handler: (@Sendable (MQTTClientEvent) -> Void)?)? in
            state.queueNotice = count
            guard let queued = state.takeQueueNotice() else { return nil }
            return (queued, state.onEvent)
        }
        if let reached {
            reached.handler?(.queueBelow(queued: reached.queued))
        }
    }

    // MARK: Outbound

    /// Queues a publication and returns its message id.
    ///
    /// While the broker is unreachable QoS 1/2 messages stay queued in libmosquitto and are sent
    /// after the reconnect (success is returned: retrying would duplicate them). QoS 0 messages
    /// cannot be queued: they are counted in `droppedMessageCount` and not thrown.
    /// Under MQTT 3.1.1 `message.properties` are not sent.
    /// - Throws: `.queueFull` when `maxQueuedMessages` publications await the broker,
    ///   `.mosquitto` for an invalid topic, payload or property.
    @discardableResult
    public func publish(_ message: MQTTMessage) throws(MQTTError) -> Int32 {
        let limit = self.configuration.maxQueuedMessages
        let admission = self.storage.withLock { state -> (admitted: Bool, stopped: Bool) in
            if state.lifecycle == .stopped { return (false, true) }
            guard state.queuedCount < limit else {
                state.droppedCount += 1
                return (false, false)
            }
            return (true, false)
        }
        if admission.stopped {
            throw MQTTError.invalidState("publish() after stop()")
        }
        // Refusals are the owner's to log, once per episode (it sees every one): a line
        // per refused message would flood the log exactly when the system is busiest.
        guard admission.admitted else {
            throw MQTTError.queueFull(limit: limit)
        }

        var properties: OpaquePointer? =
            self.configuration.protocolVersion == .v5 ? try message.properties.makeMosquittoList() : nil
        defer { mosquitto_property_free_all(&properties) }
        var mid: Int32 = 0
        let rc = message.payload.withUnsafeBytes { raw in
            mosquitto_publish_v5(
                self.handle, &mid, message.topic, Int32(raw.count), raw.baseAddress, Int32(message.qos.rawValue),
                message.retain, properties)
        }
        switch rc {
        case Int32(MOSQ_ERR_SUCCESS.rawValue):
            self.storage.withLock { $0.accepted(mid: mid, qos: message.qos) }
            return mid
        case Int32(MOSQ_ERR_NO_CONN.rawValue) where message.qos != .atMostOnce:
            // libmosquitto queued it before finding no socket; it goes out after the reconnect.
            self.storage.withLock { $0.accepted(mid: mid, qos: message.qos) }
            return mid
        case Int32(MOSQ_ERR_NO_CONN.rawValue):
            self.storage.withLock { $0.droppedCount += 1 }
            self.logger.debug(
                "MQTT QoS 0 message dropped while disconnected", metadata: ["mqtt.topic": "\(message.topic)"])
            return mid
        default:
            throw MQTTError.from(rc, operation: "publish to \(message.topic)")
        }
    }

    /// Subscribes now if connected, and again after every reconnect.
    /// - Parameter retainAsPublished: MQTT 5 only: deliver messages with the retain flag they
    ///   were published with. Brokers otherwise clear it on messages that arrive live, so a
    ///   subscriber could not tell a retained publication from a plain one (the bridge refuses
    ///   retained commands). Ignored under MQTT 3.1.1.
    /// - Throws: `.mosquitto` for an invalid filter (checked before it is remembered).
    public func subscribe(_ filter: String, qos: MQTTQoS, retainAsPublished: Bool = false) throws(MQTTError) {
        let valid = mosquitto_sub_topic_check(filter)
        if valid != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError.from(valid, operation: "subscribe to \(filter)")
        }
        let stopped = self.storage.withLock { state -> Bool in
            if state.lifecycle == .stopped { return true }
            if let index = state.subscriptions.firstIndex(where: { $0.filter == filter }) {
                state.subscriptions[index].qos = qos
                state.subscriptions[index].retainAsPublished = retainAsPublished
            } else {
                state.subscriptions.append((filter: filter, qos: qos, retainAsPublished: retainAsPublished))
            }
            return false
        }
        if stopped { throw MQTTError.invalidState("subscribe() after stop()") }
        let rc = self.sendSubscribe(filter, qos: qos, retainAsPublished: retainAsPublished)
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) && rc != Int32(MOSQ_ERR_NO_CONN.rawValue) {
            throw MQTTError.from(rc, operation: "subscribe to \(filter)")
        }
    }

    /// One SUBSCRIBE, with the retain-as-published option when asked for under MQTT 5.
    func sendSubscribe(_ filter: String, qos: MQTTQoS, retainAsPublished: Bool) -> Int32 {
        guard retainAsPublished, self.configuration.protocolVersion == .v5 else {
            return mosquitto_subscribe(self.handle, nil, filter, Int32(qos.rawValue))
        }
        return mosquitto_subscribe_v5(
            self.handle, nil, filter, Int32(qos.rawValue), Int32(MQTT_SUB_OPT_RETAIN_AS_PUBLISHED.rawValue), nil)
    }

    // MARK: Counters

    /// Publications handed to libmosquitto and not yet confirmed (QoS 1/2: acknowledged; QoS 0:
    /// written to the socket). Bounded by `maxQueuedMessages`.
    public var queuedMessageCount: Int {
        self.storage.withLock { $0.queuedCount }
    }

    /// Publications lost: refused with `.queueFull`, QoS 0 while disconnected, or QoS 0 still
    /// queued when the connection dropped (libmosquitto discards those on reconnect).
    public var droppedMessageCount: Int {
        self.storage.withLock { $0.droppedCount }
    }

    /// True between `.connected` and the next `.disconnected`.
    public var isConnected: Bool {
        self.storage.withLock { $0.isConnected }
    }

    // MARK: Helpers

    static func check(_ rc: Int32, _ operation: String) throws(MQTTError) {
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError.from(rc, operation: operation)
        }
    }

    static func text(_ rc: Int32) -> String {
        mosquitto_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
    }
}
