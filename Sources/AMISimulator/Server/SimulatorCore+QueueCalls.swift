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

    func ring(_ member: SimMember, for caller: SimQueueCaller) {
        member.ringing = true
        let exten = Self.agentExtension(of: member)
        let callerChannel = caller.channel
        let (one, two) = self.makeLocalPair(exten: exten, context: "agents", linkedID: callerChannel.linkedID)
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
        self.broadcast(AMIEventFactory.dialBegin(caller: callerChannel, dest: one, dialString: "\(exten)@agents/n"))
        self.broadcast(AMIEventFactory.newexten(two, application: "Set", data: "AGENT=\(exten)"))
        self.broadcast(AMIEventFactory.varSet(two, variable: "AGENT", value: exten))
        self.broadcast(AMIEventFactory.hangupHandler("HangupHandlerPush", two))
        one.state = .ringing
        one.exten = callerChannel.exten
        one.connectedLineNum = callerChannel.callerIDNum
        one.connectedLineName = callerChannel.callerIDName
        self.broadcast(AMIEventFactory.newstate(one))
        self.broadcast(AMIEventFactory.newConnectedLine(one))
        self.changeDevice("Local/\(exten)@agents", .inUse)
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
        self.changeDevice("Local/\(Self.agentExtension(of: leg.member))@agents", .notInUse)
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
        let talk = caller.call.plan?.talkTime ?? 3
        leg.two.applicationData = String(Int(talk))
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "BRIDGEPEER", value: leg.one.name))
        self.broadcast(AMIEventFactory.varSet(leg.one, variable: "BRIDGEPEER", value: caller.channel.name))
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "DIALEDPEERNUMBER", value: "\(exten)@agents/n"))
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

    /// The caller's side hangs up: abandon while waiting, complete while talking.
    func callerHangsUp(_ call: SimCall) {
        guard !call.ended, let caller = call.queueCaller else { return }
        if call.connected != nil {
            self.completeCall(call, endedBy: .caller)
            return
        }
        let queue = caller.queue
        self.cancel(caller.ringTimer)
        self.cancel(caller.patienceTimer)
        let one = call.channels[0]
        self.broadcast(AMIEventFactory.hangupRequest(caller.channel, cause: 0, soft: false))
        self.hangupChannel(one, cause: 0, request: false)
        for leg in caller.ringing {
            self.dropLeg(leg, caller: caller.channel, dialStatus: "CANCEL", cause: 0)
        }
        caller.ringing = []
        let position = (queue.callers.firstIndex { $0 === caller } ?? 0) + 1
        queue.callers.removeAll { $0 === caller }
        queue.abandoned += 1
        let waited = Int(self.now - caller.joinedAt)
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "QUEUEWAIT", value: String(waited)))
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "ABANDONED", value: "TRUE"))
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "QUEUEPOSITION", value: String(position)))
        self.broadcast(
            AMIEventFactory.queueCallerAbandon(
                caller.channel, queue: queue.name, position: position,
                originalPosition: caller.originalPosition, holdTime: Int(self.now - caller.joinedAt)
            ))
        if queue.callers.isEmpty {
            self.changeDevice("Queue:\(queue.name)", .notInUse)
        }
        self.broadcast(
            AMIEventFactory.queueCaller(
                "QueueCallerLeave", caller.channel, queue: queue.name, position: position, count: queue.callers.count))
        self.hangupChannel(caller.channel, cause: 0, soft: true)
        self.changeDevice("Local/\(queue.configuration.incomingExtension)@incoming", .notInUse)
        self.finish(call)
    }

    /// The conversation ends: AgentComplete, bridge torn down, member free again.
    func completeCall(_ call: SimCall, endedBy: CallPlan.Ender) {
        guard !call.ended, let caller = call.queueCaller, let leg = call.connected else { return }
        self.cancel(call.talkTimer)
        let queue = caller.queue
        let member = leg.member
        let talk = Int(self.now - call.connectedAt)
        let one = call.channels[0]
        queue.completed += 1
        if call.holdTime <= queue.configuration.serviceLevel {
            queue.completedInServiceLevel += 1
        }
        queue.recordTalkTime(talk)
        member.callsTaken += 1
        member.lastCall = self.epochNow
        let bridge = call.bridgeID
        let complete = AMIEventFactory.agentEvent(
            "AgentComplete", caller: caller.channel, leg: leg, queue: queue.name,
            extra: [
                AMIField("HoldTime", String(call.holdTime)), AMIField("TalkTime", String(talk)),
                AMIField("Reason", endedBy == .agent ? "agent" : "caller"),
            ])
        switch endedBy {
        case .agent:
            member.inCall = false
            self.broadcast(
                AMIEventFactory.newexten(
                    leg.two, application: "Set", data: "DEVICE_STATE(\(member.stateInterface))=NOT_INUSE"))
            self.setDeviceState(member.stateInterface, .notInUse)
            self.runAgentHangupHandler(leg.two, stateInterface: member.stateInterface)
            self.hangupChannel(leg.two, cause: 16, soft: true)
            self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 1, channel: leg.one))
            self.hangupChannel(leg.one, cause: 16)
            self.broadcast(
                AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: caller.channel))
            self.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
            self.setQueueExitVariables(caller.channel, answered: talk, dialed: talk + call.holdTime)
            self.broadcast(complete)
            self.hangupChannel(caller.channel, cause: 16, soft: true)
            self.hangupChannel(one, cause: 16)
        case .caller:
            self.broadcast(AMIEventFactory.hangupRequest(caller.channel, cause: 0, soft: false))
            self.hangupChannel(one, cause: 0, request: false)
            self.setQueueExitVariables(caller.channel, answered: talk, dialed: talk + call.holdTime)
            self.broadcast(complete)
            self.broadcast(
                AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 1, channel: caller.channel))
            self.hangupChannel(caller.channel, cause: 16, request: false)
            self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: leg.one))
            self.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
            self.hangupChannel(leg.one, cause: 16)
            member.inCall = false
            self.runAgentHangupHandler(leg.two, stateInterface: member.stateInterface)
            self.hangupChannel(leg.two, cause: 16, soft: true)
        }
        let exten = Self.agentExtension(of: member)
        self.changeDevice("Local/\(exten)@agents", .notInUse)
        self.changeDevice("Local/\(queue.configuration.incomingExtension)@incoming", .notInUse)
        self.finish(call)
        self.scheduleDistribute(queue)
    }

    /// Variables app_queue sets on the caller when it leaves the queue after an answer.
    func setQueueExitVariables(_ channel: SimChannel, answered: Int, dialed: Int) {
        self.broadcast(AMIEventFactory.varSet(channel, variable: "ANSWEREDTIME", value: String(answered)))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "ANSWEREDTIME_MS", value: String(answered * 1000)))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "DIALEDTIME", value: String(dialed)))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "DIALEDTIME_MS", value: String(dialed * 1000)))
    }

    /// The agents' `agent-hangup` handler (Gosub): it sets the agent's Custom state back to
    /// NOT_INUSE, whichever way the leg ended.
    func runAgentHangupHandler(_ channel: SimChannel, stateInterface: String) {
        self.broadcast(AMIEventFactory.hangupHandler("HangupHandlerRun", channel))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "LOCAL(ARGC)", value: "0"))
        channel.context = "agent-hangup"
        channel.exten = "s"
        channel.priority = 1
        self.broadcast(
            AMIEventFactory.newexten(
                channel, application: "ExecIf", data: "1?Set(DEVICE_STATE(\(stateInterface))=NOT_INUSE)"))
        self.setDeviceState(stateInterface, .notInUse)
        channel.priority = 2
        self.broadcast(AMIEventFactory.newexten(channel, application: "Return", data: ""))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "ARGC", value: ""))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "GOSUB_RETVAL", value: ""))
    }

    /// The `Queue()` timeout of the fixtures' dialplan (`Queue(q,r,,,120)`).
    static let queueMaxWait = 120.0

    /// Nobody answered within the Queue() timeout: the caller leaves (no abandon) and the
    /// dialplan hangs up.
    func queueTimedOut(_ caller: SimQueueCaller) {
        let call = caller.call
        guard !call.ended, call.connected == nil, caller.queue.callers.contains(where: { $0 === caller }) else {
            return
        }
        let queue = caller.queue
        self.cancel(caller.ringTimer)
        for leg in caller.ringing {
            self.dropLeg(leg, caller: caller.channel, dialStatus: "CANCEL", cause: 0)
        }
        caller.ringing = []
        let position = (queue.callers.firstIndex { $0 === caller } ?? 0) + 1
        queue.callers.removeAll { $0 === caller }
        if queue.callers.isEmpty {
            self.changeDevice("Queue:\(queue.name)", .notInUse)
        }
        self.broadcast(
            AMIEventFactory.queueCaller(
                "QueueCallerLeave", caller.channel, queue: queue.name, position: position, count: queue.callers.count))
        self.broadcast(AMIEventFactory.varSet(caller.channel, variable: "QUEUESTATUS", value: "TIMEOUT"))
        caller.channel.priority = 5
        caller.channel.application = "Hangup"
        caller.channel.applicationData = ""
        self.broadcast(AMIEventFactory.newexten(caller.channel, application: "Hangup", data: ""))
        self.hangupChannel(caller.channel, cause: 16, soft: true)
        self.hangupChannel(call.channels[0], cause: 16)
        self.changeDevice("Local/\(queue.configuration.incomingExtension)@incoming", .notInUse)
        self.finish(call)
    }
}
