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
