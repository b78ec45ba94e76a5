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
            parker: request["TimeoutChannel"] ?? "",
            timeout: request["Timeout"].flatMap { Int($0) }.map { $0 / 1000 } ?? 45, parkedAt: self.now)
        self.parked[space] = parking
        parking.timer = self.schedule(after: Double(parking.timeout)) { core in
            guard core.parked[space] === parking else { return }
            core.parked[space] = nil
            core.broadcast(SimEvent("ParkedCallTimeOut", .call, core.parkingFields(parking, remaining: 0)))
        }
        self.broadcast(SimEvent("ParkedCall", .call, self.parkingFields(parking)))
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
