/// The client's mutable bookkeeping, kept behind one `Mutex` because the network thread, the
/// supervisor queue and the owner's executor all touch it.
struct MQTTClientState {
    /// Where the client is in its life.
    enum Lifecycle: Equatable {
        /// Created, `start` not called yet.
        case idle
        /// The network loop runs (connected, connecting or waiting to reconnect).
        case running
        /// `stop` was called; nothing restarts any more.
        case stopped
    }

    var lifecycle: Lifecycle = .idle
    var onEvent: (@Sendable (MQTTClientEvent) -> Void)?
    /// One filter and its options, as `subscribe` was asked for it.
    struct Subscription {
        var filter: String
        var qos: MQTTQoS
        var retainAsPublished: Bool
        var noLocal: Bool
    }

    /// Filters to renew on every connect, in the order they were first subscribed.
    var subscriptions: [Subscription] = []
    /// QoS 1/2 publications accepted and not yet acknowledged, by message id (ids wrap at
    /// 65535, so a count per id).
    var pendingReliable: [Int32: Int] = [:]
    var pendingReliableCount = 0
    /// QoS 0 publications handed to libmosquitto and not yet written to the socket.
    var pendingUnreliable: [Int32: Int] = [:]
    var pendingUnreliableCount = 0
    var droppedCount = 0
    /// on_publish seen for a mid whose `publish` call has not returned yet (the loop thread can
    /// win that race).
    var earlyCompletions: [Int32: Int] = [:]
    /// The count `notifyWhenQueued(atMost:)` waits for, until it is reached.
    var queueNotice: Int?
    var isConnected = false
    /// Whether the broker answered the current attempt's CONNECT (accepted or refused).
    var connectAnswered = false

    var queuedCount: Int { self.pendingReliableCount + self.pendingUnreliableCount }

    /// The queue length to report, once, when a notice is armed and the queue reached it.
    mutating func takeQueueNotice() -> Int? {
        guard let notice = self.queueNotice, self.queuedCount <= notice else { return nil }
        self.queueNotice = nil
        return self.queuedCount
    }

    /// Records an accepted publication.
    mutating func accepted(mid: Int32, qos: MQTTQoS) {
        if let early = self.earlyCompletions[mid] {
            // The loop thread confirmed it before `publish` returned.
            self.earlyCompletions[mid] = early <= 1 ? nil : early - 1
            return
        }
        if qos == .atMostOnce {
            self.pendingUnreliable[mid, default: 0] += 1
            self.pendingUnreliableCount += 1
        } else {
            self.pendingReliable[mid, default: 0] += 1
            self.pendingReliableCount += 1
        }
    }

    /// Records libmosquitto's on_publish for `mid`; returns whether it matched a publication.
    mutating func completed(mid: Int32) -> Bool {
        if let count = self.pendingReliable[mid] {
            if count <= 1 { self.pendingReliable[mid] = nil } else { self.pendingReliable[mid] = count - 1 }
            self.pendingReliableCount -= 1
            return true
        }
        if let count = self.pendingUnreliable[mid] {
            if count <= 1 { self.pendingUnreliable[mid] = nil } else { self.pendingUnreliable[mid] = count - 1 }
            self.pendingUnreliableCount -= 1
            return true
        }
        self.earlyCompletions[mid, default: 0] += 1
        return false
    }

    /// The socket closed: QoS 0 packets still queued are discarded by libmosquitto on the next
    /// reconnect (`packet__cleanup_all`), so count them as dropped now. Returns how many.
    mutating func connectionLost() -> Int {
        self.isConnected = false
        let lost = self.pendingUnreliableCount
        self.pendingUnreliable.removeAll()
        self.pendingUnreliableCount = 0
        self.droppedCount += lost
        return lost
    }
}
