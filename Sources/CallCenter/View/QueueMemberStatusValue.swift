/// `{p}/agent/{a}/queueMemberStatus/{q}`. `status` is `paused` while paused, else the
/// device status; `loggedoff` only in the last value before the topic is cleared.
public struct QueueMemberStatusValue: Sendable, Hashable, Codable {
    public var agent: String
    public var queue: String
    public var status: AgentStatus
    public var paused: Bool
    public var pausedReason: String
    public var penalty: Int
    public var callsTaken: Int
    /// When the member last finished a call (nil: never).
    public var lastCall: CallCenterTime?
    /// When `status` took its current value.
    public var since: CallCenterTime

    public init(
        agent: String, queue: String, status: AgentStatus, paused: Bool, pausedReason: String,
        penalty: Int, callsTaken: Int, lastCall: CallCenterTime?, since: CallCenterTime
    ) {
        self.agent = agent
        self.queue = queue
        self.status = status
        self.paused = paused
        self.pausedReason = pausedReason
        self.penalty = penalty
        self.callsTaken = callsTaken
        self.lastCall = lastCall
        self.since = since
    }
}
