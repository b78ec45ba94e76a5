import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

/// Carries out commands from `{p}/cmd/#` and answers them.
///
/// Lives on the bridge's event loop (every method is called there). At most once: a retained
/// command is refused, a repeated `id` is answered with the first outcome, and a command is
/// validated completely before its first AMI action.
///
/// `@unchecked Sendable` for the same reason as `PBXBridge`: it is confined to the bridge's
/// event loop, so the future callbacks that capture it all run there.
final class CommandCenter: @unchecked Sendable {
    unowned let bridge: PBXBridge
    var parser: CommandParser
    var recent = RecentCommands()
    /// Commands sent to Asterisk and not yet answered.
    private(set) var inFlight = 0
    /// Async originates waiting for their `OriginateResponse`, by ActionID.
    private var originates: [String: PendingOriginate] = [:]
    /// Park commands waiting for the `ParkedCall` event that names the space, by parked channel.
    private var parks: [String: EventLoopPromise<String?>] = [:]
    private var drainPromise: EventLoopPromise<Void>?

    struct PendingOriginate {
        var request: CommandRequest
        var route: ReplyRoute
        var started: NIODeadline
        var timeout: Scheduled<Void>
    }

    init(bridge: PBXBridge) {
        self.bridge = bridge
        self.parser = CommandParser(policy: bridge.configuration.commands)
    }

    private var logger: Logger { self.bridge.logger }
    private var loop: any EventLoop { self.bridge.eventLoop }
    private var policy: CommandPolicy { self.parser.policy }

    // MARK: Intake

    func handle(command name: String, message: MQTTMessage) {
        let route = ReplyRoute(
            responseTopic: message.properties.responseTopic,
            correlationData: message.properties.correlationData,
            replyTo: nil,
            command: name
        )
        if message.retain && message.payload.isEmpty {
            // Someone clearing a retained command: nothing was asked, nothing to answer.
            self.logger.debug("retained command cleared", metadata: ["mqtt.topic": "\(message.topic)"])
            return
        }
        if message.retain {
            // Never executed, but still answered where the sender asked, with its id.
            let routing = self.parser.routing(of: message.payload)
            var route = route
            route.replyTo = routing.replyTo
            self.logger.warning(
                "retained command refused",
                metadata: ["command": "\(name)", "mqtt.topic": "\(message.topic)", "command.id": "\(routing.id ?? "")"])
            self.reply(
                CommandReply(
                    id: routing.id, command: name, status: .error,
                    error: CommandError(
                        .retained,
                        "retained commands are never executed: publish commands without the retain flag (and clear the retained message on \(message.topic))"
                    )), route: route)
            return
        }
        switch self.parser.parse(command: name, payload: message.payload) {
        case .failure(let failure):
            var route = route
            route.replyTo = failure.replyTo
            self.logger.info(
                "command refused",
                metadata: [
                    "command": "\(name)", "command.id": "\(failure.id ?? "")",
                    "error.code": "\(failure.error.code.rawValue)",
                    "error.field": "\(failure.error.field ?? "")", "error.message": "\(failure.error.message)",
                ]
            )
            self.reply(CommandReply(id: failure.id, command: name, status: .error, error: failure.error), route: route)
        case .success(let request):
            var route = route
            route.replyTo = request.replyTo
            self.execute(request, route: route)
        }
    }

