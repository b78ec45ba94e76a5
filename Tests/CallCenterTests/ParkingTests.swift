import AMI
import CallCenter
import Testing

/// Parked calls: one retained topic per occupied space.
@Suite struct ParkingTests {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 10_000)
    static let t1 = CallCenterTime(millisecondsSinceEpoch: 11_000)
    static let key = StateKey.parking(lot: "default", space: "701")

    static func park(
        _ event: String = "ParkedCall", uniqueId: String = "1.1", timeout: String = "8", duration: String = "0"
    ) -> AMIMessage {
        Packets.event(
            event,
            [
                ("ParkeeChannel", "Local/100@incoming-00000000;2"), ("ParkeeCallerIDNum", "5550101"),
                ("ParkeeCallerIDName", "Caller 5550101"), ("ParkeeUniqueid", uniqueId),
                ("ParkerDialString", "Local/147@agents"), ("Parkinglot", "default"), ("ParkingSpace", "701"),
                ("ParkingTimeout", timeout), ("ParkingDuration", duration),
            ])
    }

    /// Should publish the parked call with its fixed timeout instant and keep it when the list repeats it later.
    @Test func parkedCallIsPublished() {
        var state = CallCenterState()
        let changes = state.apply(Self.park(), at: Self.t0)
        let expected = ParkingValue(
            lot: "default", space: "701", number: "5550101", name: "Caller 5550101",
            channel: "Local/100@incoming-00000000;2", uniqueId: "1.1", parkedBy: "Local/147@agents", since: Self.t0,
            timeoutAt: CallCenterTime(millisecondsSinceEpoch: 18_000))
        #expect(changes == [.set(Self.key, .parking(expected))])
        // The ParkedCalls list a second later: 7 s left, parked for 1 s: nothing moves.
        #expect(state.apply(Self.park(timeout: "7", duration: "1"), at: Self.t1).isEmpty)
    }

    /// Should free the space on UnParkedCall, ParkedCallTimeOut, ParkedCallGiveUp and the parkee's hangup.
    @Test(arguments: ["UnParkedCall", "ParkedCallTimeOut", "ParkedCallGiveUp", "Hangup"])
    func parkingEnds(event: String) {
        var state = CallCenterState()
        _ = state.apply(Self.park(), at: Self.t0)
        let end =
            event == "Hangup"
            ? Packets.event("Hangup", [("Channel", "Local/100@incoming-00000000;2"), ("Uniqueid", "1.1")])
            : Self.park(event)
        #expect(state.apply(end, at: Self.t1) == [.clear(Self.key)])
        #expect(state.view.isEmpty)
    }

    /// Should leave a space alone when the ending event names another parkee.
    @Test func endOfAnotherParkeeIsIgnored() {
        var state = CallCenterState()
        _ = state.apply(Self.park(), at: Self.t0)
        #expect(state.apply(Self.park("UnParkedCall", uniqueId: "9.9"), at: Self.t1).isEmpty)
        #expect(state.view[Self.key] != nil)
    }

    /// Should keep since and timeout across a resync that still lists the same parkee, and clear a vanished one.
    @Test func resyncKeepsTheParking() {
        var state = CallCenterState()
        _ = state.apply(Self.park(), at: Self.t0)
        let same = CallCenterState.snapshot(
            configuration: state.configuration, items: [Self.park(timeout: "5", duration: "3")],
            at: CallCenterTime(millisecondsSinceEpoch: 13_000), previous: state)
        #expect(state.diff(to: same, at: Self.t1).isEmpty)
        let gone = CallCenterState.snapshot(configuration: state.configuration, items: [], at: Self.t1, previous: state)
        #expect(state.diff(to: gone, at: Self.t1) == [.clear(Self.key)])
    }

    /// Should count a parking event without its lot as malformed.
    @Test func malformedParkingIsCounted() {
        var state = CallCenterState()
        #expect(state.apply(Packets.event("ParkedCall", [("ParkingSpace", "701")]), at: Self.t0).isEmpty)
        #expect(state.diagnostics.lastMalformed == "ParkedCall.Parkinglot")
    }
}
