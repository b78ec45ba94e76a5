import AMI
import PBXCore

/// Originate, Redirect, Hangup and Park, against the fixtures' dialplan (Tests/Fixtures/asterisk-conf/).
extension SimulatorCore {
    /// Where a `Local/{exten}@{context}` channel leads in the simulated dialplan.
    enum DialTarget {
        case queue(SimQueue)
        case agent(String)
        /// Answers and hangs up after this many seconds (incoming,300; outbound).
        case answerAndWait(Double)
        /// `Local/{space}@incoming` of an occupied parking space: picks the parked call up.
        case pickup(Int)
        case unreachable
    }

    func dialTarget(_ channel: String) -> DialTarget {
        guard channel.lowercased().hasPrefix("local/"), let at = channel.firstIndex(of: "@") else {
            return .unreachable
        }
        let exten = String(channel[channel.index(channel.startIndex, offsetBy: 6)..<at])
        var context = String(channel[channel.index(after: at)...])
        if let slash = context.firstIndex(of: "/") { context = String(context[..<slash]) }
        switch context {
        case "incoming":
            if let queue = self.queues.first(where: { $0.configuration.incomingExtension == exten }) {
                return .queue(queue)
            }
            if let space = Int(exten), self.parked[space] != nil {
                return .pickup(space)
            }
            return exten == "300" ? .answerAndWait(5) : .unreachable
        case "agents":
            let isPattern = exten.count == 3 && exten.hasPrefix("1") && exten.allSatisfy(\.isNumber)
            return self.hints.contains(exten) || isPattern ? .agent(exten) : .unreachable
        case "outbound":
            return !exten.isEmpty && exten.allSatisfy(\.isNumber) ? .answerAndWait(2) : .unreachable
        default:
            return .unreachable
        }
    }

