/// A non-retained event topic of the contract.
public enum CallCenterEvent: Sendable, Hashable {
    /// `{p}/agent/{a}/agentComplete`.
    case agentComplete(AgentCompleteEvent)
    /// `{p}/agent/{a}/agentCalled`.
    case agentCalled(AgentCalledEvent)
    /// `{p}/queue/{q}/callerAbandon`.
    case callerAbandon(CallerAbandonEvent)
}

/// A queue call handled by an agent ended.
public struct AgentCompleteEvent: Sendable, Hashable, Codable {
    public var agent: String
    public var queue: String
    /// The caller's channel Uniqueid.
    public var uniqueId: String
    public var talkTime: Int
    public var holdTime: Int
    /// `agent`, `caller` or `transfer`, as Asterisk reports it.
    public var reason: String
    /// Not carried by AgentComplete; nil until a recording source is wired.
    public var recording: String?

    public init(
        agent: String, queue: String, uniqueId: String, talkTime: Int, holdTime: Int, reason: String,
        recording: String? = nil
    ) {
        self.agent = agent
        self.queue = queue
        self.uniqueId = uniqueId
        self.talkTime = talkTime
        self.holdTime = holdTime
        self.reason = reason
        self.recording = recording
    }
}

/// A queue rings an agent.
public struct AgentCalledEvent: Sendable, Hashable, Codable {
    public var agent: String
    public var queue: String
    /// The caller's number and name.
    public var number: String
    public var name: String
    public var uniqueId: String

    public init(agent: String, queue: String, number: String, name: String, uniqueId: String) {
        self.agent = agent
        self.queue = queue
        self.number = number
        self.name = name
        self.uniqueId = uniqueId
    }
}

/// A caller hung up while waiting in a queue.
public struct CallerAbandonEvent: Sendable, Hashable, Codable {
    public var queue: String
    public var uniqueId: String
    public var position: Int
    public var holdTime: Int

    public init(queue: String, uniqueId: String, position: Int, holdTime: Int) {
        self.queue = queue
        self.uniqueId = uniqueId
        self.position = position
        self.holdTime = holdTime
    }
}
