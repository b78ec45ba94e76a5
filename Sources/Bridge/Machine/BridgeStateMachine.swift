import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

/// The bridge's decisions, as a value: inputs (what happened) in, actions (what to do) out.
///
/// No I/O, no clock, no logger: every input carries its moment (`BridgeInstant`) and every
/// effect — an AMI action, a publication, a timer, a log line, a metric — is an action the
/// shell (`PBXBridge`) carries out. That makes every path of the bridge a transcript test:
/// a sequence of inputs and the exact actions they give, with no broker and no Asterisk.
///
/// The state it keeps: the model, each connection's phase, the state sync in progress, the
/// state waiting for room in the MQTT queue, the stale-topic sweep, the commands in flight,
/// and the step of a reload or shutdown. Its properties are read by tests and set only by
/// its own inputs (the extensions in `BridgeStateMachine+*.swift`).
struct BridgeStateMachine: Sendable {
    /// The AMI state lists a full state is built from, fetched on every (re)connect: the
    /// queue, hint and channel lists, the parked calls (optional: res_parking may be absent),
    /// then one AstDB tree per family the model reads.
    static let stateLists: [StateList] =
        ["QueueStatus", "QueueSummary", "ExtensionStateList", "CoreShowChannels"].map {
            StateList(action: AMIAction($0), optional: false)
        }
        + [StateList(action: AMIAction("ParkedCalls"), optional: true)]
        + CallCenterState.astDBFamilies.map {
            StateList(action: AMIAction("DBGetTree", ["Family": $0]), optional: true)
        }
    /// The list whose `QueueParams` carry the queue statistics (counters and averages).
    static let queueStatisticsList = 0
    /// The longest the republish after a reconnect waits for resent publications.
    static let republishWait = TimeAmount.seconds(2)
    /// How long a reload waits for the previous MQTT client's queue to reach the broker.
    static let reloadDrain = TimeAmount.seconds(3)
    /// How long shutdown waits for the last publications (`offline` among them).
    static let shutdownDrain = TimeAmount.seconds(1)
    /// How long no state may have waited before a back-pressure episode ends.
    static let backPressureQuiet = TimeAmount.seconds(1)

    var configuration: BridgeConfiguration
    var model: CallCenterState
    var parser: CommandParser
    var planner: CommandPlanner
    /// The current MQTT client's `maxQueuedMessages`.
    var mqttQueueLimit: Int

    /// How many publications may wait in the client when windowed state goes out.
    var stateWindow: Int { max(1, min(self.configuration.stateWindow, self.mqttQueueLimit)) }

    var lifecycle: Lifecycle = .idle
    var ami: AMILink
    /// The state-list fetch under way, if any.
    var sync: SyncRun?
    /// Whether the current MQTT client is connected (state goes out only then: on every
    /// connect the whole view is published again).
    var mqttUp = false
    /// Connected, but publications from before the connection dropped are still being resent
    /// (libmosquitto keeps unacknowledged QoS 1 messages and sends them again after the
    /// reconnect, possibly after anything published now): the whole view goes out once they
    /// are acknowledged, so that a resent older value never lands after a newer one.
    var republishPending = false
    var mqttSwap: MQTTSwap?
    /// Retained state waiting for room in the MQTT client's queue.
    var deferred = CoalescingQueue()
    var backPressure: BackPressure?
    /// The AMI outage under way (reason and failed attempts), logged once per reason.
    var amiOutage: (reason: String, attempts: Int)?
    /// Consecutive broker refusals, logged once per episode.
    var refusals: (code: Int, count: Int)?
    /// Consecutive TLS failures with the broker, logged once per episode (apart from refusals:
    /// a wrong CA and a wrong password need different fixes).
    var tlsFailures: (reason: String, count: Int)?
    var sweep: Sweep = .notStarted
    /// While the sweep harvests: when its window ends (SUBACKs, then a quiet replay).
    var harvestWindow: HarvestWindow?
    /// An MQTT 5 CONNECT closed without an answer was logged (until the next connect).
    var closedBeforeConnackLogged = false
    var hasSynced = false
    var commands = CommandBook()
    /// Unknown status codes already logged, so each is logged once.
    var loggedUnknownCodes: Set<String> = []
    /// Refused numeric fields (`<Event>.<Field>`) already logged, so each is logged once.
    var loggedRejectedFields: Set<String> = []
    /// With Home Assistant discovery: each agent and queue that has retained state, with its
    /// state keys (the entity's configs are cleared with the last of them).
    var homeAssistantEntities: [HomeAssistantEntity: Set<StateKey>] = [:]
    /// Agents in wrap-up after a queue call.
    var wrapUps: WrapUps
    /// Active/standby: this instance's role; nil without a pair.
    var role: FailoverRoleMachine?
    /// Whether the AMI client was started (a standby instance starts it when it takes over).
    var amiStarted = false

