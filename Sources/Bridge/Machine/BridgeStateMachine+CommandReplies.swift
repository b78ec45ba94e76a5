import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

/// A command's final answer: metrics, the reply on its route, the at-most-once memory.
extension BridgeStateMachine {
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
    mutating func reply(_ reply: CommandReply, _ route: ReplyRoute, into actions: inout [BridgeAction]) {
        if let id = reply.id {
            self.commands.recent.update(id, reply: reply)
        }
        self.send(reply, route, into: &actions)
    }

    func send(_ reply: CommandReply, _ route: ReplyRoute, into actions: inout [BridgeAction]) {
        let routed = ReplyRouter.message(
            for: reply, route: route, layout: self.configuration.layout, qos: self.configuration.replyQoS)
        if let refused = routed.refused {
            actions.append(
                .log(
                    .info, "reply topic refused; replying on the default topic", [BridgeLogKey.mqttTopic: "\(refused)"])
            )
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

    static func refusedLog(_ name: String, id: String?, _ error: CommandError) -> BridgeAction {
        .log(
            .info, "command refused",
            [
                BridgeLogKey.command: "\(name)", BridgeLogKey.commandID: "\(id ?? "")",
                BridgeLogKey.errorCode: "\(error.code.rawValue)",
                BridgeLogKey.errorField: "\(error.field ?? "")", BridgeLogKey.errorMessage: "\(error.message)",
            ]
        )
    }

    static func failedLog(_ name: String, id: String?, _ error: CommandError) -> BridgeAction {
        .log(
            .info, "command failed",
            [
                BridgeLogKey.command: "\(name)", BridgeLogKey.commandID: "\(id ?? "")",
                BridgeLogKey.errorCode: "\(error.code.rawValue)",
                BridgeLogKey.errorMessage: "\(error.message)",
            ]
        )
    }
}
