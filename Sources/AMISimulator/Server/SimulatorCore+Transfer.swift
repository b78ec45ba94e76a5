import AMI

/// `BlindTransfer` of a queue call's agent leg, as call-features/blind-transfer.ami shows it:
/// the transferer's `Unhold` (Asterisk always sends one), `BlindTransfer`, the agent leg leaves
/// the bridge and is hung up, `AgentComplete` with `Reason: transfer`, and the caller runs the
/// target extension (`incoming,300`: Answer, Wait 5, Hangup).
extension SimulatorCore {
    func blindTransfer(_ request: ActionRequest) {
        guard let name = request.required("Channel", or: "No channel specified") else { return }
        guard let exten = request.required("Exten", or: "No extension specified") else { return }
        guard let channel = self.channels[name] else {
            request.respond(AMIEventFactory.error("Channel specified does not exist", actionID: request.actionID))
            return
        }
        let context = request.nonEmpty("Context") ?? channel.context
        let target = [AMIField("IsExternal", "Yes"), AMIField("Context", context), AMIField("Extension", exten)]
        guard !channel.bridgeID.isEmpty else {
            // Asterisk answers first, then reports the refused transfer.
            request.respond(AMIEventFactory.error("Transfer invalid", actionID: request.actionID))
            self.broadcast(
                SimEvent(
                    "BlindTransfer", .call,
                    [AMIField("Result", "Invalid")] + AMIEventFactory.snapshot(channel, prefix: "Transferer") + target))
            return
        }
        guard let call = channel.call, !call.ended, let caller = call.queueCaller, let leg = call.connected,
            leg.one === channel
        else {
            // Only a queue call's agent leg is modelled as a transferer.
            request.respond(AMIEventFactory.error("Transfer failed", actionID: request.actionID))
            return
        }
        request.respond(AMIEventFactory.success("Transfer succeeded", actionID: request.actionID))
        let bridge = call.bridgeID
        let callerChannel = caller.channel
        self.broadcast(AMIEventFactory.channelEvent("Unhold", .call, channel))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "BLINDTRANSFER", value: callerChannel.name))
        self.broadcast(AMIEventFactory.varSet(callerChannel, variable: "BLINDTRANSFER", value: channel.name))
        self.broadcast(AMIEventFactory.varSet(channel, variable: "BRIDGEPEER", value: ""))
        self.broadcast(
            SimEvent(
                "BlindTransfer", .call,
                [AMIField("Result", "Success")] + AMIEventFactory.snapshot(channel, prefix: "Transferer")
                    + AMIEventFactory.snapshot(callerChannel, prefix: "Transferee")
                    + AMIEventFactory.bridgeFields(id: bridge, channels: 2) + target))
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 1, channel: channel))
        self.broadcast(AMIEventFactory.varSet(callerChannel, variable: "BRIDGEPEER", value: ""))
        callerChannel.context = context
        callerChannel.exten = exten
        callerChannel.priority = 1
        self.broadcast(
            AMIEventFactory.newexten(
                callerChannel, application: callerChannel.application, data: callerChannel.applicationData))
        callerChannel.bridgeID = ""
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: callerChannel))
        self.leaveAgentAfterTransfer(call, leg: leg, caller: caller, bridge: bridge)
        self.runTransferTarget(call, callerChannel: callerChannel, context: context, exten: exten)
    }

    /// The agent's side of a transfer: the conversation is complete (`Reason: transfer`), the
    /// bridge goes, the agent leg is hung up and the member is free again.
    func leaveAgentAfterTransfer(_ call: SimCall, leg: SimAgentLeg, caller: SimQueueCaller, bridge: String) {
        self.cancel(call.talkTimer)
        call.talkTimer = nil
        call.transferred = true
        call.connected = nil
        let queue = caller.queue
        let member = leg.member
        let talk = Int(self.now - call.connectedAt)
        queue.recordCompleted(holdTime: call.holdTime, talkTime: talk, by: member, at: self.epochNow)
        self.setQueueExitVariables(caller.channel, answered: talk, dialed: talk + call.holdTime)
        self.broadcast(
            AMIEventFactory.agentEvent(
                "AgentComplete", caller: caller.channel, leg: leg, queue: queue.name,
                extra: [
                    AMIField("HoldTime", String(call.holdTime)), AMIField("TalkTime", String(talk)),
                    AMIField("Reason", "transfer"),
                ]))
        self.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
        self.broadcast(AMIEventFactory.hangupRequest(leg.two, cause: 16, soft: false))
        leg.one.bridgeID = ""
        self.hangupChannel(leg.one, cause: 16, request: false)
        member.inCall = false
        self.runAgentHangupHandler(leg.two, stateInterface: member.stateInterface)
        self.hangupChannel(leg.two, cause: 16, soft: true)
        self.changeDevice("Local/\(Self.agentExtension(of: member))@\(Self.agentContext(of: member))", .notInUse)
        call.channels.removeAll { $0 === leg.one || $0 === leg.two }
        self.scheduleDistribute(queue)
    }

    /// The transferred caller runs its new extension: answered and waiting where the dialplan
    /// says so (`incoming,300`), hung up at once where nothing answers.
    func runTransferTarget(_ call: SimCall, callerChannel: SimChannel, context: String, exten: String) {
        var lifetime = 0.0
        if case .answerAndWait(let seconds) = self.dialTarget("Local/\(exten)@\(context)") {
            lifetime = seconds
            callerChannel.priority = 2
            self.broadcast(AMIEventFactory.newexten(callerChannel, application: "Answer", data: ""))
            callerChannel.priority = 3
            callerChannel.application = "Wait"
            callerChannel.applicationData = String(Int(seconds))
            self.broadcast(AMIEventFactory.newexten(callerChannel, application: "Wait", data: "\(Int(seconds))"))
        }
        self.cancel(call.endTimer)
        call.endTimer = self.schedule(after: lifetime) { core in
            core.transferredCallerHangsUp(call)
        }
    }

    /// The transferred caller's dialplan ends (or someone hangs it up): both halves go.
    func transferredCallerHangsUp(_ call: SimCall) {
        guard !call.ended, let caller = call.queueCaller else { return }
        let channel = caller.channel
        channel.priority += 1
        channel.application = "Hangup"
        channel.applicationData = ""
        self.broadcast(AMIEventFactory.newexten(channel, application: "Hangup", data: ""))
        self.hangupChannel(channel, cause: 16, soft: true)
        if let one = call.channels.first, one !== channel {
            self.hangupChannel(one, cause: 16)
        }
        // An attended transfer's target still talking goes with the caller.
        for other in call.channels where self.channels[other.name] === other {
            self.hangupChannel(other, cause: 16)
        }
        self.changeDevice("Local/\(caller.queue.configuration.incomingExtension)@incoming", .notInUse)
        self.finish(call)
    }
}
