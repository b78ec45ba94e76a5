/// A measurement the machine reports; the shell records it (swift-metrics).
public enum BridgeMetric: Sendable, Hashable {
    case amiConnected(Bool)
    case mqttConnected(Bool)
    case amiReconnect
    case synced(changes: Int, milliseconds: Int64)
    case command(String, status: String, nanoseconds: Int64)
    case dropped(PublishKind)
}

/// What a publication carries, for counters and for what happens when the queue is full.
public enum PublishKind: String, Sendable, Hashable {
    /// Retained state: coalesced to the newest value per topic, never dropped.
    case state
    /// One-off events: dropped (and counted) when the queue is full.
    case event
    /// Command replies: as events.
    case reply
}
