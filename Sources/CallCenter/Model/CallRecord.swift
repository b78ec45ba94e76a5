/// A live queue call as the model follows it, keyed by its `Linkedid`: every channel of
/// the call (the caller, the member's Local legs, a transfer target) carries the same one, so
/// a Hold on the agent's leg or a transfer finds the call without following those channels
/// (the event filter drops their other events).
struct CallRecord: Sendable, Hashable {
    var linkedID: String
    /// The caller's channel Uniqueid (what agentComplete and callerAbandon name).
    var uniqueID: String
    var caller: CallParty
    var queue: String
    /// The agent that answered; nil while ringing.
    var agent: String?
    var callee: CallParty
    /// The agents ringing now, by agent, with their member leg.
    var ringing: [String: CallParty] = [:]
    var startedAt: CallCenterTime
    var answeredAt: CallCenterTime?
    var holdSince: CallCenterTime?
    /// Milliseconds on hold before `holdSince`.
    var heldMilliseconds: Int64 = 0
    var transfer: CallTransfer?
    /// The MixMonitor file, from the `MIXMONITOR_FILENAME` channel variable when manager.conf
    /// lists it in `channelvars`.
    var recording: String?
    /// The caller left the queue (QueueCallerLeave): with nobody answering and nobody ringing
    /// the call is over.
    var leftQueue = false

    /// Ends a hold under way at `time`, adding it to ``heldMilliseconds`` (Unhold, or the call
    /// leaving the agent or ending while held).
    mutating func endHold(at time: CallCenterTime) {
        guard let since = self.holdSince else { return }
        self.heldMilliseconds += max(0, time.millisecondsSinceEpoch - since.millisecondsSinceEpoch)
        self.holdSince = nil
    }
}
