import AMI

/// Folding parked calls into the model: ParkedCall (pushed, and the ParkedCalls list item)
/// fills a space; UnParkedCall, ParkedCallTimeOut, ParkedCallGiveUp and the parkee's hangup
/// empty it.
extension CallCenterState {
    mutating func parkedCall(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.parkedCall.rawValue
        guard let spot = self.parkingSpot(message, event: event),
            let uniqueId = self.required(message, "ParkeeUniqueid", event: event)
        else { return }
        // Seconds within app_queue's C int range: the arithmetic below cannot overflow.
        let duration = Int64(self.number(message, "ParkingDuration", event: event) ?? 0)
        let remaining = self.number(message, "ParkingTimeout", event: event).map { Int64($0) }
        var record = ParkingRecord(
            uniqueId: uniqueId, channel: message["ParkeeChannel"] ?? "",
            number: Self.callerID(message["ParkeeCallerIDNum"]), name: Self.callerID(message["ParkeeCallerIDName"]),
            parkedBy: message["ParkerDialString"] ?? "",
            since: CallCenterTime(millisecondsSinceEpoch: time.millisecondsSinceEpoch - duration * 1000),
            timeoutAt: remaining.map { CallCenterTime(millisecondsSinceEpoch: time.millisecondsSinceEpoch + $0 * 1000) }
        )
        // The same parkee seen again (a list item after the event) keeps its first times, so
        // a resync does not republish a value that only moved by rounding.
        if let old = self.parkings[spot], old.uniqueId == uniqueId {
            record.since = old.since
            record.timeoutAt = old.timeoutAt ?? record.timeoutAt
        }
        self.parkings[spot] = record
        self.touch(.parking(lot: spot.lot, space: spot.space))
    }

    /// UnParkedCall, ParkedCallTimeOut and ParkedCallGiveUp: the space is free again.
    mutating func parkingEnded(_ message: AMIMessage, event: ModelEvent) {
        guard let spot = self.parkingSpot(message, event: event.rawValue),
            let uniqueId = self.required(message, "ParkeeUniqueid", event: event.rawValue),
            self.parkings[spot]?.uniqueId == uniqueId
        else { return }
        self.parkings[spot] = nil
        self.touch(.parking(lot: spot.lot, space: spot.space))
    }

    /// A hung-up channel that was parked frees its space (for when the parking events were lost).
    mutating func parkeeHungUp(_ uniqueId: String) {
        guard !self.parkings.isEmpty else { return }
        for (spot, record) in self.parkings where record.uniqueId == uniqueId {
            self.parkings[spot] = nil
            self.touch(.parking(lot: spot.lot, space: spot.space))
        }
    }

    mutating func parkingSpot(_ message: AMIMessage, event: String) -> ParkingSpot? {
        guard let lot = self.required(message, "Parkinglot", event: event),
            let space = self.required(message, "ParkingSpace", event: event)
        else { return nil }
        return ParkingSpot(lot: lot, space: space)
    }

    func parking(lot: String, space: String) -> ParkingValue? {
        guard let record = self.parkings[ParkingSpot(lot: lot, space: space)] else { return nil }
        return ParkingValue(
            lot: lot, space: space, number: record.number, name: record.name, channel: record.channel,
            uniqueId: record.uniqueId, parkedBy: record.parkedBy, since: record.since, timeoutAt: record.timeoutAt
        )
    }
}
