/// `{p}/agent/{a}/phoneNumber`: the party the agent is bridged with.
public struct PhoneNumberValue: Sendable, Hashable, Codable {
    public var agent: String
    public var number: String
    public var name: String
    /// The queue the other party came from, when it was a queue caller.
    public var queue: String?
    /// The other party's channel Uniqueid.
    public var uniqueId: String
    /// `inbound` (the other party started the call) or `outbound` (the agent did); nil when
    /// Asterisk gave no Linkedid.
    public var direction: String?
    /// When the call began (its first channel was created), from the Linkedid.
    public var startTime: CallCenterTime?

    public init(
        agent: String, number: String, name: String, queue: String?, uniqueId: String,
        direction: String? = nil, startTime: CallCenterTime? = nil
    ) {
        self.agent = agent
        self.number = number
        self.name = name
        self.queue = queue
        self.uniqueId = uniqueId
        self.direction = direction
        self.startTime = startTime
    }
}