    init(configuration: BridgeConfiguration, mqttQueueLimit: Int, at now: BridgeInstant) {
        self.configuration = configuration
        self.wrapUps = WrapUps(rules: configuration.wrapUp)
        self.model = CallCenterState(configuration: configuration.callCenter)
        self.parser = CommandParser(policy: configuration.commands)
        self.planner = CommandPlanner(policy: configuration.commands, layout: configuration.layout)
        self.mqttQueueLimit = mqttQueueLimit
        self.ami = AMILink(state: .connecting(attempt: 0), since: now.wall, generation: 0)
        self.role = configuration.failoverInstance.map { FailoverRoleMachine(instance: $0) }
    }

    // MARK: Phases

    enum Lifecycle: Sendable, Hashable {
        case idle
        case running
        case stopping(ShutdownStep)
        case stopped
    }

    enum ShutdownStep: Sendable, Hashable {
        /// Waiting for in-flight commands (up to the grace period).
        case commands
        /// Waiting for the AMI client to log off.
        case ami
        /// Waiting for the MQTT queue to empty (up to `shutdownDrain`).
        case mqttDrain
        /// Waiting for the MQTT client's thread to end.
        case mqttStop
    }

    struct AMILink: Sendable, Hashable {
        var state: AMIConnectionState
        var since: CallCenterTime
        /// Bumped on every connection change, so answers meant for an earlier connection are ignored.
        var generation: Int

        var isConnected: Bool {
            if case .connected = self.state { return true }
            return false
        }
    }

    /// A reload replacing the MQTT client: the previous one drains, stops, then the new one starts.
    struct MQTTSwap: Sendable, Hashable {
        enum Step: Sendable, Hashable {
            case draining
            case stopping
        }

        var step: Step
        var amiReplaced: Bool
        var callCenterChanged: Bool
        var queueLimit: Int
    }

    enum Sweep: Sendable {
        case notStarted
        case harvesting(StaleTopicSweep)
        case done
    }

    /// Whether each side is connected, for `/healthz`.
    var health: BridgeHealth {
        BridgeHealth(
            amiConnected: self.ami.isConnected, mqttConnected: self.mqttUp, syncing: self.sync != nil,
            waitingState: self.deferred.count)
    }

    // MARK: Lifecycle inputs

    /// Starts both clients.
    mutating func start(at now: BridgeInstant) -> [BridgeAction] {
        guard self.lifecycle == .idle else { return [] }
        self.lifecycle = .running
        var actions: [BridgeAction] = [
            // Retain as published: a retained command must be seen as retained (and refused)
            // even when it arrives live, not only when replayed on subscribe.
            .subscribe(self.configuration.layout.commandFilter, .atLeastOnce, retainAsPublished: true, noLocal: false)
        ]
        if let discovery = self.configuration.homeAssistant {
            actions.append(Self.homeAssistantSubscription(discovery))
        }
        if self.role != nil {
            // A paired instance takes AMI only once it knows it is the active one.
            self.startFailover(at: now, into: &actions)
            actions.append(.startMQTT)
        } else {
            self.amiStarted = true
            actions += [.startMQTT, .startAMI]
        }
        actions.append(
            .log(.info, "bridge started", [BridgeLogKey.mqttPrefix: "\(self.configuration.layout.prefix)"]))
        return actions
    }

