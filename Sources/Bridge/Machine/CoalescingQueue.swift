import MQTT

/// Retained state waiting for room in the MQTT client's queue: the newest value per topic,
/// in the order topics first waited.
///
/// Under back-pressure a state bridge need not push every value: subscribers want each
/// topic's newest value, never an older one after a newer one. A topic that changes again
/// while it waits keeps its place and takes the new value, so a flood of toggles over a few
/// hundred topics costs a few hundred publications.
struct CoalescingQueue: Sendable {
    private var slots: [MQTTMessage?] = []
    /// The position of `slots[0]` since the queue was last empty. `index` holds positions, not
    /// array offsets, so that dropping the slots already taken moves the array only: rewriting
    /// every entry of a 100,000-topic index held the bridge's loop for tens of milliseconds.
    private var base = 0
    /// The array offset of the first slot not yet taken.
    private var head = 0
    private var index: [String: Int] = [:]

    var count: Int { self.index.count }
    var isEmpty: Bool { self.index.isEmpty }

    /// Adds `message`, replacing a waiting value of the same topic in its place.
    mutating func push(_ message: MQTTMessage) {
        if let position = self.index[message.topic] {
            self.slots[position - self.base] = message
        } else {
            self.index[message.topic] = self.base + self.slots.count
            self.slots.append(message)
        }
    }

    /// Takes the value of the topic that has waited longest.
    mutating func pop() -> MQTTMessage? {
        while self.head < self.slots.count {
            let slot = self.head
            self.head += 1
            if let message = self.slots[slot] {
                self.slots[slot] = nil
                self.index[message.topic] = nil
                self.compact()
                return message
            }
        }
        return nil
    }

    /// Drops the waiting value of `topic` (a newer one went out directly).
    mutating func remove(topic: String) {
        guard let position = self.index.removeValue(forKey: topic) else { return }
        self.slots[position - self.base] = nil
    }

    mutating func removeAll() {
        self.slots.removeAll()
        self.index.removeAll()
        self.head = 0
        self.base = 0
    }

    /// Reclaims the slots already taken once they are most of the array.
    private mutating func compact() {
        if self.index.isEmpty {
            self.removeAll()
        } else if self.head > 1024, self.head * 2 > self.slots.count {
            self.slots.removeFirst(self.head)
            self.base += self.head
            self.head = 0
        }
    }
}