    private func execute(_ request: CommandRequest, route: ReplyRoute) {
        let now = Double(NIODeadline.now().uptimeNanoseconds) / 1e9
        if let id = request.id, let seen = self.recent.lookup(id, now: now) {
            self.logger.info(
                "repeated command id answered from memory",
                metadata: ["command": "\(request.name.rawValue)", "command.id": "\(id)"])
            self.send(seen.reply, route: route)
            return
        }
        if let error = self.refusal(for: request) {
            self.logger.info(
                "command refused",
                metadata: [
                    "command": "\(request.name.rawValue)", "command.id": "\(request.id ?? "")",
                    "error.code": "\(error.code.rawValue)", "error.message": "\(error.message)",
                ]
            )
            self.reply(
                CommandReply(id: request.id, command: request.name.rawValue, status: .error, error: error), route: route
            )
            return
        }
        if let id = request.id {
            self.recent.remember(
                id, command: request.name.rawValue,
                reply: CommandReply(id: id, command: request.name.rawValue, status: .accepted), now: now)
        }
        self.inFlight += 1
        let started = NIODeadline.now()
        self.run(request, route: route).whenComplete { result in
            let reply: CommandReply
            switch result {
            case .success(let outcome):
                reply = outcome
            case .failure(let error):
                let error = Self.commandError(from: error)
                self.logger.info(
                    "command failed",
                    metadata: [
                        "command": "\(request.name.rawValue)", "command.id": "\(request.id ?? "")",
                        "error.code": "\(error.code.rawValue)", "error.message": "\(error.message)",
                    ]
                )
                reply = CommandReply(
                    id: request.id, command: request.name.rawValue, actionID: error.actionID, status: .error,
                    error: error)
            }
            if reply.isFinal {
                self.finished(request, status: reply.status.rawValue, started: started)
            }
            self.reply(reply, route: route)
        }
    }

    /// Checks that need the live state: AMI up, capacity left, the named queues known.
    private func refusal(for request: CommandRequest) -> CommandError? {
        if self.bridge.stopping {
            return CommandError(.amiUnavailable, "the bridge is shutting down")
        }
        switch request.command {
        case .queueStatus, .bridgeResync:
            break
        default:
            guard case .connected = self.bridge.amiState else {
                return CommandError(
                    .amiUnavailable,
                    "Asterisk is not connected (\(self.bridge.amiState)); the command was not queued, retry later")
            }
        }
        guard self.inFlight < self.policy.maxInFlight else {
            return CommandError(
                .busy, "\(self.inFlight) commands are already waiting for Asterisk (commands.maxInFlight); retry later")
        }
        return nil
    }

    private func finished(_ request: CommandRequest, status: String, started: NIODeadline) {
        self.inFlight -= 1
        self.bridge.metrics.command(
            request.name.rawValue, status: status, nanoseconds: (NIODeadline.now() - started).nanoseconds)
        if self.inFlight == 0, let promise = self.drainPromise {
            self.drainPromise = nil
            promise.succeed()
        }
    }

    // MARK: Each command

