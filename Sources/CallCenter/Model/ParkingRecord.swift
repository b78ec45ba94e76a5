/// A parked call, known from ParkedCall (event or ParkedCalls list item).
struct ParkingRecord: Sendable, Hashable {
    /// The parked channel's Uniqueid, to recognise the same parkee at a resync or hangup.
    var uniqueId: String
    var channel: String
    var number: String
    var name: String
    /// Asterisk's `ParkerDialString`: where a timed-out call goes back to.
    var parkedBy: String
    var since: CallCenterTime
    /// When Asterisk gives up waiting for a pickup; nil when it did not say.
    var timeoutAt: CallCenterTime?
}
