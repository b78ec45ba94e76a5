/// The simulated PBX's dialplan and queues at boot.
public struct CallCenterConfiguration: Sendable, Hashable {
    public var queues: [QueueConfiguration]
    /// Agent extensions with a hint `Custom:{n}` in context `agents`, in dialplan order.
    public var hints: [String]
    /// Dynamic members added at boot as if by QueueAdd (queue name, member): the demo and
    /// the traffic generator need logged-in agents without a client adding them.
    public var dynamicMembers: [DynamicMember]

    public struct DynamicMember: Sendable, Hashable {
        public var queue: String
        public var member: MemberConfiguration

        public init(queue: String, member: MemberConfiguration) {
            self.queue = queue
            self.member = member
        }
    }

    public init(queues: [QueueConfiguration], hints: [String], dynamicMembers: [DynamicMember] = []) {
        self.queues = queues
        self.hints = hints
        self.dynamicMembers = dynamicMembers
    }

    /// The call center the fixtures were captured on (Tests/Fixtures/asterisk-conf/): q1 without members,
    /// q2 with static Bob (149) and Carol (150), hints 146–150.
    public static let fixture = CallCenterConfiguration(
        queues: [
            QueueConfiguration(name: "q1", incomingExtension: "100"),
            QueueConfiguration(
                name: "q2",
                incomingExtension: "200",
                staticMembers: [.agent("149", name: "Bob"), .agent("150", name: "Carol")]
            ),
        ],
        hints: ["146", "147", "148", "149", "150"]
    )

    /// A generated call center: queues `q1`…`qM` (incoming extensions `1001`…), agents
    /// `Agent 2001`… with hints `2001`…, each logged in (dynamic) to one or two queues.
    public static func generated(agents: Int, queues: Int) -> CallCenterConfiguration {
        let queueCount = max(1, queues)
        let agentCount = max(0, agents)
        let queueConfigs = (1...queueCount).map { index in
            QueueConfiguration(
                name: "q\(index)",
                strategy: "rrmemory",
                timeout: 15,
                serviceLevel: 20,
                incomingExtension: String(1000 + index)
            )
        }
        var hints: [String] = []
        var members: [DynamicMember] = []
        for index in 0..<agentCount {
            let exten = String(2001 + index)
            hints.append(exten)
            let member = MemberConfiguration.agent(exten, name: "Agent \(exten)")
            let primary = index % queueCount
            members.append(DynamicMember(queue: "q\(primary + 1)", member: member))
            if queueCount > 1, index % 3 == 0 {
                let secondary = (primary + 1) % queueCount
                members.append(DynamicMember(queue: "q\(secondary + 1)", member: member))
            }
        }
        return CallCenterConfiguration(queues: queueConfigs, hints: hints, dynamicMembers: members)
    }
}
