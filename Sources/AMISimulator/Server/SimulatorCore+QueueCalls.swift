import AMI

/// A caller's way through a queue, emitting the event sequences of queue-call-flow.ami:
/// join, agents called, answer and bridge, complete (agent or caller), abandon, ring-no-answer.
extension SimulatorCore {
    /// Details of the Originate that placed the call, for its OriginateResponse.
    struct OriginateContext {
        var actionID: String?
        var channel: String
        var target: [AMIField]
        var variables: [(String, String)]
    }

    /// Starts a caller on `Local/{exten}@incoming` who answers and enters `queue`.
    @discardableResult
    func startQueueCall(
        queue: SimQueue, callerNum: String, callerName: String, plan: CallPlan, originate: OriginateContext?
    ) -> SimCall {
        let exten = queue.configuration.incomingExtension
        let (one, two) = self.makeLocalPair(exten: exten, context: "incoming", linkedID: nil)
        let call = self.newCall(kind: .queueCaller, channels: [one, two])
        self.broadcast(AMIEventFactory.newchannel(one))
        self.broadcast(AMIEventFactory.newchannel(two))
        for (name, value) in originate?.variables ?? [] {
            self.broadcast(AMIEventFactory.varSet(one, variable: name, value: value))
            if name.uppercased() == "FEATUREMAP(ATXFER)", !value.isEmpty {
                call.atxferCode = value
            }
        }
        self.setCallerID(one, num: callerNum, name: callerName)
        self.broadcast(AMIEventFactory.newCallerid(one))
        one.connectedLineNum = callerNum
        one.connectedLineName = callerName
        self.broadcast(AMIEventFactory.newConnectedLine(one))
        self.setCallerID(two, num: callerNum, name: callerName)
        two.connectedLineNum = callerNum
        two.connectedLineName = callerName
        self.broadcast(AMIEventFactory.newCallerid(two))
        self.broadcast(AMIEventFactory.newConnectedLine(two))
        self.broadcast(AMIEventFactory.localBridge(one: one, two: two))
        self.broadcast(AMIEventFactory.dialBegin(caller: nil, dest: one, dialString: "\(exten)@incoming"))
        self.answerLocalPair(one: one, two: two, originate: originate)
        one.application = "Wait"
        one.applicationData = plan.callerLifetime.map { String(Int($0)) } ?? "60"
        self.changeDevice("Local/\(exten)@incoming", .inUse)
        two.priority = 4
        two.application = "Queue"
        two.applicationData = "\(queue.name),r,,,120"
        self.broadcast(AMIEventFactory.newexten(two, application: "Queue", data: two.applicationData))

        let caller = SimQueueCaller(
            channel: two, call: call, queue: queue, joinedAt: self.now, originalPosition: queue.callers.count + 1)
        call.queueCaller = caller
        queue.callers.append(caller)
        if queue.callers.count == 1 {
            self.changeDevice("Queue:\(queue.name)", .ringing)
        }
        self.broadcast(
            AMIEventFactory.queueCaller(
                "QueueCallerJoin", two, queue: queue.name, position: queue.callers.count, count: queue.callers.count))
        call.plan = plan
        if let lifetime = plan.callerLifetime {
            call.endTimer = self.schedule(after: lifetime) { core in
                core.callerHangsUp(call)
            }
        }
        // Queue(q,r,,,120): after two minutes unanswered the caller leaves and is hung up.
        caller.patienceTimer = self.schedule(after: Self.queueMaxWait) { core in
            core.queueTimedOut(caller)
        }
        self.distribute(queue)
        return call
    }

    func scheduleDistribute(_ queue: SimQueue) {
        guard !queue.callers.isEmpty, !queue.distributePending else { return }
        queue.distributePending = true
        self.schedule(after: 0) { core in
            queue.distributePending = false
            core.distribute(queue)
        }
    }

    /// Offers waiting callers, in order, to available members.
    func distribute(_ queue: SimQueue) {
        for caller in queue.callers where caller.ringing.isEmpty && !caller.call.ended {
            let available = queue.members.filter { self.isAvailable($0) }
            guard !available.isEmpty else { return }
            let chosen: [SimMember]
            switch queue.configuration.strategy {
            case "ringall":
                let best = available.map(\.penalty).min() ?? 0
                chosen = available.filter { $0.penalty == best }
            case "leastrecent":
                chosen = [available.min { $0.lastCall < $1.lastCall } ?? available[0]]
            case "fewestcalls":
                chosen = [available.min { $0.callsTaken < $1.callsTaken } ?? available[0]]
            default:
                queue.roundRobin += 1
                chosen = [available[queue.roundRobin % available.count]]
            }
            for member in chosen {
                self.ring(member, for: caller)
            }
            caller.ringTimer = self.schedule(after: Double(queue.configuration.timeout)) { core in
                core.ringNoAnswer(caller)
            }
        }
    }