    /// Applies a reloaded configuration. `newAMI`/`newMQTT`: the shell holds a new client for
    /// that side (its connection settings changed) to put in place of the current one.
    mutating func reload(
        _ configuration: BridgeConfiguration, newAMI: Bool, newMQTT: Bool, mqttQueueLimit: Int,
        at now: BridgeInstant
    ) -> [BridgeAction] {
        guard self.lifecycle == .running, self.mqttSwap == nil else {
            return [
                .log(.warning, "reload ignored: the bridge is stopping or still applying the previous reload", [:]),
                .reloaded,
            ]
        }
        let old = self.configuration
        self.configuration = configuration
        // Wrap-ups under way run to their end; the new rules apply to the next calls.
        self.wrapUps.rules = WrapUps(rules: configuration.wrapUp).rules
        self.parser.policy = configuration.commands
        self.planner.policy = configuration.commands
        self.planner.layout = configuration.layout
        let callCenterChanged = old.callCenter != configuration.callCenter
        var actions: [BridgeAction] = []
        self.reloadHomeAssistant(from: old, newMQTT: newMQTT, into: &actions)
        guard newMQTT else {
            return actions + self.finishReload(amiReplaced: newAMI, callCenterChanged: callCenterChanged, at: now)
        }
        if old.layout != configuration.layout, self.isActive {
            // Clear everything under the old prefix while the old session is still up (a
            // standby instance leaves that to the active one: the topics are its).
            let topics = self.model.view.keys.compactMap { try? old.layout.topic(for: $0) }
            for topic in topics + [old.layout.bridgeState, old.layout.bridgeAMI] {
                actions.append(
                    .publish(MQTTMessage(topic: topic, payload: [], qos: old.stateQoS, retain: true), .state))
            }
        }
        // The old session's queue must reach the broker before it disconnects, and the new
        // client, often with the same client id, may connect only after that: a second
        // session with the id would take the first over.
        self.mqttUp = false
        self.endBackPressure(at: now, into: &actions)
        self.mqttSwap = MQTTSwap(
            step: .draining, amiReplaced: newAMI, callCenterChanged: callCenterChanged, queueLimit: mqttQueueLimit)
        actions.append(.notifyWhenQueued(atMost: 0))
        actions.append(.schedule(.mqttDrain, at: now.uptime + Self.reloadDrain))
        return actions
    }

    /// The AMI part of a reload, once the MQTT part (if any) is done.
    private mutating func finishReload(amiReplaced: Bool, callCenterChanged: Bool, at now: BridgeInstant)
        -> [BridgeAction]
    {
        var actions: [BridgeAction] = []
        if amiReplaced {
            self.ami.generation += 1
            self.abandonSync(reason: "the AMI connection was replaced by a reload", at: now, into: &actions)
            actions.append(.replaceAMI)
        } else if callCenterChanged, self.ami.isConnected {
            // A new scope or new templates: rebuild the model from a fresh sync, so subscribers
            // see exactly what moved in or out of scope.
            self.ami.generation += 1
            self.abandonSync(reason: "a reload changed the model", at: now, into: &actions)
            self.startSync(waiting: [], at: now, into: &actions)
        }
        actions.append(.reloaded)
        return actions
    }

    /// Publishes `offline`, lets in-flight commands end (up to `grace`), logs off from
    /// Asterisk, lets the last publications reach the broker and stops the MQTT client.
    mutating func shutdown(grace: TimeAmount, at now: BridgeInstant) -> [BridgeAction] {
        switch self.lifecycle {
        case .idle:
            self.lifecycle = .stopped
            return [.stopped]
        case .stopping, .stopped:
            return []
        case .running:
            break
        }
        self.lifecycle = .stopping(.commands)
        var actions: [BridgeAction] = []
        // A standby instance's `offline` would stand for the active one's state.
        if self.isActive {
            self.publishBridgeState(online: false, at: now, into: &actions)
        }
        if self.commands.inFlight == 0 {
            self.stopAMI(into: &actions)
        } else {
            actions.append(.schedule(.commandsGrace, at: now.uptime + grace))
        }
        return actions
    }

    mutating func stopAMI(into actions: inout [BridgeAction]) {
        self.lifecycle = .stopping(.ami)
        actions.append(.shutdownAMI)
    }

