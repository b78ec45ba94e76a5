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
    /// The custom device whose state mirrors an extension's do-not-disturb, with
    /// `{extension}` where the extension goes (FreePBX: `Custom:DND{extension}`); nil ignores
    /// device states.
    public var dndDeviceTemplate: String?
    /// The `UserEvent` name that announces an AstDB write (headers `Family`, `Key`, `Val`);
    /// nil ignores user events.
    public var astDBUserEvent: String?

    public init(
        agentInterfaceTemplates: [String] = ["Local/{agent}@agents/n"],
        stateInterfaceTemplates: [String] = ["Custom:{agent}"],
        trackedQueues: Set<String> = [],
        trackedAgents: Set<String> = [],
        dndDeviceTemplate: String? = "Custom:DND{extension}",
        astDBUserEvent: String? = "AstDB"
    ) {
        self.agentInterfaceTemplates = agentInterfaceTemplates
        self.stateInterfaceTemplates = stateInterfaceTemplates
        self.trackedQueues = trackedQueues
        self.trackedAgents = trackedAgents
        self.dndDeviceTemplate = dndDeviceTemplate
        self.astDBUserEvent = astDBUserEvent
    }

    /// The placeholder of ``dndDeviceTemplate``.
    public static let extensionPlaceholder = "{extension}"

    /// The extension a device name stands for under `template` (`Custom:DND147` under
    /// `Custom:DND{extension}` is `147`), or nil when it does not match.
    static func extensionMatching(_ device: String, template: String) -> String? {
        guard let range = template.firstRange(of: Self.extensionPlaceholder) else { return nil }
        let prefix = template[..<range.lowerBound]
        let suffix = template[range.upperBound...]
        guard device.count > prefix.count + suffix.count, device.hasPrefix(prefix), device.hasSuffix(suffix)
        else { return nil }
        return String(device.dropFirst(prefix.count).dropLast(suffix.count))
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
