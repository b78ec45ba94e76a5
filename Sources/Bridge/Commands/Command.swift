/// A validated command, ready to become AMI actions. Every string in it has been checked.
public enum Command: Sendable, Hashable {
    /// Who a call-control command acts on.
    public enum Target: Sendable, Hashable {
        case agent(String)
        case channel(String)
    }

    public struct Originate: Sendable, Hashable {
        public var from: String
        public var to: String
        public var context: String
        public var callerID: String?
        public var variables: [String: String]
        public var timeoutSeconds: Int
    }

    case originate(Originate)
    case redirect(Target, to: String, context: String)
    case park(Target, announceTo: String?)
    case hangup(Target)
    case queueAdd(queues: [String], agent: String, name: String?, penalty: Int?, paused: Bool?)
    case queueRemove(queues: [String], agent: String)
    /// An empty `queues` pauses the agent in every queue (AMI `QueuePause` without `Queue`).
    case queuePause(queues: [String], agent: String, paused: Bool, reason: String?)
    case queueReset(queue: String?)
    case queueStatus(queue: String?)
    case bridgeResync
    /// Ends the agent's wrap-up early, in `queues` (all its wrap-ups when empty).
    case wrapUpEnd(agent: String, queues: [String])
    /// The current state topics matching `filter` (all without), those sorted after `after`.
    case stateGet(filter: TopicFilter?, after: String?)
}

/// A parsed command with the routing data of its request.
public struct CommandRequest: Sendable, Hashable {
    public var name: CommandName
    /// The caller's `id`, echoed in every reply and used for at-most-once execution.
    public var id: String?
    /// The MQTT 3.1.1 reply topic from the body (MQTT 5 Response Topic wins over it).
    public var replyTo: String?
    public var command: Command
}
