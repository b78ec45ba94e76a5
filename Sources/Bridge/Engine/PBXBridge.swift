import AMI
import CallCenter
import Foundation
import Logging
import MQTT
import NIOCore

/// The bridge: keeps the call-center model in step with Asterisk and mirrors it to MQTT.
///
/// Ownership: every mutable property is read and written only on `eventLoop`, the AMI
/// client's own loop. AMI callbacks already arrive there; MQTT callbacks arrive on
/// libmosquitto's thread and hop onto it at once. That single serial executor is why the
/// class needs no locks, and it is the invariant behind `@unchecked Sendable`.
public final class PBXBridge: @unchecked Sendable {
    public static let version = "0.1.0"

    public let eventLoop: any EventLoop
    /// Replaced by `reconfigure` (SIGHUP); read on `eventLoop` only once started.
    public private(set) var configuration: BridgeConfiguration
    private(set) var ami: AMIClient
    private(set) var mqtt: MQTTClient
    let logger: Logger
    let clock: @Sendable () -> CallCenterTime
    let metrics: BridgeMetrics

    // MARK: State (event loop only)

    var model: CallCenterState
    /// Non-nil while an initial sync runs: events received meanwhile, replayed onto the snapshot.
    var syncBuffer: [(AMIMessage, CallCenterTime)]?
    /// Bumped on every AMI connection change, so that a stale sync result is ignored.
    var syncGeneration = 0
    var amiState: AMIConnectionState = .connecting(attempt: 0)
    var amiStateSince: CallCenterTime
    var mqttConnected = false
    var started = false
    var stopping = false
    lazy var commands = CommandCenter(bridge: self)
    /// Retained publishes refused by a full client queue, newest value per topic, sent as it drains.
    var deferredState: [String: MQTTMessage] = [:]
    var deferredFlushScheduled = false
    /// Looks for stale retained topics after the first broker connect; nil once done.
    var sweep: StaleTopicSweep?
    var sweptOnce = false
    /// Whether a full AMI sync has completed since the process started.
    var hasSynced = false
    /// Unknown status codes already logged, so each is logged once.
    var loggedUnknownCodes: Set<String> = []

    /// - Parameters:
    ///   - ami: a client not yet started; the bridge starts it and keeps its state on its loop.
    ///   - mqtt: a client not yet started.
    ///   - clock: stamps each AMI event on receipt (the model itself never reads a clock).
    public init(
        configuration: BridgeConfiguration,
        ami: AMIClient,
        mqtt: MQTTClient,
        logger: Logger,
        clock: @escaping @Sendable () -> CallCenterTime = CallCenterTime.now
    ) {
        self.configuration = configuration
        self.ami = ami
        self.mqtt = mqtt
        self.eventLoop = ami.eventLoop
        self.logger = logger
        self.clock = clock
        self.model = CallCenterState(configuration: configuration.callCenter)
        self.amiStateSince = clock()
        self.metrics = BridgeMetrics()
    }

    // MARK: Lifecycle

    /// Connects both sides. Returns once started; the connections then live until `shutdown`.
    public func start() -> EventLoopFuture<Void> {
        self.eventLoop.submit {
            guard !self.started else { return }
            self.started = true
            try self.startMQTT(self.mqtt)
            self.ami.start(delegate: AMIDelegate(bridge: self, client: self.ami))
            self.logger.info("bridge started", metadata: ["mqtt.prefix": "\(self.configuration.layout.prefix)"])
        }
    }

    private func startMQTT(_ client: MQTTClient) throws {
        // Retain as published: a retained command must be seen as retained (and refused)
        // even when it arrives live, not only when replayed on subscribe.
        try client.subscribe(self.configuration.layout.commandFilter, qos: .atLeastOnce, retainAsPublished: true)
        let id = ObjectIdentifier(client)
        try client.start { [weak self] event in
            // Publish acknowledgements (one per message) carry nothing the bridge uses:
            // dropping them here saves a hop onto the event loop per published message.
            if case .published = event { return }
            guard let self else { return }
            self.eventLoop.execute {
                // Events of a client replaced by `reconfigure` are stale.
                guard ObjectIdentifier(self.mqtt) == id else { return }
                self.handle(mqtt: event)
            }
        }
    }

