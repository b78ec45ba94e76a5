/// How AMI names map to agents, and which agents and queues the bridge publishes.
///
/// Templates contain `{agent}` where the agent id goes, e.g. `Local/{agent}@agents/n` or
/// `PJSIP/{agent}`; the same templates serve the command side, so one setting describes both.
public struct CallCenterConfiguration: Sendable, Hashable {
    /// Member interfaces (`Interface`/`Location` of queue member events) and, for channels,
    /// the device or Local channel of an agent.
    public var agentInterfaceTemplates: [String]
    /// Device-state interfaces (`StateInterface`, the `Hint` of ExtensionStatus).
    public var stateInterfaceTemplates: [String]
    /// Queues to publish; empty publishes every queue.
    public var trackedQueues: Set<String>
    /// Agents to publish; empty publishes every agent.
    public var trackedAgents: Set<String>

    public init(
        agentInterfaceTemplates: [String] = ["Local/{agent}@agents/n"],
        stateInterfaceTemplates: [String] = ["Custom:{agent}"],
        trackedQueues: Set<String> = [],
        trackedAgents: Set<String> = []
    ) {
        self.agentInterfaceTemplates = agentInterfaceTemplates
        self.stateInterfaceTemplates = stateInterfaceTemplates
        self.trackedQueues = trackedQueues
        self.trackedAgents = trackedAgents
    }

    /// True when `queue` is in scope.
    @inlinable
    public func tracks(queue: String) -> Bool {
        self.trackedQueues.isEmpty || self.trackedQueues.contains(queue)
    }

    /// True when `agent` is in scope.
    @inlinable
    public func tracks(agent: String) -> Bool {
        self.trackedAgents.isEmpty || self.trackedAgents.contains(agent)
    }
}
