import AMI

/// Parking as res_parking reports it (call-features/park-pickup.ami): `Park` puts a call in
/// the lowest free space from 701 (`ParkedCall`), the space empties on timeout
/// (`ParkedCallTimeOut`) or when the parked caller hangs up (`ParkedCallGiveUp`), and
/// `ParkedCalls` lists the occupied spaces.
extension SimulatorCore {
    static let firstParkingSpace = 701

    func park(_ request: ActionRequest) {
        guard let (_, channel) = self.namedChannel(request) else { return }
        request.respondRaw(Self.parkSuccessful(actionID: request.actionID))
        var space = Self.firstParkingSpace
        while self.parked[space] != nil { space += 1 }
        channel.application = "Park"
        channel.applicationData = ""
        let parking = SimParking(
            channel: channel, lot: request["Parkinglot"] ?? "default", space: space,
            parker: Self.dialString(ofChannel: request["TimeoutChannel"] ?? ""),
            timeout: request["Timeout"].flatMap { Int($0) }.map { $0 / 1000 } ?? 45, parkedAt: self.now)
        self.parked[space] = parking
        parking.timer = self.schedule(after: Double(parking.timeout)) { core in
            guard core.parked[space] === parking else { return }
            core.parked[space] = nil
            core.broadcast(SimEvent("ParkedCallTimeOut", .call, core.parkingFields(parking, remaining: 0)))
            core.dialParkerBack(parking)
        }
        parking.bridgeID = self.newBridgeID()
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeCreate", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: nil))
        self.broadcast(SimEvent("ParkedCall", .call, self.parkingFields(parking)))
        self.moveIntoParking(channel, parking: parking)
    }