    private func run(_ request: CommandRequest, route: ReplyRoute) -> EventLoopFuture<CommandReply> {
        let name = request.name.rawValue
        @Sendable func ok(_ data: JSONValue? = nil, actionID: String? = nil) -> CommandReply {
            CommandReply(id: request.id, command: name, actionID: actionID, status: .ok, data: data)
        }
        switch request.command {
        case .originate(let originate):
            return self.originate(originate, request: request, route: route)

        case .queueAdd(let queues, let agent, let memberName, let penalty, let paused):
            return self.perQueue(queues, request: request) { queue in
                var fields = [AMIField("Queue", queue), AMIField("Interface", self.policy.interface(for: agent))]
                if let memberName { fields.append(AMIField("MemberName", memberName)) }
                if let penalty { fields.append(AMIField("Penalty", String(penalty))) }
                if let paused { fields.append(AMIField("Paused", paused ? "true" : "false")) }
                fields.append(AMIField("StateInterface", self.policy.stateInterface(for: agent)))
                return AMIAction("QueueAdd", fields)
            }

        case .queueRemove(let queues, let agent):
            return self.perQueue(queues, request: request) { queue in
                AMIAction(
                    "QueueRemove", [AMIField("Queue", queue), AMIField("Interface", self.policy.interface(for: agent))])
            }

        case .queuePause(let queues, let agent, let paused, let reason):
            let build = { (queue: String?) -> AMIAction in
                var fields = [
                    AMIField("Interface", self.policy.interface(for: agent)),
                    AMIField("Paused", paused ? "true" : "false"),
                ]
                if let queue { fields.insert(AMIField("Queue", queue), at: 0) }
                if let reason { fields.append(AMIField("Reason", reason)) }
                return AMIAction("QueuePause", fields)
            }
            if queues.isEmpty {
                return self.action(build(nil)).map { ok(actionID: $0.response.actionID) }
            }
            return self.perQueue(queues, request: request) { build($0) }

        case .queueReset(let queue):
            let fields = queue.map { [AMIField("Queue", $0)] } ?? []
            return self.action(AMIAction("QueueReset", fields)).map { ok(actionID: $0.response.actionID) }

        case .queueStatus(let queue):
            return self.loop.makeSucceededFuture(ok(self.queueStatus(queue)))

        case .bridgeResync:
            return self.bridge.resync().map { ok(.object(["changed": .number(Double($0))])) }

        case .hangup(let target):
            return self.channel(for: target, peer: false).flatMap { channel in
                self.action(AMIAction("Hangup", [AMIField("Channel", channel)])).map {
                    ok(.object(["channel": .string(channel)]), actionID: $0.response.actionID)
                }
            }

        case .redirect(let target, let to, let context):
            return self.channel(for: target, peer: true).flatMap { channel in
                self.action(
                    AMIAction(
                        "Redirect",
                        [
                            AMIField("Channel", channel), AMIField("Exten", to), AMIField("Context", context),
                            AMIField("Priority", "1"),
                        ])
                ).map {
                    ok(.object(["channel": .string(channel)]), actionID: $0.response.actionID)
                }
            }

        case .park(let target, let announceTo):
            return self.channel(for: target, peer: true).flatMap { channel in
                self.park(channel, target: target, announceTo: announceTo, request: request)
            }
        }
    }

    /// Sends one action; an Asterisk `Response: Error` becomes `ami_error` with its message.
    private func action(_ action: AMIAction) -> EventLoopFuture<AMIResponse> {
        self.bridge.ami.send(action, timeout: .milliseconds(Int64(self.policy.timeoutSeconds * 1000)))
            .flatMapErrorThrowing { throw Self.commandError(from: $0) }
            .flatMapThrowing { response in
                if response.isError {
                    throw CommandError(
                        .amiError, response.message ?? "Asterisk refused \(action.name)",
                        actionID: response.response.actionID)
                }
                return response
            }
    }

    /// One action per queue, all sent; the reply lists each queue's result.
    private func perQueue(_ queues: [String], request: CommandRequest, build: @escaping (String) -> AMIAction)
        -> EventLoopFuture<CommandReply>
    {
        let sends = queues.map { queue in
            self.action(build(queue))
                .map { (queue: queue, actionID: $0.response.actionID, error: CommandError?.none) }
                .recover { failure in
                    let error = Self.commandError(from: failure)
                    return (queue: queue, actionID: error.actionID, error: error)
                }
        }
        return EventLoopFuture.whenAllSucceed(sends, on: self.loop).map { results in
            var data: [String: JSONValue] = [:]
            var failures: [CommandError] = []
            for result in results {
                var entry: [String: JSONValue] = ["status": .string(result.error == nil ? "ok" : "error")]
                if let actionID = result.actionID { entry["actionId"] = .string(actionID) }
                if let error = result.error {
                    entry["code"] = .string(error.code.rawValue)
                    entry["message"] = .string(error.message)
                    failures.append(error)
                }
                data[result.queue] = .object(entry)
            }
            // One queue: its ActionID is the command's; several: each queue's is in `data`.
            let actionID = results.count == 1 ? results[0].actionID : nil
            let body = JSONValue.object(["queues": .object(data)])
            guard let first = failures.first else {
                return CommandReply(
                    id: request.id, command: request.name.rawValue, actionID: actionID, status: .ok, data: body)
            }
            // Asterisk's own message for one queue; each queue's message when several failed.
            let message =
                results.count == 1
                ? first.message
                : results.compactMap { result in result.error.map { "\(result.queue): \($0.message)" } }.joined(
                    separator: "; ")
            let code: CommandErrorCode = failures.allSatisfy { $0.code == first.code } ? first.code : .amiError
            return CommandReply(
                id: request.id, command: request.name.rawValue, actionID: actionID, status: .error, data: body,
                error: CommandError(code, message))
        }
    }

