import AMI

/// `Atxfer` of a queue call's agent leg, as call-features/attended-transfer.ami shows it: the
/// feature code and the target's digits arrive as `DTMFEnd`, the caller is put on `Hold`, the
/// target (`Local/{exten}@agents`) rings and answers in a consultation bridge, and when the
/// agent hangs up the bridges merge (`BridgeMerge`, `AttendedTransfer`) and the target talks
/// to the caller (`AgentComplete` with `Reason: transfer`).
extension SimulatorCore {
    /// Seconds the agent consults the target after it answered, before hanging up.
    static let consultationTime = 1.0

    func attendedTransfer(_ request: ActionRequest) {
        guard let name = request.required("Channel", or: "No channel specified") else { return }
        guard let exten = request.required("Exten", or: "No extension specified") else { return }
        guard let channel = self.channels[name] else {
            request.respond(AMIEventFactory.error("Channel specified does not exist", actionID: request.actionID))
            return
        }
        guard let call = channel.call, let code = call.atxferCode else {
            request.respond(
                AMIEventFactory.error("No attended transfer feature code found", actionID: request.actionID))
            return
        }
        let context = request.nonEmpty("Context") ?? "agents"
        guard !call.ended, let caller = call.queueCaller, let leg = call.connected, leg.one === channel,
            case .agent(let target) = self.dialTarget("Local/\(exten)@\(context)")
        else {
            // Only a queue call's agent leg consulting an agent extension is modelled.
            request.respond(AMIEventFactory.error("Atxfer failed", actionID: request.actionID))
            return
        }
        request.respond(AMIEventFactory.success("Atxfer successfully queued", actionID: request.actionID))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "TRANSFER_CONTEXT", value: context))
        for digit in code {
            self.broadcast(AMIEventFactory.dtmfEnd(channel, digit: digit))
        }
        self.broadcast(AMIEventFactory.channelEvent("Hold", .call, channel))
        for digit in exten {
            self.broadcast(AMIEventFactory.dtmfEnd(channel, digit: digit))
        }
        self.consult(call, caller: caller, leg: leg, target: target, context: context)
    }

    /// The target rings in a new bridge with the agent; once it answers and the agent has
    /// consulted it, the agent hangs up and the transfer completes.
    private func consult(_ call: SimCall, caller: SimQueueCaller, leg: SimAgentLeg, target: String, context: String) {
        let (one, two) = self.makeLocalPair(exten: target, context: context, linkedID: caller.channel.linkedID)
        one.call = call
        two.call = call
        call.channels += [one, two]
        self.broadcast(AMIEventFactory.newchannel(one))
        self.broadcast(AMIEventFactory.newchannel(two))
        let consultation = self.newBridgeID()
        self.broadcast(AMIEventFactory.bridge("BridgeCreate", id: consultation, channels: 0))
        one.connectedLineNum = caller.channel.callerIDNum
        one.connectedLineName = caller.channel.callerIDName
        self.broadcast(AMIEventFactory.localBridge(one: one, two: two))
        self.broadcast(AMIEventFactory.newexten(two, application: "Set", data: "AGENT=\(target)"))
        self.broadcast(AMIEventFactory.varSet(two, variable: "AGENT", value: target))
        self.broadcast(AMIEventFactory.hangupHandler("HangupHandlerPush", two))
        one.state = .ringing
        self.broadcast(AMIEventFactory.newstate(one))
        one.bridgeID = consultation
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: consultation, channels: 1, channel: one))
        self.broadcast(AMIEventFactory.dialState(caller: nil, dest: one, status: "RINGING"))
        let agent = leg.one
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: call.bridgeID, channels: 1, channel: agent))
        agent.bridgeID = consultation
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: consultation, channels: 2, channel: agent))
        self.broadcast(
            AMIEventFactory.newexten(two, application: "Set", data: "DEVICE_STATE(Custom:\(target))=INUSE"))
        self.setDeviceState("Custom:\(target)", .inUse)
        self.setUp(two)
        self.setUp(one)
        self.broadcast(AMIEventFactory.dialEnd(caller: nil, dest: one, status: "ANSWER"))
        self.changeDevice("Local/\(target)@\(context)", .inUse)
        let transferee = SimAgentLeg(
            member: SimMember(
                name: target, interface: "Local/\(target)@\(context)/n", stateInterface: "Custom:\(target)",
                isDynamic: true, penalty: 0, loginTime: self.epochNow),
            one: one, two: two)
        self.cancel(call.talkTimer)
        call.talkTimer = self.schedule(after: Self.consultationTime) { core in
            core.completeAttendedTransfer(
                call, caller: caller, leg: leg, target: transferee, consultation: consultation)
        }
    }

    /// The agent hangs up: its leg leaves, the consultation bridge merges into the caller's,
    /// and the target talks to the caller for the call's talk time.
    private func completeAttendedTransfer(
        _ call: SimCall, caller: SimQueueCaller, leg: SimAgentLeg, target: SimAgentLeg, consultation: String
    ) {
        guard !call.ended, call.connected === leg else { return }
        let bridge = call.bridgeID
        let agent = leg.one
        let member = leg.member
        let talk = Int(self.now - call.connectedAt)
        self.broadcast(AMIEventFactory.hangupRequest(leg.two, cause: 16, soft: true))
        self.runAgentHangupHandler(leg.two, stateInterface: member.stateInterface)
        self.broadcast(AMIEventFactory.hangupRequest(agent, cause: 0, soft: false))
        self.hangupChannel(leg.two, cause: 0, request: false)
        member.inCall = false
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: consultation, channels: 1, channel: agent))
        self.broadcast(
            SimEvent(
                "BridgeMerge", .call,
                AMIEventFactory.bridgeFields(id: bridge, channels: 1, prefix: "To")
                    + AMIEventFactory.bridgeFields(id: consultation, channels: 1, prefix: "From")))
        self.broadcast(
            AMIEventFactory.bridgeChannel("BridgeLeave", id: consultation, channels: 0, channel: target.one))
        target.one.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 2, channel: target.one))
        self.broadcast(
            SimEvent(
                "AttendedTransfer", .call,
                [AMIField("Result", "Success")] + AMIEventFactory.snapshot(agent, prefix: "OrigTransferer")
                    + AMIEventFactory.bridgeFields(id: bridge, channels: 2, prefix: "Orig")
                    + AMIEventFactory.snapshot(agent, prefix: "SecondTransferer")
                    + AMIEventFactory.bridgeFields(id: consultation, channels: 0, prefix: "Second")
                    + AMIEventFactory.snapshot(caller.channel, prefix: "Transferee")
                    + AMIEventFactory.snapshot(target.one, prefix: "TransferTarget")
                    + [
                        AMIField("IsExternal", "No"), AMIField("DestType", "Bridge"),
                        AMIField("DestBridgeUniqueid", bridge),
                    ]))
        self.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: consultation, channels: 0))
        let queue = caller.queue
        queue.recordCompleted(holdTime: call.holdTime, talkTime: talk, by: member, at: self.epochNow)
        self.broadcast(
            AMIEventFactory.agentEvent(
                "AgentComplete", caller: caller.channel, leg: leg, queue: queue.name,
                extra: [
                    AMIField("HoldTime", String(call.holdTime)), AMIField("TalkTime", String(talk)),
                    AMIField("Reason", "transfer"),
                ]))
        agent.bridgeID = ""
        self.hangupChannel(agent, cause: 16, request: false)
        self.changeDevice("Local/\(Self.agentExtension(of: member))@\(Self.agentContext(of: member))", .notInUse)
        call.channels.removeAll { $0 === agent || $0 === leg.two }
        call.connected = nil
        call.transferred = true
        self.scheduleDistribute(queue)
        let talkTime = call.plan?.talkTime ?? 3
        self.cancel(call.endTimer)
        call.endTimer = self.schedule(after: talkTime) { core in
            core.transferTargetHangsUp(call, caller: caller, target: target, bridge: bridge)
        }
    }

    /// The target's talk time is over: it hangs up, then the bridge and the caller go.
    private func transferTargetHangsUp(_ call: SimCall, caller: SimQueueCaller, target: SimAgentLeg, bridge: String) {
        guard !call.ended else { return }
        let stateInterface = target.member.stateInterface
        self.broadcast(
            AMIEventFactory.newexten(target.two, application: "Set", data: "DEVICE_STATE(\(stateInterface))=NOT_INUSE"))
        self.runAgentHangupHandler(target.two, stateInterface: stateInterface)
        self.hangupChannel(target.two, cause: 16, soft: true)
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 1, channel: target.one))
        self.hangupChannel(target.one, cause: 16)
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: caller.channel))
        self.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
        self.changeDevice("Local/\(Self.agentExtension(of: target.member))@agents", .notInUse)
        self.hangupChannel(caller.channel, cause: 16, soft: true)
        if let one = call.channels.first, one !== caller.channel {
            self.hangupChannel(one, cause: 16)
        }
        self.changeDevice("Local/\(caller.queue.configuration.incomingExtension)@incoming", .notInUse)
        self.finish(call)
    }
}
