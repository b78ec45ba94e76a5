/// A queue: its waiting callers, member counters and Asterisk's statistics.
struct QueueRecord: Sendable, Hashable {
    /// Waiting callers by channel Uniqueid, with the time they joined.
    var callers: [String: CallCenterTime] = [:]
    /// When the set of waiting callers last changed; `longestWaitSeconds` is measured then.
    var waitingSince: CallCenterTime
    var counts = MemberCounts()
    var completed = 0
    var abandoned = 0
    var holdTime = 0
    var talkTime = 0
    var serviceLevel = 0.0
    /// The queue's `servicelevel=` setting in seconds (QueueParams `ServiceLevel`).
    var serviceLevelSeconds = 0
    /// `ServicelevelPerf2`: like `serviceLevel`, abandoned calls counted too.
    var serviceLevelWithAbandoned = 0.0
    /// Answered calls that waited at most `serviceLevelSeconds` (app_queue's
    /// `callscompletedinsl`), derived from `ServicelevelPerf` at a sync and counted live after.
    var completedInServiceLevel = 0
    /// Abandoned calls that waited at most `serviceLevelSeconds`, derived from
    /// `ServicelevelPerf2` the same way.
    var abandonedInServiceLevel = 0

    init(at time: CallCenterTime) {
        self.waitingSince = time
    }
}
