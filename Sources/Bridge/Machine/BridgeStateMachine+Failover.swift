import Logging
import MQTT
import NIOCore

/// Active/standby: with `BridgeConfiguration.failoverInstance` set, this instance is one of a
/// pair (or more) serving one Asterisk under one prefix. ``FailoverRoleMachine`` decides the
/// role from the `{p}/bridge/state` messages; this extension carries its decisions out.
///
/// A standby instance is connected to the broker only: no AMI, no publication, no command
/// executed or answered (the active one answers). It remembers the ids of the commands it saw,
/// so that one resent after a takeover is answered instead of run a second time (the previous
/// active instance may have run it). On taking over it starts AMI, publishes `online` with its
/// id, syncs and publishes the state (only the differences reach subscribers: the retained
/// values are still on the broker), and sweeps what went stale meanwhile.
extension BridgeStateMachine {
    /// How long a starting instance listens for an active one's retained `bridge/state`.
    static let failoverWindow = TimeAmount.seconds(2)

    /// Whether this instance acts: always without a pair; with one, only the active instance.
    var isActive: Bool {
        guard let role = self.role else { return true }
        return role.role == .active
    }

    /// Start of a paired instance: watch `bridge/state` before doing anything else.
    mutating func startFailover(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard var role = self.role else { return }
        _ = role.handle(.started)
        self.role = role
        // The window starts with the broker connection (`mqttConnected`): only then can the
        // broker replay an active instance's retained state.
        actions.append(
            .subscribe(self.configuration.layout.bridgeState, .atLeastOnce, retainAsPublished: false, noLocal: false))
        actions.append(
            .log(
                .info, "active/standby: looking for an active instance before taking over",
                [BridgeLogKey.instance: "\(role.instance)"]))
    }

    mutating func failoverWindowEnded(at now: BridgeInstant) -> [BridgeAction] {
        guard var role = self.role else { return [] }
        let outputs = role.handle(.windowEnded)
        self.role = role
        var actions: [BridgeAction] = []
        self.apply(outputs, at: now, into: &actions)
        return actions
    }

    /// A `{p}/bridge/state` message (this instance's own included).
    mutating func failoverObserved(_ message: MQTTMessage, at now: BridgeInstant) -> [BridgeAction] {
        guard var role = self.role else { return [] }
        guard let observation = BridgeStateObservation.parse(message.payload) else {
            return [
                .log(
                    .warning, "active/standby: unreadable bridge/state ignored",
                    [BridgeLogKey.mqttTopic: "\(message.topic)"])
            ]
        }
        let outputs = role.handle(.observed(observation))
        self.role = role
        var actions: [BridgeAction] = []
        if role.role == .active, !role.mayExecuteCommands, observation.online {
            actions.append(
                .log(
                    .warning, "active/standby: another instance is online; commands are not executed meanwhile",
                    [BridgeLogKey.instance: "\(observation.instance ?? "")"]))
        }
        self.apply(outputs, at: now, into: &actions)
        return actions
    }

    private mutating func apply(
        _ outputs: [FailoverRoleMachine.Output], at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        for output in outputs {
            switch output {
            case .becomeActive:
                actions.append(
                    .log(
                        .info, "active/standby: this instance is active",
                        [BridgeLogKey.instance: "\(self.role?.instance ?? "")"]))
                self.publishBridgeState(online: true, at: now, into: &actions)
                let startAMI = !self.amiStarted
                if startAMI {
                    self.amiStarted = true
                    // The connection starts now, not when this instance started standing by:
                    // an older `since` would land after the previous instance's newer one.
                    self.ami.since = now.wall
                }
                if self.mqttUp {
                    self.republishAfterTakeover(at: now, into: &actions)
                }
                if startAMI {
                    // Last: the client reports its first state change at once, and that newer
                    // `bridge/ami` must follow the one above, not precede it.
                    actions.append(.startAMI)
                } else if self.ami.isConnected, self.sync == nil {
                    // Stepped down and back: the model may have moved meanwhile.
                    self.startSync(waiting: [], at: now, into: &actions)
                }
            case .becomeStandby(let watching):
                actions.append(
                    .log(
                        .info, "active/standby: another instance is active; this one stands by",
                        [BridgeLogKey.instance: "\(watching ?? "")"]))
            case .republishOnline:
                self.publishBridgeState(online: true, at: now, into: &actions)
            }
        }
    }

    /// A command that reached this instance while it does not execute commands: not answered
    /// (the active instance answers), but its id is remembered with an outcome this instance
    /// cannot know, so a resend after a takeover does not run it a second time.
    mutating func commandSeenInactive(_ name: String, message: MQTTMessage, at now: BridgeInstant) -> [BridgeAction] {
        guard !message.retain, case .success(let request) = self.parser.parse(command: name, payload: message.payload),
            let id = request.id, request.name.remembersReply
        else { return [] }
        let seconds = Self.seconds(now)
        guard self.commands.recent.lookup(id, now: seconds) == nil else { return [] }
        let error = CommandError(
            .timeout,
            "this command went to the instance that was active then, which may or may not have carried it out before it went offline; send it with a new id to run it again"
        )
        let reply = CommandReply(id: id, command: name, status: .error, error: error)
        self.commands.recent.remember(id, command: name, reply: reply, now: seconds)
        return [
            .log(
                .debug, "active/standby: command left to the active instance",
                [BridgeLogKey.command: "\(name)", BridgeLogKey.commandID: "\(id)"])
        ]
    }
}