    func originate(_ request: ActionRequest) {
        guard let channel = request.required("Channel", or: "Channel not specified") else { return }
        guard channel.contains("/") else {
            request.respond(AMIEventFactory.error("Invalid channel", actionID: request.actionID))
            return
        }
        var target: [AMIField] = []
        var waitSeconds: Double?
        if let application = request.nonEmpty("Application") {
            let data = request["Data"] ?? ""
            target = [AMIField("Application", application), AMIField("Data", data)]
            if application.caseInsensitiveEquals("wait") { waitSeconds = Double(data) ?? 0 }
        } else {
            let context = request["Context"] ?? "default"
            let exten = request["Exten"] ?? "s"
            target = [AMIField("Context", context), AMIField("Exten", exten)]
            if case .answerAndWait(let seconds) = self.dialTarget("Local/\(exten)@\(context)") { waitSeconds = seconds }
        }
        var variables: [(String, String)] = []
        for value in request.message.values(of: "Variable") {
            for pair in value.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                variables.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
            }
        }
        let context = OriginateContext(
            actionID: request.actionID, channel: channel, target: target, variables: variables)
        let callerID = Self.parseCallerID(request["CallerID"])
        let isAsync = Self.isTrue(request["Async"])
        let destination = self.dialTarget(channel)
        if case .unreachable = destination {
            if isAsync {
                request.respond(AMIEventFactory.success("Originate successfully queued", actionID: request.actionID))
                self.schedule(after: 0.01) { core in
                    core.sendOriginateResponse(context, success: false, channel: nil)
                }
            } else {
                request.respond(AMIEventFactory.error("Originate failed", actionID: request.actionID))
            }
            return
        }
        if isAsync {
            request.respond(AMIEventFactory.success("Originate successfully queued", actionID: request.actionID))
        }
        let vars = Dictionary(variables.map { (String($0.0.filter { $0 != "_" }), $0.1) }, uniquingKeysWith: { $1 })
        let talk = Double(vars["TALKTIME"] ?? "") ?? 3
        let ring = Double(vars["RINGTIME"] ?? "") ?? 0
        let start = { [context] (core: SimulatorCore) in
            switch destination {
            case .queue(let queue):
                let plan = CallPlan(callerLifetime: waitSeconds, ringTime: { _ in ring }, talkTime: talk)
                core.startQueueCall(
                    queue: queue,
                    callerNum: vars["CALLERNUM"] ?? callerID?.num ?? "<unknown>",
                    callerName: callerID?.name ?? "<unknown>",
                    plan: plan,
                    originate: context
                )
            case .agent(let exten):
                core.startDirectCall(
                    exten: exten, context: "agents", agent: exten, lifetime: min(talk, waitSeconds ?? talk),
                    callerID: callerID, originate: context)
            case .answerAndWait(let seconds):
                guard let at = channel.firstIndex(of: "@") else { return }
                let exten = String(channel[channel.index(channel.startIndex, offsetBy: 6)..<at])
                let ctx =
                    String(channel[channel.index(after: at)...]).split(separator: "/").first.map(String.init) ?? ""
                core.startDirectCall(
                    exten: exten, context: ctx, agent: nil, lifetime: min(seconds, waitSeconds ?? seconds),
                    callerID: callerID, originate: context)
            case .pickup(let space):
                let retriever = core.startDirectCall(
                    exten: String(space), context: "incoming", agent: nil, lifetime: waitSeconds ?? 3,
                    callerID: callerID, originate: context)
                core.pickUp(space: space, retriever: retriever)
            case .unreachable:
                break
            }
        }
        if isAsync {
            self.schedule(after: 0.01, start)
        } else {
            start(self)
            request.respond(AMIEventFactory.success("Originate successfully queued", actionID: request.actionID))
        }
    }

    func sendOriginateResponse(_ context: OriginateContext, success: Bool, channel: SimChannel?) {
        var fields: [AMIField] = []
        if let id = context.actionID { fields.append(AMIField("ActionID", id)) }
        fields.append(AMIField("Response", success ? "Success" : "Failure"))
        fields.append(AMIField("Channel", channel?.name ?? context.channel))
        fields += context.target
        fields.append(AMIField("Reason", success ? "4" : "0"))
        fields.append(AMIField("Uniqueid", channel?.uniqueID ?? "<unknown>"))
        fields.append(AMIField("CallerIDNum", channel?.callerIDNum ?? "<unknown>"))
        fields.append(AMIField("CallerIDName", channel?.callerIDName ?? "<unknown>"))
        self.broadcast(SimEvent("OriginateResponse", .call, fields))
    }

    /// An originated call to an agent extension (its Custom state goes INUSE for the call)
    /// or another answering target; it ends after `lifetime` simulated seconds.
    @discardableResult
    func startDirectCall(
        exten: String, context: String, agent: String?, lifetime: Double, callerID: (num: String, name: String)?,
        originate: OriginateContext?
    ) -> SimCall {
        let (one, two) = self.makeLocalPair(exten: exten, context: context, linkedID: nil)
        let call = self.newCall(kind: .direct, channels: [one, two])
        call.agentExtension = agent
        self.broadcast(AMIEventFactory.newchannel(one))
        self.broadcast(AMIEventFactory.newchannel(two))
        self.broadcast(AMIEventFactory.newexten(one, application: "AppDial2", data: "(Outgoing Line)"))
        for (name, value) in originate?.variables ?? [] {
            self.broadcast(AMIEventFactory.varSet(one, variable: name, value: value))
        }
        if let callerID {
            for channel in [one, two] {
                self.setCallerID(channel, num: callerID.num, name: callerID.name)
                self.broadcast(AMIEventFactory.newCallerid(channel))
                channel.connectedLineNum = callerID.num
                channel.connectedLineName = callerID.name
                self.broadcast(AMIEventFactory.newConnectedLine(channel))
            }
        }
        self.broadcast(AMIEventFactory.localBridge(one: one, two: two))
        self.broadcast(AMIEventFactory.dialBegin(caller: nil, dest: one, dialString: "\(exten)@\(context)"))
        if let agent {
            self.broadcast(AMIEventFactory.newexten(two, application: "Set", data: "AGENT=\(agent)"))
            self.broadcast(AMIEventFactory.varSet(two, variable: "AGENT", value: agent))
            self.broadcast(AMIEventFactory.hangupHandler("HangupHandlerPush", two))
            self.setDeviceState("Custom:\(agent)", .inUse)
        }
        self.answerLocalPair(one: one, two: two, originate: originate)
        if let originate {
            if let app = originate.target.first, app.key == "Application" {
                one.application = app.value
                one.applicationData = originate.target.last?.value ?? ""
            } else {
                one.application = "Wait"
                one.applicationData = String(Int(lifetime))
            }
        }
        self.changeDevice("Local/\(exten)@\(context)", .inUse)
        two.priority = agent == nil ? 2 : 7
        two.application = "Wait"
        two.applicationData = String(Int(lifetime))
        call.endTimer = self.schedule(after: lifetime) { core in
            core.endDirectCall(call, cause: 16)
        }
        return call
    }

    func endDirectCall(_ call: SimCall, cause: Int) {
        guard !call.ended else { return }
        let one = call.channels[0]
        let two = call.channels[1]
        self.broadcast(AMIEventFactory.hangupRequest(one, cause: cause, soft: true))
        self.broadcast(AMIEventFactory.hangupRequest(two, cause: cause, soft: false))
        self.hangupChannel(one, cause: cause, request: false)
        if let agent = call.agentExtension {
            self.runAgentHangupHandler(two, stateInterface: "Custom:\(agent)")
        }
        self.hangupChannel(two, cause: cause, request: false)
        self.changeDevice("Local/\(one.exten)@\(one.context)", .notInUse)
        self.finish(call)
        call.onEnd?(self)
    }

    /// Ends whatever call `channel` belongs to, as hanging that channel up would.
    func hangUp(_ channel: SimChannel, cause: Int) {
        guard let call = channel.call, !call.ended else {
            self.hangupChannel(channel, cause: cause)
            return
        }
        switch call.kind {
        case .direct:
            self.endDirectCall(call, cause: cause)
        case .queueCaller:
            if let leg = call.connected, leg.one === channel || leg.two === channel {
                self.completeCall(call, endedBy: .agent)
            } else if let caller = call.queueCaller,
                let leg = caller.ringing.first(where: { $0.one === channel || $0.two === channel })
            {
                caller.ringing.removeAll { $0 === leg }
                self.dropLeg(leg, caller: caller.channel, dialStatus: "BUSY", cause: cause)
                if caller.ringing.isEmpty {
                    self.cancel(caller.ringTimer)
                    self.scheduleDistribute(caller.queue)
                }
            } else {
                self.callerHangsUp(call)
            }
        }
    }

    func hangupAction(_ request: ActionRequest) {
        guard let name = request.required("Channel", or: "No channel specified") else { return }
        let cause = Int(request["Cause"] ?? "") ?? 16
        if name.count >= 2, name.hasPrefix("/"), name.hasSuffix("/") {
            let pattern = String(name.dropFirst().dropLast())
            guard let regex = POSIXRegex(pattern) else {
                request.respond(AMIEventFactory.error("Invalid regex", actionID: request.actionID))
                return
            }
            request.respond(AMIEventFactory.listStart("Channels hung up will follow", actionID: request.actionID))
            let matching = self.liveChannels.filter { regex.matches($0.name) }
            for channel in matching {
                request.respond(
                    AMIEventFactory.listItem(
                        "ChannelHungup", actionID: request.actionID, actionIDFirst: false,
                        [
                            AMIField("Channel", channel.name)
                        ]))
            }
            request.respond(
                AMIEventFactory.listComplete(
                    "ChannelsHungupListComplete", actionID: request.actionID, items: matching.count))
            for channel in matching where self.channels[channel.name] != nil {
                self.hangUp(channel, cause: cause)
            }
            return
        }
        guard let channel = self.channels[name] else {
            request.respond(AMIEventFactory.error("No such channel", actionID: request.actionID))
            return
        }
        request.respond(AMIEventFactory.success("Channel Hungup", actionID: request.actionID))
        self.hangUp(channel, cause: cause)
    }

    /// The live channel an action's `Channel` header names, or nil after answering the
    /// error Asterisk gives for a missing or unknown channel (Redirect, Park).
    func namedChannel(_ request: ActionRequest) -> (String, SimChannel)? {
        guard let name = request.nonEmpty("Channel") else {
            request.respond(AMIEventFactory.error("Channel not specified", actionID: request.actionID))
            return nil
        }
        guard let channel = self.channels[name] else {
            request.respond(AMIEventFactory.error("Channel does not exist: \(name)", actionID: request.actionID))
            return nil
        }
        return (name, channel)
    }

    /// The `;2` half answers its dialplan and both halves go up, as a Local channel Asterisk
    /// dialled does; an originate that asked for it learns of its success at that point.
    func answerLocalPair(one: SimChannel, two: SimChannel, originate: OriginateContext?) {
        self.broadcast(AMIEventFactory.newexten(two, application: "Answer", data: ""))
        self.setUp(two)
        self.setUp(one)
        self.broadcast(AMIEventFactory.dialEnd(caller: nil, dest: one, status: "ANSWER"))
        if let originate {
            self.sendOriginateResponse(originate, success: true, channel: one)
        }
    }

    func redirect(_ request: ActionRequest) {
        guard let (name, channel) = self.namedChannel(request) else { return }
        guard let exten = request.required("Exten", or: "Exten not specified") else { return }
        let context = request.nonEmpty("Context") ?? channel.context
        request.respond(AMIEventFactory.success("Redirect successful", actionID: request.actionID))
        channel.context = context
        channel.exten = exten
        channel.priority = Int(request["Priority"] ?? "1") ?? 1
        var lifetime = 0.0
        if case .answerAndWait(let seconds) = self.dialTarget("Local/\(exten)@\(context)") {
            lifetime = seconds
            self.broadcast(AMIEventFactory.newexten(channel, application: "Answer", data: ""))
            channel.application = "Wait"
            channel.applicationData = String(Int(seconds))
        } else if case .queue(let queue) = self.dialTarget("Local/\(exten)@\(context)") {
            lifetime = 60
            channel.application = "Queue"
            channel.applicationData = "\(queue.name),r,,,120"
        }
        if let call = channel.call {
            self.cancel(call.endTimer)
            self.cancel(call.talkTimer)
            call.endTimer = self.schedule(after: lifetime) { core in
                guard let live = core.channels[name] else { return }
                core.hangUp(live, cause: lifetime == 0 ? 0 : 16)
            }
        }
    }

}
