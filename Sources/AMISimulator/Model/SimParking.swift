/// A call parked in a space of a parking lot.
final class SimParking {
    let channel: SimChannel
    let lot: String
    let space: Int
    /// `ParkerDialString`: who parked it (where a timed-out call goes back to).
    let parker: String
    /// Seconds the call may stay parked.
    let timeout: Int
    let parkedAt: Double
    var timer: Int?
    /// The lot's holding bridge the parked call waits in.
    var bridgeID = ""

    init(channel: SimChannel, lot: String, space: Int, parker: String, timeout: Int, parkedAt: Double) {
        self.channel = channel
        self.lot = lot
        self.space = space
        self.parker = parker
        self.timeout = timeout
        self.parkedAt = parkedAt
    }
}