    // MARK: Park

    /// Parks `channel` (park-and-announce). Parked by agent, the agent's own channel is the
    /// `TimeoutChannel`: Asterisk announces the parking space to it and calls it back when
    /// the parked call times out. `announceTo` names an agent whose current channel hears
    /// the announcement instead. The reply carries the space from Asterisk's `ParkedCall`.
    private func park(_ channel: String, target: Command.Target, announceTo: String?, request: CommandRequest)
        -> EventLoopFuture<CommandReply>
    {
        var fields = [AMIField("Channel", channel)]
        if case .agent(let agent) = target,
            let own = self.bridge.model.calls(ofAgent: agent).first(where: { $0.peerChannel == channel })?.channel
        {
            fields.append(AMIField("TimeoutChannel", own))
        }
        if let announceTo {
            let channels = self.bridge.model.channels(ofAgent: announceTo)
            guard channels.count == 1 else {
                return self.loop.makeFailedFuture(
                    CommandError(
                        .invalidField,
                        channels.isEmpty
                            ? "announceTo: agent \(announceTo) has no channel to announce to"
                            : "announceTo: agent \(announceTo) has \(channels.count) channels",
                        field: "announceTo", candidates: channels.isEmpty ? nil : channels
                    )
                )
            }
            fields.append(AMIField("AnnounceChannel", channels[0]))
        }
        // Registered before the action: Asterisk may report the park before its Response.
        let parked = self.loop.makePromise(of: String?.self)
        self.parks[channel]?.succeed(nil)
        self.parks[channel] = parked
        return self.action(AMIAction("Park", fields))
            .flatMapError { error in
                self.parks[channel] = nil
                parked.succeed(nil)
                return self.loop.makeFailedFuture(error)
            }
            .flatMap { response in
                let grace = self.loop.scheduleTask(in: .milliseconds(Int64(min(self.policy.timeoutSeconds, 2) * 1000)))
                {
                    self.parks.removeValue(forKey: channel)?.succeed(nil)
                }
                return parked.futureResult.map { space in
                    grace.cancel()
                    var data: [String: JSONValue] = ["channel": .string(channel)]
                    if let space { data["parkingSpace"] = .string(space) }
                    return CommandReply(
                        id: request.id, command: request.name.rawValue, actionID: response.response.actionID,
                        status: .ok, data: .object(data))
                }
            }
    }

    // MARK: Originate

    private func originate(_ originate: Command.Originate, request: CommandRequest, route: ReplyRoute)
        -> EventLoopFuture<CommandReply>
    {
        var fields = [
            AMIField("Channel", self.policy.interface(for: originate.from)),
            AMIField("Context", originate.context),
            AMIField("Exten", originate.to),
            AMIField("Priority", "1"),
            AMIField("Timeout", String(originate.timeoutSeconds * 1000)),
            AMIField("Async", "true"),
        ]
        if let callerID = originate.callerID { fields.append(AMIField("CallerID", callerID)) }
        for key in originate.variables.keys.sorted() {
            fields.append(AMIField("Variable", "\(key)=\(originate.variables[key] ?? "")"))
        }
        return self.action(AMIAction("Originate", fields)).map { response in
            let actionID = response.response.actionID ?? ""
            let waitFor =
                TimeAmount.seconds(Int64(originate.timeoutSeconds))
                + .milliseconds(Int64(self.policy.timeoutSeconds * 1000))
            let timeout = self.loop.scheduleTask(in: waitFor) { self.originateTimedOut(actionID) }
            self.originates[actionID] = PendingOriginate(
                request: request, route: route, started: .now(), timeout: timeout)
            return CommandReply(id: request.id, command: request.name.rawValue, actionID: actionID, status: .accepted)
        }
    }

