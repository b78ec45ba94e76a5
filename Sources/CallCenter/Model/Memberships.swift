/// One agent's queue memberships by queue name: a short array kept sorted by queue.
///
/// Most agents are in one to three queues. A dictionary per agent costs a hash table of its
/// own (about 250 bytes for one membership, 5,000 agents in the memory benchmark); the array
/// costs its elements and a small header, and a lookup in three entries is as fast. Sorted,
/// equal memberships compare equal whatever order they came in.
struct Memberships: Sendable, Hashable, Sequence {
    private struct Entry: Sendable, Hashable {
        var queue: String
        var member: MembershipRecord
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { self.entries.isEmpty }

    /// The queue names, sorted.
    var keys: [String] { self.entries.map(\.queue) }

    /// Where `queue` is, or where it would go.
    private func position(of queue: String) -> (index: Int, found: Bool) {
        for (index, entry) in self.entries.enumerated() where entry.queue >= queue {
            return (index, entry.queue == queue)
        }
        return (self.entries.count, false)
    }

    /// The membership in `queue`; setting nil removes it.
    subscript(queue: String) -> MembershipRecord? {
        get {
            let (index, found) = self.position(of: queue)
            return found ? self.entries[index].member : nil
        }
        set {
            let (index, found) = self.position(of: queue)
            switch (newValue, found) {
            case (let member?, true): self.entries[index].member = member
            case (let member?, false): self.entries.insert(Entry(queue: queue, member: member), at: index)
            case (nil, true): self.entries.remove(at: index)
            case (nil, false): break
            }
        }
    }

    /// Removes and returns the membership in `queue`, if any.
    mutating func removeValue(forKey queue: String) -> MembershipRecord? {
        let old = self[queue]
        self[queue] = nil
        return old
    }

    func makeIterator() -> some IteratorProtocol<(key: String, value: MembershipRecord)> {
        self.entries.lazy.map { (key: $0.queue, value: $0.member) }.makeIterator()
    }
}
