/// One retained topic of the MQTT contract, without the prefix and without encoding.
///
/// The bridge turns a key into `{p}/agent/{a}/…` or `{p}/queue/{q}/…`, percent-encoding ids.
public enum StateKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case agentExtensionStatus(agent: String)
    case agentName(agent: String)
    case agentQueueMemberStatus(agent: String, queue: String)
    case agentPhoneNumber(agent: String)
    case queueCount(queue: String)
    case queueStats(queue: String)
    case extensionPresence(extension: String)
    case parking(lot: String, space: String)
    case agentCall(agent: String)
    case extensionConversations(extension: String)

    /// Sort order for deterministic output: agents, queues, extensions, parking lots, then by id, then by topic.
    private var sortTuple: (Int, String, Int, String) {
        switch self {
        case .agentExtensionStatus(let agent): (0, agent, 0, "")
        case .agentName(let agent): (0, agent, 1, "")
        case .agentQueueMemberStatus(let agent, let queue): (0, agent, 2, queue)
        case .agentPhoneNumber(let agent): (0, agent, 3, "")
        case .queueCount(let queue): (1, queue, 0, "")
        case .queueStats(let queue): (1, queue, 1, "")
        case .extensionPresence(let exten): (2, exten, 0, "")
        case .parking(let lot, let space): (3, lot, 0, space)
        case .agentCall(let agent): (0, agent, 4, "")
        case .extensionConversations(let exten): (2, exten, 1, "")
        }
    }

    public static func < (lhs: StateKey, rhs: StateKey) -> Bool {
        lhs.sortTuple < rhs.sortTuple
    }

    /// The topic path below the prefix, unencoded: `agent/147/queueMemberStatus/q1`.
    public var description: String {
        switch self {
        case .agentExtensionStatus(let agent): "agent/\(agent)/extensionStatus"
        case .agentName(let agent): "agent/\(agent)/name"
        case .agentQueueMemberStatus(let agent, let queue): "agent/\(agent)/queueMemberStatus/\(queue)"
        case .agentPhoneNumber(let agent): "agent/\(agent)/phoneNumber"
        case .queueCount(let queue): "queue/\(queue)/count"
        case .queueStats(let queue): "queue/\(queue)/stats"
        case .extensionPresence(let exten): "extension/\(exten)/presence"
        case .parking(let lot, let space): "parking/\(lot)/\(space)"
        case .agentCall(let agent): "agent/\(agent)/call"
        case .extensionConversations(let exten): "extension/\(exten)/conversations"
        }
    }
}
