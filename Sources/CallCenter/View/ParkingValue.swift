/// `{p}/parking/{lot}/{space}`: the call parked in one space.
public struct ParkingValue: Sendable, Hashable, Codable {
    public var lot: String
    public var space: String
    /// The parked party's number and name.
    public var number: String
    public var name: String
    public var channel: String
    public var uniqueId: String
    /// Who parked it (Asterisk's `ParkerDialString`, e.g. `Local/147@agents`).
    public var parkedBy: String
    public var since: CallCenterTime
    /// When the park times out, a fixed instant (clients compute what is left).
    public var timeoutAt: CallCenterTime?

    public init(
        lot: String, space: String, number: String, name: String, channel: String, uniqueId: String,
        parkedBy: String, since: CallCenterTime, timeoutAt: CallCenterTime?
    ) {
        self.lot = lot
        self.space = space
        self.number = number
        self.name = name
        self.channel = channel
        self.uniqueId = uniqueId
        self.parkedBy = parkedBy
        self.since = since
        self.timeoutAt = timeoutAt
    }
}
