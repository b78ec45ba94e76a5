/// A caller hung up while waiting in a queue.
public struct CallerAbandonEvent: Sendable, Hashable, Codable {
    public var queue: String
    public var uniqueId: String
    public var position: Int
    public var holdTime: Int

    public init(queue: String, uniqueId: String, position: Int, holdTime: Int) {
        self.queue = queue
        self.uniqueId = uniqueId
        self.position = position
        self.holdTime = holdTime
    }
}
