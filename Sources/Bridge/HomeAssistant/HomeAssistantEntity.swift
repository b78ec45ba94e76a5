import CallCenter

/// What one Home Assistant device stands for: the bridge itself, an agent or a queue.
public enum HomeAssistantEntity: Sendable, Hashable, Comparable {
    case bridge
    case agent(String)
    case queue(String)

    /// The agent or queue a retained state topic belongs to. A queue member's topic belongs to
    /// the agent (the queue has its own `count`/`stats`), and so does the agent's current call.
    /// Extension presence, conversations and parkings have no device: nil.
    public init?(_ key: StateKey) {
        switch key {
        case .agentExtensionStatus(let agent), .agentName(let agent), .agentPhoneNumber(let agent),
            .agentQueueMemberStatus(let agent, _), .agentCall(let agent):
            self = .agent(agent)
        case .queueCount(let queue), .queueStats(let queue):
            self = .queue(queue)
        case .extensionPresence, .extensionConversations, .parking:
            return nil
        }
    }
}
