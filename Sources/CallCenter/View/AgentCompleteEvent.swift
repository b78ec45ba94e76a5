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