    /// Applies a reloaded configuration without a restart.
    ///
    /// Command policy and QoS apply at once. A changed model scope or agent templates rebuild
    /// the model from a fresh AMI sync, so subscribers see exactly what moved in or out of
    /// scope. A new AMI client (connection settings changed) replaces the old one, which logs
    /// off. A new MQTT client (broker settings or prefix changed) replaces the old one; with a
    /// new prefix the old retained topics are cleared first, so nothing stale stays behind.
    /// - Parameters:
    ///   - ami: a new, unstarted client on this bridge's `eventLoop`, or nil to keep the current one.
    ///   - mqtt: a new, unstarted client, or nil to keep the current one.
    public func reconfigure(_ configuration: BridgeConfiguration, ami: AMIClient? = nil, mqtt: MQTTClient? = nil)
        -> EventLoopFuture<Void>
    {
        self.eventLoop.flatSubmit {
            let old = self.configuration
            self.configuration = configuration
            self.commands.parser = CommandParser(policy: configuration.commands)
            if let mqtt {
                let previous = self.mqtt
                if old.layout != configuration.layout {
                    // Clear everything under the old prefix while the old session is still up.
                    let oldTopics = self.model.view.keys.compactMap { try? old.layout.topic(for: $0) }
                    for topic in oldTopics + [old.layout.bridgeState, old.layout.bridgeAMI] {
                        self.send(MQTTMessage(topic: topic, payload: [], qos: old.stateQoS, retain: true), kind: .state)
                    }
                }
                // The old session's queue (the clears above) must reach the broker before it
                // disconnects, and the new client, often with the same client id, may connect
                // only after that: a second session with the id would take the first over.
                self.mqttConnected = false
                return self.drained(previous, within: .seconds(3)).flatMap {
                    previous.stop()
                    self.mqtt = mqtt
                    do {
                        try self.startMQTT(mqtt)
                    } catch {
                        self.logger.error("MQTT client could not start after reload", metadata: ["error": "\(error)"])
                    }
                    return self.replaceAMI(ami, callCenterChanged: old.callCenter != configuration.callCenter)
                }
            }
            return self.replaceAMI(ami, callCenterChanged: old.callCenter != configuration.callCenter)
        }
    }

    /// Succeeds once `client` has no publication waiting for the broker, or after `limit`.
    private func drained(_ client: MQTTClient, within limit: TimeAmount) -> EventLoopFuture<Void> {
        let promise = self.eventLoop.makePromise(of: Void.self)
        let deadline = NIODeadline.now() + limit
        @Sendable func check() {
            if client.queuedMessageCount == 0 || NIODeadline.now() >= deadline {
                promise.succeed()
            } else {
                self.eventLoop.scheduleTask(in: .milliseconds(10)) { check() }
            }
        }
        check()
        return promise.futureResult
    }

    /// Swaps in a new AMI client (the old one logs off), or resyncs when only the model's
    /// scope or templates changed.
    private func replaceAMI(_ ami: AMIClient?, callCenterChanged: Bool) -> EventLoopFuture<Void> {
        if let ami {
            let previous = self.ami
            self.ami = ami
            self.syncGeneration += 1
            self.syncBuffer = nil
            ami.start(delegate: AMIDelegate(bridge: self, client: ami))
            return previous.shutdown()
        }
        if callCenterChanged, case .connected = self.amiState {
            self.syncGeneration += 1
            self.startSync()
        }
        return self.eventLoop.makeSucceededVoidFuture()
    }