    static func agentExtension(of member: SimMember) -> String {
        let interface = member.interface
        if interface.hasPrefix("Local/"), let at = interface.firstIndex(of: "@") {
            return String(interface[interface.index(interface.startIndex, offsetBy: 6)..<at])
        }
        return member.stateInterface.split(separator: ":").last.map(String.init) ?? member.name
    }

    /// The dialplan context a member's `Local/{exten}@{context}/n` interface runs in
    /// (`agents`, or `agents-hold` in call-features/hold.ami); `agents` for other interfaces.
    static func agentContext(of member: SimMember) -> String {
        let interface = member.interface
        guard interface.hasPrefix("Local/"), let at = interface.firstIndex(of: "@") else { return "agents" }
        let rest = interface[interface.index(after: at)...]
        let context = rest.split(separator: "/").first.map(String.init) ?? ""
        return context.isEmpty ? "agents" : context
    }

    func ring(_ member: SimMember, for caller: SimQueueCaller) {
        member.ringing = true
        let exten = Self.agentExtension(of: member)
        let context = Self.agentContext(of: member)
        let callerChannel = caller.channel
        let (one, two) = self.makeLocalPair(exten: exten, context: context, linkedID: callerChannel.linkedID)
        one.call = caller.call
        two.call = caller.call
        let leg = SimAgentLeg(member: member, one: one, two: two)
        caller.ringing.append(leg)
        self.broadcast(AMIEventFactory.newchannel(one))
        self.broadcast(AMIEventFactory.newchannel(two))
        self.setCallerID(one, num: callerChannel.callerIDNum, name: callerChannel.callerIDName)
        self.broadcast(AMIEventFactory.newCallerid(one))
        self.setCallerID(two, num: callerChannel.callerIDNum, name: callerChannel.callerIDName)
        two.connectedLineNum = callerChannel.callerIDNum
        two.connectedLineName = callerChannel.callerIDName
        self.broadcast(AMIEventFactory.newCallerid(two))
        self.broadcast(AMIEventFactory.newConnectedLine(two))
        self.broadcast(AMIEventFactory.localBridge(one: one, two: two))
        self.broadcast(
            AMIEventFactory.agentEvent("AgentCalled", caller: callerChannel, leg: leg, queue: caller.queue.name))
        self.broadcast(AMIEventFactory.dialBegin(caller: callerChannel, dest: one, dialString: "\(exten)@\(context)/n"))
        self.broadcast(AMIEventFactory.newexten(two, application: "Set", data: "AGENT=\(exten)"))
        self.broadcast(AMIEventFactory.varSet(two, variable: "AGENT", value: exten))
        self.broadcast(AMIEventFactory.hangupHandler("HangupHandlerPush", two))
        one.state = .ringing
        one.exten = callerChannel.exten
        one.connectedLineNum = callerChannel.callerIDNum
        one.connectedLineName = callerChannel.callerIDName
        self.broadcast(AMIEventFactory.newstate(one))
        self.broadcast(AMIEventFactory.newConnectedLine(one))
        self.changeDevice("Local/\(exten)@\(context)", .inUse)
        self.broadcast(AMIEventFactory.dialState(caller: callerChannel, dest: one, status: "RINGING"))
        let ringTime = caller.call.plan?.ringTime(self) ?? 0
        if ringTime < Double(caller.queue.configuration.timeout) {
            self.schedule(after: ringTime) { core in
                core.answer(leg, for: caller)
            }
        }
    }

    /// Hangs up an agent leg that did not get the call.
    func dropLeg(_ leg: SimAgentLeg, caller: SimChannel, dialStatus: String, cause: Int) {
        self.broadcast(AMIEventFactory.dialEnd(caller: caller, dest: leg.one, status: dialStatus))
        self.runAgentHangupHandler(leg.two, stateInterface: leg.member.stateInterface)
        self.hangupChannel(leg.two, cause: cause)
        self.hangupChannel(leg.one, cause: cause, request: false)
        leg.member.ringing = false
        self.changeDevice(
            "Local/\(Self.agentExtension(of: leg.member))@\(Self.agentContext(of: leg.member))", .notInUse)
    }

