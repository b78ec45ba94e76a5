/// One agent's membership in one queue, as the member events describe it.
struct MembershipRecord: Sendable, Hashable {
    var name: String
    var deviceStatus: AgentStatus
    /// Device state 0 (unknown) or 1 (not_inuse): Asterisk counts such members as available.
    var deviceAvailable: Bool
    var paused: Bool
    var pausedReason: String
    var penalty: Int
    var callsTaken: Int
    var lastCall: CallCenterTime?
    var since: CallCenterTime

    /// The status word published for this membership.
    var publishedStatus: AgentStatus { self.paused ? .paused : self.deviceStatus }

    /// This member's contribution to its queue's member counters.
    var counts: MemberCounts {
        MemberCounts(
            members: 1, available: (!self.paused && self.deviceAvailable) ? 1 : 0, paused: self.paused ? 1 : 0,
            byStatus: [self.publishedStatus: 1])
    }
}
