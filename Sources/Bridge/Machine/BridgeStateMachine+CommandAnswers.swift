import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

/// What Asterisk says back to a command: Responses, `OriginateResponse`, `ParkedCall`, and
/// the timers that stand in when it says nothing.
extension BridgeStateMachine {
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
        case BridgeEvent.parkedCall.rawValue:
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
        case BridgeEvent.originateResponse.rawValue:
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
}
