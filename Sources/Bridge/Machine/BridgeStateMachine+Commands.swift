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
            actions.append(.log(.debug, "retained command cleared", ["mqtt.topic": "\(message.topic)"]))
            return actions
        }
        if message.retain {
            // Never executed, but still answered where the sender asked, with its id.
            let routing = self.parser.routing(of: message.payload)
            route.replyTo = routing.replyTo
            actions.append(
                .log(
                    .warning, "retained command refused",
                    ["command": "\(name)", "mqtt.topic": "\(message.topic)", "command.id": "\(routing.id ?? "")"]
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
                .log(.info, "repeated command id answered from memory", ["command": "\(name)", "command.id": "\(id)"]))
            self.send(seen.reply, route, into: &actions)
            return
        }
        if let error = self.refusal(for: request) {
            actions.append(Self.refusedLog(name, id: request.id, error))
            self.reply(CommandReply(id: request.id, command: name, status: .error, error: error), route, into: &actions)
            return
        }
        if let id = request.id {
            let accepted = CommandReply(id: id, command: name, status: .accepted)
            self.commands.recent.remember(id, command: name, reply: accepted, now: seconds)
        }
        switch self.planner.plan(request.command, model: self.model) {
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
        case .queueStatus, .bridgeResync:
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

    /// An answer to step `step` of command `token`.
    mutating func commandAnswered(
        _ token: CommandToken, step: Int, _ result: Result<AMIResponse, AMIClientError>, at now: BridgeInstant,
        into actions: inout [BridgeAction]
    ) {
        guard var command = self.commands[token] else { return }
        let outcome: Result<AMIResponse, CommandError>
        switch result {
        case .success(let response) where response.isError:
            outcome = .failure(
                CommandError(
                    .amiError, response.message ?? "Asterisk refused \(response.action)",
                    actionID: response.response.actionID))
        case .success(let response):
            outcome = .success(response)
        case .failure(let error):
            outcome = .failure(Self.commandError(from: error))
        }
        switch command.plan {
        case .answer, .resync:
            return
        case .single(_, let data):
            switch outcome {
            case .success(let response):
                self.finish(
                    token, status: .ok, data: data, actionID: response.response.actionID, at: now, into: &actions)
            case .failure(let error):
                self.finish(token, error: error, at: now, into: &actions)
            }
        case .perQueue(let steps):
            switch outcome {
            case .success(let response):
                command.queueOutcomes[step] = .init(actionID: response.response.actionID, error: nil)
            case .failure(let error):
                command.queueOutcomes[step] = .init(actionID: error.actionID, error: error)
            }
            self.commands[token] = command
            if command.queueOutcomes.count == steps.count {
                let reply = Self.perQueueReply(command, steps: steps)
                self.finish(token, reply: reply, at: now, into: &actions)
            }
        case .originate(_, let waitSeconds):
            switch outcome {
            case .success(let response):
                let actionID = response.response.actionID ?? ""
                command.actionID = actionID
                self.commands[token] = command
                self.commands.awaitOriginateResponse(actionID: actionID, token: token)
                let wait = TimeAmount.milliseconds(Int64(waitSeconds * 1000))
                actions.append(.schedule(.originateTimeout(token), at: now.uptime + wait))
                let accepted = CommandReply(
                    id: command.request.id, command: command.request.name.rawValue, actionID: actionID,
                    status: .accepted)
                self.reply(accepted, command.route, into: &actions)
            case .failure(let error):
                self.finish(token, error: error, at: now, into: &actions)
            }
        case .park:
            switch outcome {
            case .success(let response):
                command.actionID = response.response.actionID
                self.commands[token] = command
                if let space = command.parkedSpace {
                    self.finishPark(token, space: space, at: now, into: &actions)
                } else {
                    let grace = TimeAmount.milliseconds(Int64(min(self.planner.policy.timeoutSeconds, 2) * 1000))
                    actions.append(.schedule(.parkGrace(token), at: now.uptime + grace))
                }
            case .failure(let error):
                self.finish(token, error: error, at: now, into: &actions)
            }
        }
    }

    /// Takes `OriginateResponse` events that answer the bridge's originates (true: consumed),
    /// and notes the space of a `ParkedCall` a park waits for (not consumed: the model sees it too).
    mutating func consumeCommandEvent(_ event: AMIMessage, at now: BridgeInstant, into actions: inout [BridgeAction])
        -> Bool
    {
        switch event.eventName {
        case "ParkedCall":
            guard let channel = event["ParkeeChannel"], let token = self.commands.park(channel: channel),
                var command = self.commands[token]
            else { return false }
            command.parkedSpace = .some(event["ParkingSpace"])
            self.commands[token] = command
            if command.actionID != nil {
                actions.append(.cancel(.parkGrace(token)))
                self.finishPark(token, space: event["ParkingSpace"], at: now, into: &actions)
            }
            return false
        case "OriginateResponse":
            guard let actionID = event.actionID, let token = self.commands.originate(actionID: actionID),
                let command = self.commands[token]
            else { return false }
            actions.append(.cancel(.originateTimeout(token)))
            let name = command.request.name.rawValue
            if event["Response"] == "Success" {
                var data: [String: JSONValue] = [:]
                if let uniqueID = event["Uniqueid"] { data["uniqueId"] = .string(uniqueID) }
                if let channel = event["Channel"] { data["channel"] = .string(channel) }
                let reply = CommandReply(
                    id: command.request.id, command: name, actionID: actionID, status: .ok, data: .object(data))
                self.finish(token, reply: reply, at: now, into: &actions)
            } else {
                let reason = Self.originateReason(event["Reason"])
                self.publishOriginateFailed(actionID: actionID, id: command.request.id, reason: reason, into: &actions)
                let data = JSONValue.object(["reason": .string(reason), "reasonCode": .string(event["Reason"] ?? "")])
                let reply = CommandReply(
                    id: command.request.id, command: name, actionID: actionID, status: .failed, data: data)
                self.finish(token, reply: reply, at: now, into: &actions)
            }
            return true
        default:
            return false
        }
    }

    mutating func originateTimedOut(_ token: CommandToken, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard let command = self.commands[token], let actionID = command.actionID else { return }
        self.publishOriginateFailed(actionID: actionID, id: command.request.id, reason: "timeout", into: &actions)
        let error = CommandError(.timeout, "no OriginateResponse from Asterisk in time", actionID: actionID)
        self.finish(token, error: error, at: now, into: &actions)
    }

    mutating func parkGraceEnded(_ token: CommandToken, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard self.commands[token] != nil else { return }
        self.finishPark(token, space: nil, at: now, into: &actions)
    }

    /// The AMI connection dropped: originates waiting for their `OriginateResponse` will never
    /// hear it. (Commands waiting for a Response fail through the AMI client.)
    mutating func failWaitingOriginates(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        for token in self.commands.waitingOriginates {
            actions.append(.cancel(.originateTimeout(token)))
            let error = CommandError(
                .amiUnavailable,
                "the AMI connection dropped before Asterisk answered; the call may or may not have been placed",
                actionID: self.commands[token]?.actionID)
            self.finish(token, error: error, at: now, into: &actions)
        }
    }

    private mutating func finishPark(
        _ token: CommandToken, space: String?, at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        guard let command = self.commands[token], case .park(_, let channel) = command.plan else { return }
        var data: [String: JSONValue] = ["channel": .string(channel)]
        if let space { data["parkingSpace"] = .string(space) }
        self.finish(token, status: .ok, data: .object(data), actionID: command.actionID, at: now, into: &actions)
    }

    // MARK: Replies

    /// Answers command `token` finally: metrics, the reply, and a shutdown waiting for the
    /// last command.
    mutating func finish(
        _ token: CommandToken, reply: CommandReply, at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        guard let command = self.commands.close(token) else { return }
        let name = command.request.name.rawValue
        if reply.status == .error, let error = reply.error {
            actions.append(Self.failedLog(name, id: command.request.id, error))
        }
        actions.append(
            .record(
                .command(name, status: reply.status.rawValue, nanoseconds: (now.uptime - command.started).nanoseconds)))
        self.reply(reply, command.route, into: &actions)
        if self.commands.inFlight == 0, self.lifecycle == .stopping(.commands) {
            actions.append(.cancel(.commandsGrace))
            self.lifecycle = .stopping(.ami)
            actions.append(.shutdownAMI)
        }
    }

    mutating func finish(
        _ token: CommandToken, status: CommandReply.Status, data: JSONValue?, actionID: String? = nil,
        at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        guard let command = self.commands[token] else { return }
        let reply = CommandReply(
            id: command.request.id, command: command.request.name.rawValue, actionID: actionID, status: status,
            data: data)
        self.finish(token, reply: reply, at: now, into: &actions)
    }

    mutating func finish(
        _ token: CommandToken, error: CommandError, at now: BridgeInstant, into actions: inout [BridgeAction]
    ) {
        guard let command = self.commands[token] else { return }
        let reply = CommandReply(
            id: command.request.id, command: command.request.name.rawValue, actionID: error.actionID, status: .error,
            error: error)
        self.finish(token, reply: reply, at: now, into: &actions)
    }

    /// Sends `reply` and remembers it as the id's latest outcome.
    private mutating func reply(_ reply: CommandReply, _ route: ReplyRoute, into actions: inout [BridgeAction]) {
        if let id = reply.id {
            self.commands.recent.update(id, reply: reply)
        }
        self.send(reply, route, into: &actions)
    }

    private func send(_ reply: CommandReply, _ route: ReplyRoute, into actions: inout [BridgeAction]) {
        let routed = ReplyRouter.message(
            for: reply, route: route, layout: self.configuration.layout, qos: self.configuration.replyQoS)
        if let refused = routed.refused {
            actions.append(
                .log(.info, "reply topic refused; replying on the default topic", ["mqtt.topic": "\(refused)"]))
        }
        actions.append(.publish(routed.message, .reply))
    }

    // MARK: Helpers

    /// One queue: its ActionID is the command's; several: each queue's is in `data`.
    static func perQueueReply(_ command: PendingCommand, steps: [CommandPlan.QueueStep]) -> CommandReply {
        var data: [String: JSONValue] = [:]
        var failures: [(queue: String, error: CommandError)] = []
        for (index, step) in steps.enumerated() {
            let outcome = command.queueOutcomes[index] ?? .init(actionID: nil, error: nil)
            var entry: [String: JSONValue] = ["status": .string(outcome.error == nil ? "ok" : "error")]
            if let actionID = outcome.actionID { entry["actionId"] = .string(actionID) }
            if let error = outcome.error {
                entry["code"] = .string(error.code.rawValue)
                entry["message"] = .string(error.message)
                failures.append((step.queue, error))
            }
            data[step.queue] = .object(entry)
        }
        let actionID = steps.count == 1 ? command.queueOutcomes[0]?.actionID : nil
        let body = JSONValue.object(["queues": .object(data)])
        let name = command.request.name.rawValue
        guard let first = failures.first else {
            return CommandReply(id: command.request.id, command: name, actionID: actionID, status: .ok, data: body)
        }
        // Asterisk's own message for one queue; each queue's message when several failed.
        let message =
            steps.count == 1
            ? first.error.message : failures.map { "\($0.queue): \($0.error.message)" }.joined(separator: "; ")
        let code: CommandErrorCode =
            failures.allSatisfy { $0.error.code == first.error.code } ? first.error.code : .amiError
        return CommandReply(
            id: command.request.id, command: name, actionID: actionID, status: .error, data: body,
            error: CommandError(code, message))
    }

    static func commandError(from error: AMIClientError) -> CommandError {
        switch error {
        case .timeout: CommandError(.timeout, "Asterisk did not answer in time")
        case .notConnected, .connectionClosed: CommandError(.amiUnavailable, "\(error)")
        default: CommandError(.amiError, "\(error)")
        }
    }

    /// Asterisk's originate reason codes (AST_CONTROL_*), in words.
    static func originateReason(_ code: String?) -> String {
        switch code {
        case "0": "failed"
        case "1": "hangup"
        case "3": "no_answer"
        case "4": "answered"
        case "5": "busy"
        case "8": "congestion"
        default: "failed"
        }
    }

    private static func refusedLog(_ name: String, id: String?, _ error: CommandError) -> BridgeAction {
        .log(
            .info, "command refused",
            [
                "command": "\(name)", "command.id": "\(id ?? "")", "error.code": "\(error.code.rawValue)",
                "error.field": "\(error.field ?? "")", "error.message": "\(error.message)",
            ]
        )
    }

    private static func failedLog(_ name: String, id: String?, _ error: CommandError) -> BridgeAction {
        .log(
            .info, "command failed",
            [
                "command": "\(name)", "command.id": "\(id ?? "")", "error.code": "\(error.code.rawValue)",
                "error.message": "\(error.message)",
            ]
        )
    }
}