    func answer(_ leg: SimAgentLeg, for caller: SimQueueCaller) {
        guard !caller.call.ended, caller.call.connected == nil, caller.ringing.contains(where: { $0 === leg }) else {
            return
        }
        let queue = caller.queue
        let member = leg.member
        let exten = Self.agentExtension(of: member)
        self.cancel(caller.ringTimer)
        self.cancel(caller.patienceTimer)
        self.broadcast(
            AMIEventFactory.newexten(leg.two, application: "Set", data: "DEVICE_STATE(Custom:\(exten))=INUSE"))
        member.ringing = false
        member.inCall = true
        self.setDeviceState(member.stateInterface, .inUse)
        self.setUp(leg.two)
        self.setUp(leg.one)
        self.broadcast(AMIEventFactory.dialEnd(caller: caller.channel, dest: leg.one, status: "ANSWER"))
        for other in caller.ringing where other !== leg {
            self.dropLeg(other, caller: caller.channel, dialStatus: "CANCEL", cause: 26)
        }
        caller.ringing = []
        leg.answered = true
        let position = (queue.callers.firstIndex { $0 === caller } ?? 0) + 1
        queue.callers.removeAll { $0 === caller }
        if queue.callers.isEmpty {
            self.changeDevice("Queue:\(queue.name)", .notInUse)
        }
        self.broadcast(
            AMIEventFactory.queueCaller(
                "QueueCallerLeave", caller.channel, queue: queue.name, position: position, count: queue.callers.count))
        let holdTime = Int(self.now - caller.joinedAt)
        let ringTime = Int(self.now - leg.one.createdAt)
        caller.call.holdTime = holdTime
        queue.recordHoldTime(holdTime)
        self.broadcast(
            AMIEventFactory.agentEvent(
                "AgentConnect", caller: caller.channel, leg: leg, queue: queue.name,
                extra: [
                    AMIField("HoldTime", String(holdTime)), AMIField("RingTime", String(ringTime)),
                ]))
        let bridge = self.newBridgeID()
        caller.call.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridge("BridgeCreate", id: bridge, channels: 0))
        leg.one.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 1, channel: leg.one))
        caller.channel.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 2, channel: caller.channel))
        leg.two.priority = 7
        leg.two.application = "Wait"
        var talk = caller.call.plan?.talkTime ?? 3
        if Self.agentContext(of: member) == Self.holdInterceptContext {
            talk = self.playHoldIntercept(leg)
        }
        leg.two.applicationData = String(Int(talk))
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "BRIDGEPEER", value: leg.one.name))
        self.broadcast(AMIEventFactory.varSet(leg.one, variable: "BRIDGEPEER", value: caller.channel.name))
        self.broadcast(
            AMIEventFactory.varSet(
                caller.channel, variable: "DIALEDPEERNUMBER", value: "\(exten)@\(Self.agentContext(of: member))/n"))
        caller.call.connected = leg
        caller.call.connectedAt = self.now
        caller.call.channels += [leg.one, leg.two]
        let ender = caller.call.plan?.talkEndedBy ?? .agent
        caller.call.talkTimer = self.schedule(after: talk) { core in
            core.completeCall(caller.call, endedBy: ender)
        }
        self.scheduleDistribute(queue)
    }

    /// Nobody answered within the queue's timeout: AgentRingNoAnswer, then a retry.
    func ringNoAnswer(_ caller: SimQueueCaller) {
        guard !caller.call.ended, caller.call.connected == nil else { return }
        let timeout = caller.queue.configuration.timeout
        for leg in caller.ringing {
            self.broadcast(
                AMIEventFactory.agentEvent(
                    "AgentRingNoAnswer", caller: caller.channel, leg: leg, queue: caller.queue.name,
                    extra: [
                        AMIField("RingTime", String(timeout))
                    ]))
            self.dropLeg(leg, caller: caller.channel, dialStatus: "NOANSWER", cause: 0)
        }
        caller.ringing = []
        let queue = caller.queue
        self.schedule(after: Double(queue.configuration.retry)) { core in
            core.distribute(queue)
        }
    }
}
