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
