/// `{p}/queue/{q}/count`: callers waiting.
public struct QueueCountValue: Sendable, Hashable, Codable {
    public var queue: String
    public var count: Int

    public init(queue: String, count: Int) {
        self.queue = queue
        self.count = count
    }
}