    /// Takes `OriginateResponse` events that answer our originates; true when consumed.
    /// Notes the space of a `ParkedCall` a park command waits for (not consumed: the model
    /// sees it too).
    func consume(_ event: AMIMessage) -> Bool {
        if !self.parks.isEmpty, event.eventName == "ParkedCall", let channel = event["ParkeeChannel"],
            let parked = self.parks.removeValue(forKey: channel)
        {
            parked.succeed(event["ParkingSpace"])
            return false
        }
        guard !self.originates.isEmpty, event.eventName == "OriginateResponse", let actionID = event.actionID,
            let pending = self.originates.removeValue(forKey: actionID)
        else { return false }
        pending.timeout.cancel()
        let request = pending.request
        let reply: CommandReply
        if event["Response"] == "Success" {
            var data: [String: JSONValue] = [:]
            if let uniqueID = event["Uniqueid"] { data["uniqueId"] = .string(uniqueID) }
            if let channel = event["Channel"] { data["channel"] = .string(channel) }
            reply = CommandReply(
                id: request.id, command: request.name.rawValue, actionID: actionID, status: .ok, data: .object(data))
        } else {
            let reason = Self.originateReason(event["Reason"])
            reply = CommandReply(
                id: request.id, command: request.name.rawValue, actionID: actionID, status: .failed,
                data: .object(["reason": .string(reason), "reasonCode": .string(event["Reason"] ?? "")])
            )
            self.publishOriginateFailed(actionID: actionID, id: request.id, reason: reason)
        }
        self.finished(request, status: reply.status.rawValue, started: pending.started)
        self.reply(reply, route: pending.route)
        return true
    }

    private func originateTimedOut(_ actionID: String) {
        guard let pending = self.originates.removeValue(forKey: actionID) else { return }
        let request = pending.request
        self.publishOriginateFailed(actionID: actionID, id: request.id, reason: "timeout")
        self.finished(request, status: "timeout", started: pending.started)
        self.reply(
            CommandReply(
                id: request.id, command: request.name.rawValue, actionID: actionID, status: .error,
                error: CommandError(.timeout, "no OriginateResponse from Asterisk in time")),
            route: pending.route
        )
    }

