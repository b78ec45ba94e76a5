/// Remembers the replies given to command ids, so a repeated id is answered, not re-executed.
///
/// QoS 1 redelivery and clients that retry on a lost reply both send the same command again;
/// executing it twice would place two calls. The contract keeps ids for five minutes. Time is
/// passed in (seconds, any monotonic origin) so the rule is testable without a clock.
public struct RecentCommands: Sendable {
    public struct Entry: Sendable, Hashable {
        public var command: String
        /// The latest reply sent for this id (`accepted` while the command is still running).
        public var reply: CommandReply
        public var seenAt: Double
    }

    public let window: Double
    public let capacity: Int
    private var entries: [String: Entry] = [:]
    /// Ids in arrival order, for expiry and eviction without scanning the dictionary.
    private var order: [(id: String, seenAt: Double)] = []
    private var orderStart = 0

    public init(window: Double = 300, capacity: Int = 50_000) {
        self.window = window
        self.capacity = capacity
    }

    public var count: Int { self.entries.count }

    /// The remembered entry for `id`, if it is still within the window.
    public mutating func lookup(_ id: String, now: Double) -> Entry? {
        self.expire(now: now)
        return self.entries[id]
    }

    /// Records the first sighting of `id` with the reply given so far.
    public mutating func remember(_ id: String, command: String, reply: CommandReply, now: Double) {
        self.expire(now: now)
        if self.entries[id] == nil {
            self.order.append((id, now))
        }
        self.entries[id] = Entry(command: command, reply: reply, seenAt: self.entries[id]?.seenAt ?? now)
        while self.entries.count > self.capacity, self.orderStart < self.order.count {
            let oldest = self.order[self.orderStart]
            self.orderStart += 1
            if self.entries[oldest.id]?.seenAt == oldest.seenAt {
                self.entries[oldest.id] = nil
            }
        }
        self.compact()
    }

    /// Replaces the reply of a known id (the final outcome after `accepted`).
    public mutating func update(_ id: String, reply: CommandReply) {
        self.entries[id]?.reply = reply
    }

    private mutating func expire(now: Double) {
        while self.orderStart < self.order.count, now - self.order[self.orderStart].seenAt >= self.window {
            let oldest = self.order[self.orderStart]
            self.orderStart += 1
            if self.entries[oldest.id]?.seenAt == oldest.seenAt {
                self.entries[oldest.id] = nil
            }
        }
        self.compact()
    }

    private mutating func compact() {
        if self.orderStart > 1024, self.orderStart * 2 > self.order.count {
            self.order.removeFirst(self.orderStart)
            self.orderStart = 0
        }
    }
}
