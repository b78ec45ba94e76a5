/// `{p}/agent/{a}/name`.
public struct AgentNameValue: Sendable, Hashable, Codable {
    public var agent: String
    public var name: String

    public init(agent: String, name: String) {
        self.agent = agent
        self.name = name
    }
}