    private func publishOriginateFailed(actionID: String, id: String?, reason: String) {
        var json = JSONWriter()
        json.beginObject()
        json.field("actionId", actionID)
        json.field("id", id)
        json.field("reason", reason)
        json.endObject()
        self.bridge.send(
            MQTTMessage(
                topic: self.bridge.configuration.layout.originateFailed, payload: json.bytes,
                qos: self.bridge.configuration.eventQoS, retain: false), kind: .event)
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

    // MARK: Targets and status

    /// The channel a call-control command acts on: the named raw channel, or for an agent
    /// its own channel (`peer` false) or the party it talks to (`peer` true). Several
    /// candidates are an error listing them, like pbxis-ws.
    private func channel(for target: Command.Target, peer: Bool) -> EventLoopFuture<String> {
        switch target {
        case .channel(let channel):
            return self.loop.makeSucceededFuture(channel)
        case .agent(let agent):
            let channels =
                peer ? self.bridge.model.peerChannels(ofAgent: agent) : self.bridge.model.channels(ofAgent: agent)
            switch channels.count {
            case 1:
                return self.loop.makeSucceededFuture(channels[0])
            case 0:
                return self.loop.makeFailedFuture(
                    CommandError(
                        .invalidField, "agent: agent \(agent) has no \(peer ? "call" : "channel") right now",
                        field: "agent"))
            default:
                return self.loop.makeFailedFuture(
                    CommandError(
                        .invalidField,
                        "agent: agent \(agent) has \(channels.count) \(peer ? "calls" : "channels"); name one with `channel`",
                        field: "agent", candidates: channels)
                )
            }
        }
    }

    /// The published model of one queue or all of them, as subscribers see it.
    private func queueStatus(_ queue: String?) -> JSONValue {
        var queues: [String: [String: JSONValue]] = [:]
        for (key, value) in self.bridge.model.view {
            let payload = JSONValue.parse(PayloadEncoder.encode(value)) ?? .null
            switch key {
            case .queueCount(let name) where queue == nil || queue == name:
                queues[name, default: [:]]["count"] = payload
            case .queueStats(let name) where queue == nil || queue == name:
                queues[name, default: [:]]["stats"] = payload
            case .agentQueueMemberStatus(let agent, let name) where queue == nil || queue == name:
                var members: [String: JSONValue] = [:]
                if case .object(let existing)? = queues[name]?["members"] { members = existing }
                members[agent] = payload
                queues[name, default: [:]]["members"] = .object(members)
            default:
                continue
            }
        }
        return .object(["queues": .object(queues.mapValues { .object($0) })])
    }

    // MARK: Replies

    private func reply(_ reply: CommandReply, route: ReplyRoute) {
        if let id = reply.id {
            self.recent.update(id, reply: reply)
        }
        self.send(reply, route: route)
    }

    private func send(_ reply: CommandReply, route: ReplyRoute) {
        let layout = self.bridge.configuration.layout
        var topic = layout.defaultReply(for: route.command)
        var properties = MQTTProperties()
        if let responseTopic = route.responseTopic {
            if layout.isAllowedReplyTopic(responseTopic) {
                topic = responseTopic
                properties.correlationData = route.correlationData
            } else {
                self.logger.info(
                    "response topic refused; replying on the default topic",
                    metadata: ["mqtt.topic": "\(responseTopic)"])
            }
        } else if let replyTo = route.replyTo {
            if layout.isAllowedReplyTopic(replyTo) {
                topic = replyTo
            } else {
                self.logger.info(
                    "replyTo refused; replying on the default topic", metadata: ["mqtt.topic": "\(replyTo)"])
            }
        }
        if !layout.isAllowedReplyTopic(topic) {
            // Unknown command names may hold anything; keep replies inside `{p}/reply/`.
            topic = layout.defaultReply(for: "unknown")
        }
        properties.contentType = "application/json"
        self.bridge.send(
            MQTTMessage(
                topic: topic, payload: reply.payload(), qos: self.bridge.configuration.replyQoS, retain: false,
                properties: properties), kind: .reply)
    }

    // MARK: Connection changes and shutdown

    func amiDisconnected() {
        for (actionID, pending) in self.originates {
            pending.timeout.cancel()
            self.finished(pending.request, status: "ami_unavailable", started: pending.started)
            self.reply(
                CommandReply(
                    id: pending.request.id, command: pending.request.name.rawValue, actionID: actionID, status: .error,
                    error: CommandError(
                        .amiUnavailable,
                        "the AMI connection dropped before Asterisk answered; the call may or may not have been placed")
                ),
                route: pending.route
            )
        }
        self.originates = [:]
    }

    /// Completes when no command is in flight, or after `grace`.
    func drain(within grace: TimeAmount) -> EventLoopFuture<Void> {
        if self.inFlight == 0 { return self.loop.makeSucceededVoidFuture() }
        let promise = self.loop.makePromise(of: Void.self)
        self.drainPromise = promise
        self.loop.scheduleTask(in: grace) {
            if let pending = self.drainPromise {
                self.drainPromise = nil
                pending.succeed()
            }
        }
        return promise.futureResult
    }

    static func commandError(from error: any Error) -> CommandError {
        if let error = error as? CommandError { return error }
        if let error = error as? AMIClientError {
            switch error {
            case .timeout: return CommandError(.timeout, "Asterisk did not answer in time")
            case .notConnected, .connectionClosed: return CommandError(.amiUnavailable, "\(error)")
            default: return CommandError(.amiError, "\(error)")
            }
        }
        return CommandError(.amiError, "\(error)")
    }
}