    /// The AMI client has logged off and closed.
    mutating func amiShutDown(at now: BridgeInstant) -> [BridgeAction] {
        guard self.lifecycle == .stopping(.ami) else { return [] }
        self.lifecycle = .stopping(.mqttDrain)
        return [.notifyWhenQueued(atMost: 0), .schedule(.mqttDrain, at: now.uptime + Self.shutdownDrain)]
    }

    /// The MQTT queue emptied or the wait for it ended: stop the client.
    mutating func drained(into actions: inout [BridgeAction]) {
        if self.lifecycle == .stopping(.mqttDrain) {
            self.lifecycle = .stopping(.mqttStop)
            actions.append(.stopMQTT)
        } else if self.mqttSwap?.step == .draining {
            self.mqttSwap?.step = .stopping
            actions.append(.stopMQTT)
        }
    }

    /// The MQTT client's thread has ended.
    mutating func mqttStopped(at now: BridgeInstant) -> [BridgeAction] {
        if self.lifecycle == .stopping(.mqttStop) {
            self.lifecycle = .stopped
            self.mqttUp = false
            return [.log(.info, "bridge stopped", [:]), .stopped]
        }
        guard let swap = self.mqttSwap, swap.step == .stopping else { return [] }
        self.mqttSwap = nil
        self.mqttQueueLimit = swap.queueLimit
        var actions: [BridgeAction] = [
            .subscribe(self.configuration.layout.commandFilter, .atLeastOnce, retainAsPublished: true, noLocal: false)
        ]
        if let discovery = self.configuration.homeAssistant {
            actions.append(Self.homeAssistantSubscription(discovery))
        }
        if self.role != nil {
            // The new client watches the active instance too.
            actions.append(
                .subscribe(
                    self.configuration.layout.bridgeState, .atLeastOnce, retainAsPublished: false, noLocal: false))
        }
        actions.append(.startMQTT)
        actions += self.finishReload(amiReplaced: swap.amiReplaced, callCenterChanged: swap.callCenterChanged, at: now)
        return actions
    }

    // MARK: Helpers for the extensions

    /// Logs each unknown status code and each refused numeric field the model met, once per
    /// process. A resync replaces the model (and its diagnostics), so "new" means not logged
    /// yet, not a grown count.
    mutating func logNewDiagnostics(into actions: inout [BridgeAction]) {
        let diagnostics = self.model.diagnostics
        if !diagnostics.unknownCodes.isSubset(of: self.loggedUnknownCodes) {
            // Each resync brings a fresh model, so a hostile peer could feed new codes forever:
            // the log (and this set) stop at a thousand.
            for code in diagnostics.unknownCodes.sorted()
            where !self.loggedUnknownCodes.contains(code) && self.loggedUnknownCodes.count < 1000 {
                self.loggedUnknownCodes.insert(code)
                actions.append(
                    .log(.info, "unknown AMI status code mapped to unknown", [BridgeLogKey.amiCode: "\(code)"]))
            }
        }
        for (field, value) in diagnostics.rejectedNumberFields.sorted(by: { $0.key < $1.key })
        where !self.loggedRejectedFields.contains(field) {
            self.loggedRejectedFields.insert(field)
            actions.append(
                .log(
                    .warning,
                    "AMI number refused (not a number Asterisk prints, or out of range); the field was ignored",
                    [BridgeLogKey.amiField: "\(field)", BridgeLogKey.amiValue: "\(value)"]))
        }
    }

    /// Seconds on the monotonic clock, for the at-most-once window.
    static func seconds(_ instant: BridgeInstant) -> Double {
        Double(instant.uptime.uptimeNanoseconds) / 1e9
    }
}

/// Which side is up, for health checks.
public struct BridgeHealth: Sendable, Hashable {
    public var amiConnected: Bool
    public var mqttConnected: Bool
    public var syncing: Bool
    /// Retained values waiting in the bridge for room in the MQTT client's queue (a sync or a
    /// flood beyond the state window); 0 once everything the bridge knows has gone out to the
    /// client.
    public var waitingState: Int
}
