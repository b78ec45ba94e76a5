/// Finds retained state topics that an earlier run left on the broker and that no longer
/// describe anything: an agent removed, a member logged off or a queue deleted while the
/// bridge was stopped.
///
/// The bridge cannot know such topics from Asterisk (they are gone there), only from the
/// broker. So after its first connect it briefly subscribes to its own state topics, collects
/// the retained ones the broker replays, and once the first AMI sync is done clears every one
/// that the fresh model does not hold. With Home Assistant discovery it does the same for this
/// bridge's discovery configs (object ids `pbx2mqtt_<prefix>_agent_…`/`_queue_…`/`_bridge_…`),
/// so an agent removed while the bridge was stopped leaves no entity behind either.
/// A pure value: the bridge feeds it and acts on its answer.
struct StaleTopicSweep: Sendable {
    /// The filters covering every retained state topic of `layout` (and discovery config).
    static func filters(_ layout: TopicLayout, _ discovery: HomeAssistantDiscovery? = nil) -> [String] {
        var filters = [
            layout.prefix + "/agent/+/+", layout.prefix + "/agent/+/queueMemberStatus/+", layout.prefix + "/queue/+/+",
            layout.prefix + "/extension/+/+", layout.prefix + "/parking/+/+",
        ]
        if let discovery {
            filters.append(discovery.discoveryPrefix + "/+/+/config")
        }
        return filters
    }

    private static let agentLeaves: Set<Substring> = ["extensionStatus", "name", "phoneNumber", "call"]
    private static let queueLeaves: Set<Substring> = ["count", "stats"]
    private static let extensionLeaves: Set<Substring> = ["presence", "conversations"]

    let layout: TopicLayout
    let discovery: HomeAssistantDiscovery?
    private(set) var harvested: Set<String> = []
    private(set) var harvestDone = false
    private(set) var synced = false

    init(layout: TopicLayout, discovery: HomeAssistantDiscovery? = nil) {
        self.layout = layout
        self.discovery = discovery
    }

    var filters: [String] { Self.filters(self.layout, self.discovery) }

    /// Records a message from the broker; only retained, non-empty state topics count.
    /// - Returns: whether it was part of the broker's replay of retained state topics (what
    ///   the harvest window waits to end).
    @discardableResult
    mutating func received(topic: String, retained: Bool, empty: Bool) -> Bool {
        guard !self.harvestDone, retained, self.isStateTopic(topic) else { return false }
        if !empty {
            self.harvested.insert(topic)
        }
        return true
    }

    mutating func finishHarvest() { self.harvestDone = true }
    mutating func finishSync() { self.synced = true }

    /// Whether both the harvest and the first sync are done, so that stale topics can be told.
    var canTell: Bool { self.harvestDone && self.synced }

    /// The topics to clear, once both the harvest and the first sync are done; nil before.
    func stale(current: Set<String>) -> [String]? {
        guard self.canTell else { return nil }
        return self.harvested.subtracting(current).sorted()
    }

    /// Whether `topic` is one of the retained state topics (not an event, command or reply).
    func isStateTopic(_ topic: String) -> Bool {
        if let discovery = self.discovery, discovery.isOwnConfigTopic(topic) {
            return true
        }
        let prefix = self.layout.prefix + "/"
        guard topic.hasPrefix(prefix) else { return false }
        let parts = topic.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("agent", 3): return Self.agentLeaves.contains(parts[2])
        case ("agent", 4): return parts[2] == "queueMemberStatus"
        case ("queue", 3): return Self.queueLeaves.contains(parts[2])
        case ("extension", 3): return Self.extensionLeaves.contains(parts[2])
        case ("parking", 3): return true
        default: return false
        }
    }
}
