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
    /// it is configured only in `init` (before any thread exists, threading enabled there) and
    /// afterwards used only through calls libmosquitto makes thread-safe (publish, subscribe,
    /// disconnect) and by `network`'s thread.
    nonisolated(unsafe) let handle: OpaquePointer
    public let configuration: MQTTConfiguration
    let logger: Logger
    let storage = Mutex(MQTTClientState())
    /// The thread that runs libmosquitto's loop and reconnects on `configuration.reconnect`.
    let network: NetworkLoop
    /// TLS failures seen in libmosquitto's log and not yet reported (MQTTClient+TLSFailures.swift).
    let tlsFailure = Mutex(MQTTTLSFailureState())
    /// Runs `stop(completion:)` and TLS failure reports off the caller's thread (joining the
    /// network thread blocks).
    let supervisor = DispatchQueue(label: "pbx2mqtt.mqtt.supervisor")

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
        logger[metadataKey: MQTTLogKey.clientID] = "\(configuration.clientID)"
        self.logger = logger
        let minimum = configuration.reconnectDelayMinSeconds
        let maximum = configuration.reconnectDelayMaxSeconds
        self.network = NetworkLoop(
            handle: handle, schedule: configuration.reconnect, keepAliveSeconds: configuration.keepAliveSeconds
        ) { attempt in
            .seconds(Self.refusalBackoff(attempt: attempt, minSeconds: minimum, maxSeconds: maximum))
        }
        // From here `deinit` runs on a throw and destroys the handle.
        try self.configure()
    }

    deinit {
        self.stop()
        if self.network.destroysHandle {
            // Released inside one of its own callbacks: the network thread, still running,
            // destroys the handle as it ends; callbacks until then find no client.
            mosquitto_user_data_set(self.handle, nil)
        } else {
            mosquitto_destroy(self.handle)
        }
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
        // The network loop runs on a thread of the client's own (`NetworkLoop`): libmosquitto
        // must use its locks and leave socket writes to that thread.
        try Self.check(mosquitto_threaded_set(self.handle, true), "enable threading")
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
    /// An unreachable broker is not an error: the client retries on `configuration.reconnect`
    /// and reports `.connected` once it gets through. Only misuse or a bad host/port throws.
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
        if rc == Int32(MOSQ_ERR_INVAL.rawValue) {
            self.abandonStart()
            throw MQTTError.from(rc, operation: "connect")
        }
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            // Broker down or name not resolvable yet: the network thread keeps retrying.
            self.logger.info(
                "MQTT broker not reachable yet, retrying",
                metadata: [
                    MQTTLogKey.host: "\(config.host)", MQTTLogKey.port: "\(config.port)",
                    MQTTLogKey.error: "\(Self.text(rc))",
                ])
        }
        guard self.network.start(connecting: rc == Int32(MOSQ_ERR_SUCCESS.rawValue)) else {
            self.abandonStart()
            throw MQTTError.invalidState("could not start the network thread")
        }
        self.logger.debug(
            "MQTT client started", metadata: [MQTTLogKey.host: "\(config.host)", MQTTLogKey.port: "\(config.port)"])
    }

    private func abandonStart() {
        self.storage.withLock {
            $0.lifecycle = .stopped
            $0.onEvent = nil
        }
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
            self.network.stop()
            self.logger.debug("MQTT client stopped")
        }
        self.storage.withLock { state in
            state.onEvent = nil
            state.isConnected = false
        }
    }

    /// `stop()` without blocking the caller: the disconnect and the join of the network thread
    /// run on the client's own queue, then `completion` runs there. For owners on an event
    /// loop, which must never block.
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
    /// - Parameter queueLimit: a tighter bound for this publication only. An owner that keeps
    ///   newer values itself (coalesced) passes a window, so they wait there rather than behind
    ///   stale ones in libmosquitto's queue. A refusal under it is the owner's to keep, so it is
    ///   not counted in `droppedMessageCount`.
    /// - Throws: `.queueFull` when `maxQueuedMessages` (or `queueLimit`) publications await the
    ///   broker, `.mosquitto` for an invalid topic, payload or property.
    @discardableResult
    public func publish(_ message: MQTTMessage, queueLimit: Int? = nil) throws(MQTTError) -> Int32 {
        let hardLimit = self.configuration.maxQueuedMessages
        let limit = min(queueLimit ?? hardLimit, hardLimit)
        let admission = self.storage.withLock { state -> (admitted: Bool, stopped: Bool) in
            if state.lifecycle == .stopped { return (false, true) }
            guard state.queuedCount < limit else {
                if state.queuedCount >= hardLimit { state.droppedCount += 1 }
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
                "MQTT QoS 0 message dropped while disconnected", metadata: [MQTTLogKey.topic: "\(message.topic)"])
            return mid
        default:
            throw MQTTError.from(rc, operation: "publish to \(message.topic)")
        }
    }

    /// Subscribes now if connected, and again after every reconnect.
    /// - Parameters:
    ///   - retainAsPublished: MQTT 5 only: deliver messages with the retain flag they were
    ///     published with. Brokers otherwise clear it on messages that arrive live, so a
    ///     subscriber could not tell a retained publication from a plain one (the bridge refuses
    ///     retained commands). Ignored under MQTT 3.1.1.
    ///   - noLocal: MQTT 5 only: the broker does not send this client's own publications back
    ///     (retained ones are still replayed on subscribe). Ignored under MQTT 3.1.1.
    /// - Returns: the SUBSCRIBE's message id, which `.subscribed(mid:)` reports when the broker
    ///   acknowledges it; nil when not connected (the subscription is then sent on the next
    ///   connect, with an id of the client's own).
    /// - Throws: `.mosquitto` for an invalid filter (checked before it is remembered).
    @discardableResult
    public func subscribe(_ filter: String, qos: MQTTQoS, retainAsPublished: Bool = false, noLocal: Bool = false)
        throws(MQTTError) -> Int32?
    {
        let valid = mosquitto_sub_topic_check(filter)
        if valid != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError.from(valid, operation: "subscribe to \(filter)")
        }
        let subscription = MQTTClientState.Subscription(
            filter: filter, qos: qos, retainAsPublished: retainAsPublished, noLocal: noLocal)
        let stopped = self.storage.withLock { state -> Bool in
            if state.lifecycle == .stopped { return true }
            if let index = state.subscriptions.firstIndex(where: { $0.filter == filter }) {
                state.subscriptions[index] = subscription
            } else {
                state.subscriptions.append(subscription)
            }
            return false
        }
        if stopped { throw MQTTError.invalidState("subscribe() after stop()") }
        var mid: Int32 = 0
        let rc = self.sendSubscribe(subscription, mid: &mid)
        if rc == Int32(MOSQ_ERR_NO_CONN.rawValue) {
            return nil
        }
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError.from(rc, operation: "subscribe to \(filter)")
        }
        return mid
    }

    /// One SUBSCRIBE, with the MQTT 5 options asked for (none under MQTT 3.1.1); `mid` gets
    /// its message id when it was sent.
    func sendSubscribe(_ subscription: MQTTClientState.Subscription, mid: inout Int32) -> Int32 {
        var options: Int32 = 0
        if subscription.retainAsPublished { options |= Int32(MQTT_SUB_OPT_RETAIN_AS_PUBLISHED.rawValue) }
        if subscription.noLocal { options |= Int32(MQTT_SUB_OPT_NO_LOCAL.rawValue) }
        guard options != 0, self.configuration.protocolVersion == .v5 else {
            return mosquitto_subscribe(self.handle, &mid, subscription.filter, Int32(subscription.qos.rawValue))
        }
        return mosquitto_subscribe_v5(
            self.handle, &mid, subscription.filter, Int32(subscription.qos.rawValue), options, nil)
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

    /// Connection attempts after the first one (reconnects and retries), for the metrics.
    public var reconnectAttempts: Int {
        self.network.attempts
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
