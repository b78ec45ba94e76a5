import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

extension BridgeStateMachine {
    // MARK: Intake

    /// A message on `{p}/cmd/{name}`. At most once: a retained command is refused, a repeated
    /// `id` is answered with the first outcome, and a command is validated and planned
    /// completely before its first AMI action.
    mutating func commandReceived(_ name: String, message: MQTTMessage, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        var route = ReplyRoute(
            responseTopic: message.properties.responseTopic,
            correlationData: message.properties.correlationData,
            replyTo: nil,
            command: name
        )
        if message.retain && message.payload.isEmpty {
            // Someone clearing a retained command: nothing was asked, nothing to answer.
            actions.append(.log(.debug, "retained command cleared", [BridgeLogKey.mqttTopic: "\(message.topic)"]))
            return actions
        }
        if message.retain {
            // Never executed, but still answered where the sender asked, with its id.
            let routing = self.parser.routing(of: message.payload)
            route.replyTo = routing.replyTo
            actions.append(
                .log(
                    .warning, "retained command refused",
                    [
                        BridgeLogKey.command: "\(name)", BridgeLogKey.mqttTopic: "\(message.topic)",
                        BridgeLogKey.commandID: "\(routing.id ?? "")",
                    ]
                )
            )
            let error = CommandError(
                .retained,
                "retained commands are never executed: publish commands without the retain flag (and clear the retained message on \(message.topic))"
            )
            self.reply(CommandReply(id: routing.id, command: name, status: .error, error: error), route, into: &actions)
            return actions
        }
        switch self.parser.parse(command: name, payload: message.payload) {
        case .failure(let failure):
            route.replyTo = failure.replyTo
            actions.append(Self.refusedLog(name, id: failure.id, failure.error))
            let reply = CommandReply(id: failure.id, command: name, status: .error, error: failure.error)
            self.reply(reply, route, into: &actions)
        case .success(let request):
            route.replyTo = request.replyTo
            self.execute(request, route: route, at: now, into: &actions)
        }
        return actions
    }

    private mutating func execute(
        _ request: CommandRequest, route: ReplyRoute, at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        let name = request.name.rawValue
        let seconds = Self.seconds(now)
        if let id = request.id, let seen = self.commands.recent.lookup(id, now: seconds) {
            actions.append(
                .log(
                    .info, "repeated command id answered from memory",
                    [BridgeLogKey.command: "\(name)", BridgeLogKey.commandID: "\(id)"]))
            self.send(seen.reply, route, into: &actions)
            return
        }
        if let error = self.refusal(for: request) {
            actions.append(Self.refusedLog(name, id: request.id, error))
            self.reply(CommandReply(id: request.id, command: name, status: .error, error: error), route, into: &actions)
            return
        }
        if let id = request.id, request.name.remembersReply {
            let accepted = CommandReply(id: id, command: name, status: .accepted)
            self.commands.recent.remember(id, command: name, reply: accepted, now: seconds)
        }
        var command = request.command
        if case .wrapUpEnd(let agent, let queues) = command {
            let ended = self.wrapUps.end(agent: agent, queues: queues)
            guard !ended.queues.isEmpty else {
                let error = CommandError.invalid(
                    "agent", "\(agent) is in no wrap-up\(queues.isEmpty ? "" : " in these queues")")
                actions.append(Self.failedLog(name, id: request.id, error))
                actions.append(.record(.command(name, status: CommandReply.Status.error.rawValue, nanoseconds: 0)))
                self.reply(
                    CommandReply(id: request.id, command: name, status: .error, error: error), route, into: &actions)
                return
            }
            self.wrapUpSteps(ended.steps, into: &actions)
            command = .wrapUpEnd(agent: agent, queues: ended.queues)
        }
        switch self.planner.plan(command, model: self.model) {
        case .failure(let error):
            actions.append(Self.failedLog(name, id: request.id, error))
            actions.append(.record(.command(name, status: CommandReply.Status.error.rawValue, nanoseconds: 0)))
            self.reply(CommandReply(id: request.id, command: name, status: .error, error: error), route, into: &actions)
        case .success(let plan):
            let token = self.commands.open(
                PendingCommand(request: request, route: route, started: now.uptime, plan: plan))
            self.begin(token, plan, at: now, into: &actions)
        }
    }

    /// Checks that need the live state: the bridge running, AMI up, capacity left.
    private func refusal(for request: CommandRequest) -> CommandError? {
        guard self.lifecycle == .running else {
            return CommandError(.amiUnavailable, "the bridge is shutting down")
        }
        switch request.command {
        case .queueStatus, .bridgeResync, .stateGet:
            break
        default:
            guard self.ami.isConnected else {
                return CommandError(
                    .amiUnavailable,
                    "Asterisk is not connected (\(self.ami.state)); the command was not queued, retry later")
            }
        }
        guard self.commands.inFlight < self.planner.policy.maxInFlight else {
            return CommandError(
                .busy,
                "\(self.commands.inFlight) commands are already waiting for Asterisk (commands.maxInFlight); retry later"
            )
        }
        return nil
    }

    // MARK: Carrying out a plan

    private mutating func begin(
        _ token: CommandToken, _ plan: CommandPlan, at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        switch plan {
        case .answer(let data):
            self.finish(token, status: .ok, data: data, at: now, into: &actions)
            return
        case .resync:
            guard self.ami.isConnected else {
                self.finish(
                    token, error: CommandError(.amiUnavailable, "AMI is not connected"), at: now, into: &actions)
                return
            }
            if self.sync != nil {
                // A fetch is under way: its result is the answer.
                self.sync?.waiting.append(token)
            } else {
                self.startSync(waiting: [token], at: now, into: &actions)
            }
            return
        case .park(_, let channel):
            // Registered before the action: Asterisk may report the park before its Response.
            if let replaced = self.commands.awaitParkedCall(channel: channel, token: token) {
                // An earlier park of the same channel answers without a space.
                self.commands[replaced]?.parkedSpace = .some(nil)
            }
        case .single, .perQueue, .originate:
            break
        }
        let timeout = TimeAmount.milliseconds(Int64(self.planner.policy.timeoutSeconds * 1000))
        for (step, action) in plan.actions.enumerated() {
            actions.append(.sendAMI(action, .command(token, step: step), timeout: timeout))
        }
    }
}