    /// The parked caller leaves its agent's bridge for the lot's; the agent leg is hung up
    /// and the member is free, but the agent's AgentComplete waits for the caller to go.
    private func moveIntoParking(_ channel: SimChannel, parking: SimParking) {
        let call = channel.call
        if let call, let caller = call.queueCaller, caller.channel === channel, let leg = call.connected {
            let bridge = call.bridgeID
            self.cancel(call.talkTimer)
            call.talkTimer = nil
            self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 1, channel: channel))
            channel.bridgeID = parking.bridgeID
            self.broadcast(
                AMIEventFactory.parkingBridge(
                    "BridgeEnter", id: parking.bridgeID, lot: parking.lot, channels: 1, channel: channel))
            self.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: leg.one))
            self.broadcast(AMIEventFactory.hangupRequest(leg.two, cause: 16, soft: false))
            leg.one.bridgeID = ""
            self.hangupChannel(leg.one, cause: 16, request: false)
            self.broadcast(AMIEventFactory.hangupRequest(leg.two, cause: 16, soft: true))
            leg.member.inCall = false
            self.runAgentHangupHandler(leg.two, stateInterface: leg.member.stateInterface)
            self.hangupChannel(leg.two, cause: 16, request: false)
            self.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
            self.changeDevice(
                "Local/\(Self.agentExtension(of: leg.member))@\(Self.agentContext(of: leg.member))", .notInUse)
            call.channels.removeAll { $0 === leg.one || $0 === leg.two }
            call.connected = nil
            call.parkedFrom = leg
            self.scheduleDistribute(caller.queue)
        } else {
            channel.bridgeID = parking.bridgeID
            self.broadcast(
                AMIEventFactory.parkingBridge(
                    "BridgeEnter", id: parking.bridgeID, lot: parking.lot, channels: 1, channel: channel))
        }
    }

    /// `Local/{space}@incoming` answered: the parked call leaves the lot (`UnParkedCall`) and
    /// talks to the retriever until the retriever hangs up, then goes too.
    func pickUp(space: Int, retriever call: SimCall) {
        guard let parking = self.parked[space], call.channels.count == 2 else { return }
        let retriever = call.channels[1]
        let parkee = parking.channel
        self.cancel(parking.timer)
        self.parked[space] = nil
        let bridge = self.newBridgeID()
        self.broadcast(AMIEventFactory.bridge("BridgeCreate", id: bridge, channels: 0))
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeLeave", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: parkee))
        parkee.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 1, channel: parkee))
        retriever.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 2, channel: retriever))
        let fields = self.parkingFields(parking)
        let parkeeCount = AMIEventFactory.snapshot(parkee).count
        self.broadcast(
            SimEvent(
                "UnParkedCall", .call,
                Array(fields.prefix(parkeeCount)) + AMIEventFactory.snapshot(retriever, prefix: "Retriever")
                    + Array(fields.dropFirst(parkeeCount))))
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeDestroy", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: nil))
        call.onEnd = { core in
            core.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: parkee))
            core.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
            parkee.bridgeID = ""
            if let parkeeCall = parkee.call { core.callerHangsUp(parkeeCall) }
        }
    }

    /// Seconds the parker talks to a call that came back from a timed-out parking
    /// (call-features/park-pickup.ami: 4 s).
    static let parkDialBackTalk = 4.0

    /// A timed-out parking goes back to the parker (`park-dial`, Dial of the ParkerDialString):
    /// a new Local pair rings and answers, talks, hangs up, and the caller goes.
    private func dialParkerBack(_ parking: SimParking) {
        let parkee = parking.channel
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeLeave", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: parkee))
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeDestroy", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: nil))
        guard parking.parker.hasPrefix("Local/"), let at = parking.parker.firstIndex(of: "@"),
            self.channels[parkee.name] === parkee
        else {
            if let call = parkee.call { self.callerHangsUp(call) }
            return
        }
        let exten = String(parking.parker[parking.parker.index(parking.parker.startIndex, offsetBy: 6)..<at])
        let context = String(parking.parker[parking.parker.index(after: at)...])
        parkee.context = "park-dial"
        parkee.exten = String(parking.parker.map { $0 == "/" ? "_" : $0 })
        parkee.priority = 1
        parkee.application = "Dial"
        parkee.applicationData = parking.parker
        self.broadcast(AMIEventFactory.newexten(parkee, application: "Dial", data: parking.parker))
        let (one, two) = self.makeLocalPair(exten: exten, context: context, linkedID: parkee.linkedID)
        self.broadcast(AMIEventFactory.newchannel(one))
        self.broadcast(AMIEventFactory.newchannel(two))
        self.broadcast(AMIEventFactory.localBridge(one: one, two: two))
        self.broadcast(AMIEventFactory.dialBegin(caller: parkee, dest: one, dialString: parking.parker))
        self.setUp(two)
        self.setUp(one)
        self.broadcast(AMIEventFactory.dialEnd(caller: parkee, dest: one, status: "ANSWER"))
        let bridge = self.newBridgeID()
        self.broadcast(AMIEventFactory.bridge("BridgeCreate", id: bridge, channels: 0))
        one.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 1, channel: one))
        parkee.bridgeID = bridge
        self.broadcast(AMIEventFactory.bridgeChannel("BridgeEnter", id: bridge, channels: 2, channel: parkee))
        let call = parkee.call
        call?.channels += [one, two]
        self.schedule(after: Self.parkDialBackTalk) { core in
            guard core.channels[two.name] === two else { return }
            core.hangupChannel(two, cause: 16, soft: true)
            core.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 1, channel: one))
            core.hangupChannel(one, cause: 16)
            core.broadcast(AMIEventFactory.bridgeChannel("BridgeLeave", id: bridge, channels: 0, channel: parkee))
            core.broadcast(AMIEventFactory.bridge("BridgeDestroy", id: bridge, channels: 0))
            parkee.bridgeID = ""
            if let call { core.callerHangsUp(call) }
        }
    }

    /// The parked (or once parked) caller goes: both halves hang up, and only now does the
    /// agent it was taken from get its AgentComplete (`Reason: caller`).
    func parkedCallerGone(_ call: SimCall, leg: SimAgentLeg) {
        guard !call.ended, let caller = call.queueCaller else { return }
        let queue = caller.queue
        let talk = Int(self.now - call.connectedAt)
        queue.recordCompleted(holdTime: call.holdTime, talkTime: talk, by: leg.member, at: self.epochNow)
        self.hangupChannel(caller.channel, cause: 16, soft: true)
        if let one = call.channels.first, one !== caller.channel {
            self.hangupChannel(one, cause: 16)
        }
        for other in call.channels where self.channels[other.name] === other {
            self.hangupChannel(other, cause: 16)
        }
        // Both channels are gone by now: Asterisk sends no snapshot, only the queue's fields.
        self.broadcast(
            SimEvent(
                "AgentComplete", .agent,
                [
                    AMIField("Queue", queue.name), AMIField("Interface", leg.member.interface),
                    AMIField("MemberName", leg.member.name), AMIField("HoldTime", String(call.holdTime)),
                    AMIField("TalkTime", String(talk)), AMIField("Reason", "caller"),
                ]))
        self.changeDevice("Local/\(queue.configuration.incomingExtension)@incoming", .notInUse)
        self.finish(call)
    }

    /// The dial string a channel name comes from (`Local/147@agents-00000004;1` →
    /// `Local/147@agents`), as res_parking reports `ParkerDialString`.
    static func dialString(ofChannel name: String) -> String {
        guard let at = name.firstIndex(of: "@"), let dash = name[at...].lastIndex(of: "-") else { return name }
        return String(name[..<dash])
    }

    /// Asterisk 22's Park answer, byte for byte: its message ends in a bare LF before the
    /// line's CRLF (`Message: Park successful\n\r\n`, call-features/park-pickup.ami).
    static func parkSuccessful(actionID: String?) -> String {
        "Response: Success\r\n" + (actionID.map { "ActionID: \($0)\r\n" } ?? "")
            + "Message: Park successful\n\r\n\r\n"
    }

    /// The parked caller hung up: the space empties with `ParkedCallGiveUp`.
    func parkeeGone(_ channel: SimChannel) {
        guard let (space, parking) = self.parked.first(where: { $0.value.channel === channel }) else { return }
        self.cancel(parking.timer)
        self.parked[space] = nil
        self.broadcast(SimEvent("ParkedCallGiveUp", .call, self.parkingFields(parking)))
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeLeave", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: channel))
        self.broadcast(
            AMIEventFactory.parkingBridge(
                "BridgeDestroy", id: parking.bridgeID, lot: parking.lot, channels: 0, channel: nil))
        channel.bridgeID = ""
    }

    func parkedCalls(_ request: ActionRequest) {
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Parked calls will follow", actionID: id))
        let spaces = self.parked.keys.sorted()
        for space in spaces {
            guard let parking = self.parked[space] else { continue }
            request.respond(
                AMIEventFactory.listItem("ParkedCall", actionID: id, actionIDFirst: false, self.parkingFields(parking)))
        }
        request.respond(
            AMIEventFactory.listComplete(
                "ParkedCallsComplete", actionID: id, items: spaces.count,
                extra: [AMIField("Total", String(spaces.count))]))
    }

    /// The parkee's snapshot and the parking headers, in Asterisk's order.
    func parkingFields(_ parking: SimParking, remaining: Int? = nil) -> [AMIField] {
        let duration = max(0, Int(self.now - parking.parkedAt))
        return AMIEventFactory.snapshot(parking.channel, prefix: "Parkee") + [
            AMIField("ParkerDialString", parking.parker),
            AMIField("Parkinglot", parking.lot),
            AMIField("ParkingSpace", String(parking.space)),
            AMIField("ParkingTimeout", String(remaining ?? max(0, parking.timeout - duration))),
            AMIField("ParkingDuration", String(duration)),
        ]
    }
}
