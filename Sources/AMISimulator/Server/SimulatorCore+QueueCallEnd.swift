import AMI

/// How a queue call ends: the caller hangs up (abandon or complete), the conversation ends,
/// or the queue times the caller out.
extension SimulatorCore {
    /// The caller's side hangs up: abandon while waiting, complete while talking.
    func callerHangsUp(_ call: SimCall) {
        guard !call.ended, let caller = call.queueCaller else { return }
        if call.transferred {
            self.transferredCallerHangsUp(call)
            return
        }
        if let leg = call.parkedFrom {
            self.parkedCallerGone(call, leg: leg)
            return
        }
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
        if waited <= queue.configuration.serviceLevel {
            queue.abandonedInServiceLevel += 1
        }
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
        queue.recordCompleted(holdTime: call.holdTime, talkTime: talk, by: member, at: self.epochNow)
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
        self.changeDevice("Local/\(exten)@\(Self.agentContext(of: member))", .notInUse)
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
