/// A queue as queues.conf declares it.
public struct QueueConfiguration: Sendable, Hashable {
    public var name: String
    /// `ringall` rings every available member at once; any other strategy rings one.
    public var strategy: String
    /// Seconds a member rings before `AgentRingNoAnswer`.
    public var timeout: Int
    /// Seconds before the next attempt after nobody answered.
    public var retry: Int
    public var serviceLevel: Int
    public var weight: Int
    public var maxCallers: Int
    /// The `incoming` extension whose callers join this queue (Originate `Local/{exten}@incoming`).
    public var incomingExtension: String
    public var staticMembers: [MemberConfiguration]

    public init(
        name: String,
        strategy: String = "ringall",
        timeout: Int = 15,
        retry: Int = 2,
        serviceLevel: Int = 0,
        weight: Int = 0,
        maxCallers: Int = 0,
        incomingExtension: String,
        staticMembers: [MemberConfiguration] = []
    ) {
        self.name = name
        self.strategy = strategy
        self.timeout = timeout
        self.retry = retry
        self.serviceLevel = serviceLevel
        self.weight = weight
        self.maxCallers = maxCallers
        self.incomingExtension = incomingExtension
        self.staticMembers = staticMembers
    }
}