    /// Publishes `offline`, lets in-flight commands end, logs off from Asterisk and
    /// disconnects from the broker.
    public func shutdown(grace: TimeAmount = .seconds(3)) -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            guard self.started, !self.stopping else { return self.eventLoop.makeSucceededVoidFuture() }
            self.stopping = true
            self.publishBridgeState(online: false)
            return self.commands.drain(within: grace)
                .flatMap { self.ami.shutdown() }
                .flatMap { self.drained(self.mqtt, within: .seconds(1)) }
                .map {
                    self.mqtt.stop()
                    self.logger.info("bridge stopped")
                }
        }
    }

    /// Whether each side is connected right now, for `/healthz`.
    public func health() -> EventLoopFuture<BridgeHealth> {
        self.eventLoop.submit {
            var amiConnected = false
            if case .connected = self.amiState { amiConnected = true }
            return BridgeHealth(
                amiConnected: amiConnected, mqttConnected: self.mqttConnected, syncing: self.syncBuffer != nil)
        }
    }

    // MARK: AMI side

    func handle(amiState state: AMIConnectionState) {
        self.amiState = state
        self.amiStateSince = self.clock()
        self.syncGeneration += 1
        switch state {
        case .connecting, .shutdown:
            self.syncBuffer = nil
        case .connected(let info):
            self.logger.info(
                "AMI connected",
                metadata: ["ami.host": "\(info.host):\(info.port)", "ami.version": "\(info.amiVersion)"])
            self.metrics.amiConnected(true)
            self.startSync()
        case .disconnected(let reason, let retryIn):
            self.syncBuffer = nil
            self.metrics.amiConnected(false)
            self.metrics.amiReconnect()
            self.logger.info(
                "AMI disconnected",
                metadata: ["ami.error": "\(reason)", "ami.retry_in_ms": "\(retryIn.nanoseconds / 1_000_000)"]
            )
            self.commands.amiDisconnected()
        }
        self.publishAMIState()
    }

    func handle(amiEvent event: AMIMessage) {
        let time = self.clock()
        self.metrics.amiEvent(event.eventName ?? "?")
        if self.commands.consume(event) {
            return
        }
        if self.syncBuffer != nil {
            self.syncBuffer?.append((event, time))
            return
        }
        guard case .connected = self.amiState else { return }
        let changes = self.metrics.timeReducer { self.model.apply(event, at: time) }
        self.publish(changes)
        self.logNewDiagnostics()
    }

    /// The AMI lists a full state is built from.
    static let stateLists = ["QueueStatus", "QueueSummary", "ExtensionStateList", "CoreShowChannels"]

    /// Sends the state lists at once; the items of all of them, or the first failure (a
    /// refused list included: `AMIClientError.actionFailed` with Asterisk's message).
    private func fetchStateLists() -> EventLoopFuture<[AMIMessage]> {
        let lists = Self.stateLists.map { self.ami.send(AMIAction($0)) }
        return EventLoopFuture.whenAllSucceed(lists, on: self.eventLoop).flatMapThrowing { responses in
            try responses.flatMap { try $0.checked().events }
        }
    }

    /// Fetches the full state (never polls afterwards: the event stream keeps it current) and
    /// publishes only what differs from what subscribers already have.
    func startSync() {
        let generation = self.syncGeneration
        self.syncBuffer = []
        let started = self.clock()
        self.fetchStateLists().whenComplete { result in
            guard generation == self.syncGeneration else { return }
            switch result {
            case .success(let items):
                self.finishSync(items: items, started: started)
            case .failure(let error):
                self.syncFailed(generation, reason: "\(error)")
            }
        }
    }

    private func syncFailed(_ generation: Int, reason: String) {
        self.logger.warning("initial AMI state sync failed; retrying", metadata: ["ami.error": "\(reason)"])
        self.syncBuffer = nil
        self.eventLoop.scheduleTask(in: .milliseconds(Int64(self.configuration.syncRetrySeconds * 1000))) {
            guard generation == self.syncGeneration, case .connected = self.amiState else { return }
            self.startSync()
        }
    }

    /// Replaces the model by one built from `items` (plus the events buffered meanwhile) and
    /// publishes the difference; returns how many retained topics changed.
    @discardableResult
    private func finishSync(items: [AMIMessage], started: CallCenterTime) -> Int {
        let now = self.clock()
        var snapshot = CallCenterState.snapshot(
            configuration: self.configuration.callCenter, items: items, at: now, previous: self.model
        )
        var events: [CallCenterChange] = []
        for (event, time) in self.syncBuffer ?? [] {
            for change in snapshot.apply(event, at: time) {
                if case .event = change { events.append(change) }
            }
        }
        self.syncBuffer = nil
        let changes = self.model.diff(to: snapshot, at: now)
        self.model = snapshot
        self.publish(changes)
        self.publish(events)
        self.logNewDiagnostics()
        self.hasSynced = true
        if self.sweep != nil {
            self.sweep?.finishSync()
            self.clearStaleTopics()
        }
        self.metrics.synced(changes: changes.count, millis: now.millisecondsSinceEpoch - started.millisecondsSinceEpoch)
        self.logger.info(
            "AMI state synchronised",
            metadata: [
                "sync.items": "\(items.count)", "sync.changes": "\(changes.count)",
                "sync.ms": "\(now.millisecondsSinceEpoch - started.millisecondsSinceEpoch)",
            ]
        )
        return changes.count
    }

    /// Forces a full resync (`bridge/resync`), answering with the number of changed topics.
    func resync() -> EventLoopFuture<Int> {
        guard case .connected = self.amiState else {
            return self.eventLoop.makeFailedFuture(CommandError(.amiUnavailable, "AMI is not connected"))
        }
        let generation = self.syncGeneration
        let started = self.clock()
        self.syncBuffer = self.syncBuffer ?? []
        return self.fetchStateLists().flatMapThrowing { items in
            guard generation == self.syncGeneration else {
                throw CommandError(.amiUnavailable, "AMI reconnected during the resync")
            }
            return self.finishSync(items: items, started: started)
        }.flatMapErrorThrowing { error in
            if let error = error as? CommandError { throw error }
            self.syncBuffer = nil
            throw CommandError(.amiError, "\(error)")
        }
    }

    private func logNewDiagnostics() {
        for code in self.model.diagnostics.unknownCodes where !self.loggedUnknownCodes.contains(code) {
            self.loggedUnknownCodes.insert(code)
            self.logger.info("unknown AMI status code mapped to unknown", metadata: ["ami.code": "\(code)"])
        }
    }

    // MARK: MQTT side

    func handle(mqtt event: MQTTClientEvent) {
        switch event {
        case .connected:
            self.mqttConnected = true
            self.metrics.mqttConnected(true)
            self.startSweepIfNeeded()
            self.logger.info(
                "MQTT connected; republishing retained state", metadata: ["mqtt.topics": "\(self.model.view.count)"])
            self.publishBridgeState(online: !self.stopping)
            self.publishAMIState()
            // The model's view is exactly the retained state: a broker that lost its store (or
            // a first connect) gets all of it.
            self.publish(self.model.fullView)
        case .connectionRefused(let code, let reason):
            self.mqttConnected = false
            self.metrics.mqttConnected(false)
            self.logger.error(
                "MQTT broker refused the connection", metadata: ["mqtt.code": "\(code)", "mqtt.reason": "\(reason)"])
        case .disconnected(let reason):
            self.mqttConnected = false
            self.metrics.mqttConnected(false)
            self.logger.info("MQTT disconnected", metadata: ["mqtt.reason": "\(reason)"])
        case .message(let message):
            if self.sweep != nil {
                self.sweep?.received(topic: message.topic, retained: message.retain, empty: message.payload.isEmpty)
            }
            guard let command = self.configuration.layout.commandName(of: message.topic) else { return }
            self.commands.handle(command: command, message: message)
        default:
            break
        }
    }

    // MARK: Stale retained topics

    /// How long the broker gets to replay the retained state topics after the subscribe.
    static let sweepWindow = TimeAmount.seconds(1)

    private func startSweepIfNeeded() {
        guard !self.sweptOnce, self.sweep == nil else { return }
        let layout = self.configuration.layout
        self.sweep = StaleTopicSweep(layout: layout)
        if self.hasSynced {
            self.sweep?.finishSync()
        }
        let client = self.mqtt
        do {
            for filter in StaleTopicSweep.filters(layout) {
                try client.subscribe(filter, qos: .atMostOnce)
            }
        } catch {
            self.logger.info("could not look for stale retained topics", metadata: ["error": "\(error)"])
            self.sweep = nil
            return
        }
        self.eventLoop.scheduleTask(in: Self.sweepWindow) {
            for filter in StaleTopicSweep.filters(layout) {
                try? client.unsubscribe(filter)
            }
            guard self.sweep != nil else { return }
            self.sweep?.finishHarvest()
            self.clearStaleTopics()
        }
    }

    /// Clears what the sweep found once it can tell (harvest and first sync both done).
    private func clearStaleTopics() {
        guard let sweep = self.sweep else { return }
        let current = Set(self.model.view.keys.compactMap { try? self.configuration.layout.topic(for: $0) })
        guard let stale = sweep.stale(current: current) else { return }
        self.sweep = nil
        self.sweptOnce = true
        guard sweep.layout == self.configuration.layout else { return }
        for topic in stale {
            self.send(
                MQTTMessage(topic: topic, payload: [], qos: self.configuration.stateQoS, retain: true), kind: .state)
        }
        if !stale.isEmpty {
            self.logger.info(
                "cleared stale retained topics left by an earlier run", metadata: ["mqtt.topics": "\(stale.count)"])
        }
    }

    // MARK: Publishing

    func publish(_ changes: [CallCenterChange]) {
        for change in changes {
            switch change {
            case .set(let key, let value):
                // The model emits a set only when the value changed, so every one goes out.
                guard let topic = self.topic(for: key) else { continue }
                self.sendState(topic, PayloadEncoder.encode(value))
            case .clear(let key):
                guard let topic = self.topic(for: key) else { continue }
                self.sendState(topic, [])
            case .event(let event):
                do {
                    let topic = try self.configuration.layout.topic(for: event)
                    self.send(
                        MQTTMessage(
                            topic: topic, payload: PayloadEncoder.encode(event), qos: self.configuration.eventQoS,
                            retain: false), kind: .event)
                } catch {
                    self.logger.info("event with an unpublishable id skipped", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    private func topic(for key: StateKey) -> String? {
        do {
            return try self.configuration.layout.topic(for: key)
        } catch {
            self.logger.info(
                "state with an unpublishable id skipped", metadata: ["state.key": "\(key)", "error": "\(error)"])
            return nil
        }
    }

    /// Retained state goes out only while connected: on (re)connect the whole view is
    /// republished anyway, so queueing it in libmosquitto meanwhile would only add duplicates.
    private func sendState(_ topic: String, _ payload: [UInt8]) {
        guard self.mqttConnected else { return }
        self.send(
            MQTTMessage(topic: topic, payload: payload, qos: self.configuration.stateQoS, retain: true), kind: .state)
    }

    func send(_ message: MQTTMessage, kind: BridgeMetrics.PublishKind) {
        do {
            _ = try self.mqtt.publish(message)
            self.metrics.published(kind)
            if kind == .state, !self.deferredState.isEmpty {
                // A newer value went out: an older deferred one must not follow it.
                self.deferredState[message.topic] = nil
            }
        } catch .queueFull where kind == .state {
            // Retained state is never dropped: the newest value per topic waits until the
            // client's queue has room again (a large initial sync can outrun the broker).
            self.deferredState[message.topic] = message
            self.scheduleDeferredFlush()
        } catch {
            self.metrics.dropped(kind)
            self.logger.debug("MQTT publish failed", metadata: ["mqtt.topic": "\(message.topic)", "error": "\(error)"])
        }
    }

    /// Publishes deferred state as the client's queue drains, oldest room first.
    private func scheduleDeferredFlush() {
        guard !self.deferredFlushScheduled else { return }
        self.deferredFlushScheduled = true
        self.eventLoop.scheduleTask(in: .milliseconds(20)) {
            self.deferredFlushScheduled = false
            guard self.mqttConnected else {
                // Everything is republished on the next connect; nothing to keep.
                self.deferredState = [:]
                return
            }
            let room = self.mqtt.configuration.maxQueuedMessages - self.mqtt.queuedMessageCount
            for topic in self.deferredState.keys.prefix(max(0, room / 2)) {
                guard let message = self.deferredState.removeValue(forKey: topic) else { continue }
                self.send(message, kind: .state)
            }
            if !self.deferredState.isEmpty {
                self.scheduleDeferredFlush()
            }
        }
    }

    func publishBridgeState(online: Bool) {
        var json = JSONWriter()
        json.beginObject()
        json.field("state", online ? "online" : "offline")
        json.field("version", self.configuration.version)
        json.field("since", Timestamp.iso8601(self.clock()))
        json.endObject()
        self.send(
            MQTTMessage(
                topic: self.configuration.layout.bridgeState, payload: json.bytes, qos: .atLeastOnce, retain: true),
            kind: .state)
    }

    func publishAMIState() {
        var json = JSONWriter()
        json.beginObject()
        switch self.amiState {
        case .connecting:
            json.field("state", "connecting")
            json.field("host", self.configuration.amiHost)
        case .connected(let info):
            json.field("state", "connected")
            json.field("host", self.configuration.amiHost)
            json.field("asteriskVersion", info.amiVersion)
        case .disconnected(let reason, _):
            json.field("state", "disconnected")
            json.field("host", self.configuration.amiHost)
            json.field("error", "\(reason)")
        case .shutdown:
            json.field("state", "disconnected")
            json.field("host", self.configuration.amiHost)
            json.field("error", "the bridge is stopping")
        }
        json.field("since", Timestamp.iso8601(self.amiStateSince))
        json.endObject()
        guard self.mqttConnected else { return }
        self.send(
            MQTTMessage(
                topic: self.configuration.layout.bridgeAMI, payload: json.bytes, qos: .atLeastOnce, retain: true),
            kind: .state)
    }
}

/// Forwards the AMI client's callbacks (already on the bridge's loop) without a retain cycle,
/// and only while its client is the bridge's current one (a reload may replace it).
private struct AMIDelegate: AMIClientDelegate {
    weak var bridge: PBXBridge?
    weak var client: AMIClient?

    func amiConnectionStateChanged(_ state: AMIConnectionState) {
        guard let bridge = self.bridge, let client = self.client, client === bridge.ami else { return }
        bridge.handle(amiState: state)
    }

    func amiEventReceived(_ event: AMIMessage) {
        guard let bridge = self.bridge, let client = self.client, client === bridge.ami else { return }
        bridge.handle(amiEvent: event)
    }
}

/// Which side is up, for health checks.
public struct BridgeHealth: Sendable, Hashable {
    public var amiConnected: Bool
    public var mqttConnected: Bool
    public var syncing: Bool
}

extension CallCenterTime {
    /// The wall clock, for stamping events on receipt.
    @Sendable public static func now() -> CallCenterTime {
        CallCenterTime(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
