/// The payload of one retained topic; each case's struct has the contract's JSON keys as
/// property names, so the bridge can encode it directly.
public enum StateValue: Sendable, Hashable {
    case extensionStatus(ExtensionStatusValue)
    case name(AgentNameValue)
    case queueMemberStatus(QueueMemberStatusValue)
    case phoneNumber(PhoneNumberValue)
    case queueCount(QueueCountValue)
    case queueStats(QueueStatsValue)
}

/// `{p}/agent/{a}/extensionStatus`.
public struct ExtensionStatusValue: Sendable, Hashable, Codable {
    public var agent: String
    public var status: AgentStatus
    public var since: CallCenterTime

    public init(agent: String, status: AgentStatus, since: CallCenterTime) {
        self.agent = agent
        self.status = status
        self.since = since
    }
}

/// `{p}/agent/{a}/name`.
public struct AgentNameValue: Sendable, Hashable, Codable {
    public var agent: String
    public var name: String

    public init(agent: String, name: String) {
        self.agent = agent
        self.name = name
    }
}

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

/// `{p}/agent/{a}/phoneNumber`: the party the agent is bridged with.
public struct PhoneNumberValue: Sendable, Hashable, Codable {
    public var agent: String
    public var number: String
    public var name: String
    /// The queue the other party came from, when it was a queue caller.
    public var queue: String?
    /// The other party's channel Uniqueid.
    public var uniqueId: String

    public init(agent: String, number: String, name: String, queue: String?, uniqueId: String) {
        self.agent = agent
        self.number = number
        self.name = name
        self.queue = queue
        self.uniqueId = uniqueId
    }
}

/// `{p}/queue/{q}/count`: callers waiting.
public struct QueueCountValue: Sendable, Hashable, Codable {
    public var queue: String
    public var count: Int

    public init(queue: String, count: Int) {
        self.queue = queue
        self.count = count
    }
}

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
