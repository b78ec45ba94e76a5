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

    public init(
        queue: String, waiting: Int, longestWaitSeconds: Int, members: Int, available: Int,
        paused: Int, completed: Int, abandoned: Int, holdTime: Int, talkTime: Int, serviceLevel: Double
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
    }
}
