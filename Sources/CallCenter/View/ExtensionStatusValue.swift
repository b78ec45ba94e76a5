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
