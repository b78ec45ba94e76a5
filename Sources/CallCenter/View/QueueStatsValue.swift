/// `{p}/queue/{q}/stats`.
public struct QueueStatsValue: Sendable, Hashable, Codable {
    public var queue: String
    public var waiting: Int
    /// The longest wait among the waiting callers, measured when the set of waiting callers
    /// last changed (so the value only moves on events, not with the clock).
    public var longestWaitSeconds: Int
    public var members: Int
    /// Members neither paused nor busy (device not_inuse or unknown), as Asterisk counts them.
    public var available: Int
    public var paused: Int
    public var completed: Int
    public var abandoned: Int
    /// Asterisk's running averages, in seconds.
    public var holdTime: Int
    public var talkTime: Int
    /// `ServicelevelPerf` of the last QueueStatus (percent); refreshed on resync.
    public var serviceLevel: Double
    /// When the longest-waiting caller joined (nil: nobody waits): a fixed instant, so that
    /// the retained value does not tick; clients compute the live wait from it.
    public var oldestWaitingSince: CallCenterTime?
    /// Members per published status word (`not_inuse`, `paused`, …); absent words: none.
    public var membersByStatus: [String: Int]
    /// The queue's service-level threshold in seconds (`servicelevel=`; 0: not set).
    public var serviceLevelSeconds: Int
    /// `ServicelevelPerf2` of the last QueueStatus: calls answered within the threshold out of
    /// answered and abandoned ones (percent); refreshed on resync.
    public var serviceLevelWithAbandoned: Double

    public init(
        queue: String, waiting: Int, longestWaitSeconds: Int, members: Int, available: Int,
        paused: Int, completed: Int, abandoned: Int, holdTime: Int, talkTime: Int, serviceLevel: Double,
        oldestWaitingSince: CallCenterTime? = nil, membersByStatus: [String: Int] = [:], serviceLevelSeconds: Int = 0,
        serviceLevelWithAbandoned: Double = 0
    ) {
        self.queue = queue
        self.waiting = waiting
        self.longestWaitSeconds = longestWaitSeconds
        self.members = members
        self.available = available
        self.paused = paused
        self.completed = completed
        self.abandoned = abandoned
        self.holdTime = holdTime
        self.talkTime = talkTime
        self.serviceLevel = serviceLevel
        self.oldestWaitingSince = oldestWaitingSince
        self.membersByStatus = membersByStatus
        self.serviceLevelSeconds = serviceLevelSeconds
        self.serviceLevelWithAbandoned = serviceLevelWithAbandoned
    }
}
