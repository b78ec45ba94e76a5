import PBXCore

/// Correlates packets with the actions waiting for them, by `ActionID`.
///
/// Pure bookkeeping, generic over what waits (a promise in the client, a plain value in
/// tests), in the shape of NIO's `NIORequestResponseWithIDHandler` state: nothing here does
/// I/O or crashes on unexpected input.
///
/// Routing rules, from Asterisk 22 transcripts:
/// - A `Response` with a pending `ActionID` completes that action, unless it carries
///   `EventList: start`: then the action keeps waiting and every event with the same
///   `ActionID` is collected until the one with `EventList: Complete`.
/// - An event whose `ActionID` is not that of a started list (an unsolicited event, or an
///   `OriginateResponse` after the Originate's `Response`) is not ours: `.event`.
/// - A `Response` with an unknown `ActionID` is `.unknownResponse`, dropped by the caller.
/// - After `abandon(id:)` (the action timed out), the late response and list are swallowed
///   (`.late`) instead of leaking to the event consumer.
struct PendingActions<Waiter> {
    /// One action waiting for its answer.
    struct Entry {
        var action: String
        var waiter: Waiter
        /// Set once a `Response: … EventList: start` arrived; items collect in `events`.
        var listResponse: AMIMessage?
        var events: [AMIMessage] = []
    }

    /// What a received packet meant.
    enum Outcome {
        /// The action is answered; it has been removed.
        case completed(AMIResponse, Waiter)
        /// The packet was added to (or started) a pending list.
        case collected
        /// A packet not for any pending action: deliver it as an event.
        case event
        /// A response whose `ActionID` nothing waits for (and that is not late).
        case unknownResponse(actionID: String?)
        /// A late answer (or list item) for an action that already timed out.
        case late(actionID: String)
    }

    /// Abandoned IDs kept at most, so a peer that never answers cannot grow the set forever.
    static var abandonedLimit: Int { 256 }

    private var entries: [String: Entry] = [:]
    /// Timed-out actions: `true` once their list started (keep swallowing items).
    private var abandoned: [String: Bool] = [:]
    private var abandonedOrder: [String] = []

    init() {}

    var count: Int { self.entries.count }
    var isEmpty: Bool { self.entries.isEmpty }

    func contains(_ actionID: String) -> Bool { self.entries[actionID] != nil }

    /// Starts waiting for the answer to `action` sent with `actionID`.
    mutating func add(actionID: String, action: String, waiter: Waiter) {
        precondition(self.entries[actionID] == nil, "ActionID \(actionID) reused while pending")
        self.entries[actionID] = Entry(action: action, waiter: waiter)
    }

    /// Routes one received packet.
    mutating func receive(_ message: AMIMessage) -> Outcome {
        // OriginateResponse has a `Response` header too: only a packet without `Event` is a
        // response.
        if message.eventName == nil, message.response != nil {
            return self.receiveResponse(message)
        }
        guard let actionID = message.actionID else { return .event }
        if var entry = self.entries[actionID], let listResponse = entry.listResponse {
            if message["EventList"]?.caseInsensitiveEquals("Complete") ?? false {
                self.entries[actionID] = nil
                let response = AMIResponse(
                    action: entry.action,
                    response: listResponse,
                    events: entry.events,
                    completion: message
                )
                return .completed(response, entry.waiter)
            }
            // Remove first so the append does not copy the array (copy-on-write).
            self.entries[actionID] = nil
            entry.events.append(message)
            self.entries[actionID] = entry
            return .collected
        }
        if self.abandoned[actionID] == true {
            if message["EventList"]?.caseInsensitiveEquals("Complete") ?? false {
                self.forget(actionID)
            }
            return .late(actionID: actionID)
        }
        return .event
    }

    private mutating func receiveResponse(_ message: AMIMessage) -> Outcome {
        let startsList = message["EventList"]?.caseInsensitiveEquals("start") ?? false
        guard let actionID = message.actionID, var entry = self.entries[actionID], entry.listResponse == nil else {
            if let actionID = message.actionID, self.abandoned[actionID] != nil {
                if startsList {
                    self.abandoned[actionID] = true
                } else {
                    self.forget(actionID)
                }
                return .late(actionID: actionID)
            }
            return .unknownResponse(actionID: message.actionID)
        }
        if startsList {
            entry.listResponse = message
            self.entries[actionID] = entry
            return .collected
        }
        self.entries[actionID] = nil
        return .completed(AMIResponse(action: entry.action, response: message), entry.waiter)
    }

    /// Stops waiting for `actionID` (it timed out) and returns its action name and waiter;
    /// a late answer will be reported as `.late`.
    mutating func abandon(actionID: String) -> (action: String, waiter: Waiter)? {
        guard let entry = self.entries.removeValue(forKey: actionID) else { return nil }
        if self.abandonedOrder.count >= Self.abandonedLimit {
            let oldest = self.abandonedOrder.removeFirst()
            self.abandoned[oldest] = nil
        }
        self.abandoned[actionID] = entry.listResponse != nil
        self.abandonedOrder.append(actionID)
        return (entry.action, entry.waiter)
    }

    /// Who waits for `actionID`, if it is pending.
    func waiter(for actionID: String) -> Waiter? { self.entries[actionID]?.waiter }

    /// Replaces the waiter of a pending action (to re-arm its timer); false when not pending.
    @discardableResult
    mutating func replaceWaiter(actionID: String, with waiter: Waiter) -> Bool {
        guard self.entries[actionID] != nil else { return false }
        self.entries[actionID]?.waiter = waiter
        return true
    }

    /// Removes every pending action (the connection closed) and returns their waiters.
    mutating func removeAll() -> [(actionID: String, action: String, waiter: Waiter)] {
        let all = self.entries.map { (actionID: $0.key, action: $0.value.action, waiter: $0.value.waiter) }
        self.entries.removeAll()
        self.abandoned.removeAll()
        self.abandonedOrder.removeAll()
        return all.sorted { $0.actionID < $1.actionID }
    }

    private mutating func forget(_ actionID: String) {
        self.abandoned[actionID] = nil
        self.abandonedOrder.removeAll { $0 == actionID }
    }
}
