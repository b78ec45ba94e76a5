import PBXCore

/// A queue's live state: members, waiting callers, statistics.
final class SimQueue {
    let configuration: QueueConfiguration
    var members: [SimMember] = []
    /// Waiting callers in position order.
    var callers: [SimQueueCaller] = []
    var completed = 0
    var abandoned = 0
    var completedInServiceLevel = 0
    /// Abandons that waited at most `servicelevel` seconds (for `ServicelevelPerf2`).
    var abandonedInServiceLevel = 0
    /// Rolling averages as app_queue computes them (new = (3·old + sample) / 4).
    var holdTime = 0
    var talkTime = 0
    /// Round-robin cursor for `rrmemory`.
    var roundRobin = 0
    /// A distribution pass is already scheduled for this turn.
    var distributePending = false

    init(configuration: QueueConfiguration) {
        self.configuration = configuration
    }

    var name: String { self.configuration.name }

    func member(interface: String) -> SimMember? {
        self.members.first { $0.interface.caseInsensitiveEquals(interface) }
    }

    func recordHoldTime(_ seconds: Int) {
        self.holdTime = (self.holdTime * 3 + seconds) / 4
    }

    func recordTalkTime(_ seconds: Int) {
        self.talkTime = (self.talkTime * 3 + seconds) / 4
    }

    /// app_queue's `update_queue` when an answered call ends (hang-up, transfer or a parked
    /// caller gone): the queue's completed count, service level and talk-time average, and
    /// the member's calls taken and last call.
    func recordCompleted(holdTime: Int, talkTime: Int, by member: SimMember, at epoch: Int) {
        self.completed += 1
        if holdTime <= self.configuration.serviceLevel {
            self.completedInServiceLevel += 1
        }
        self.recordTalkTime(talkTime)
        member.callsTaken += 1
        member.lastCall = epoch
    }

    var serviceLevelPerformance: String {
        Self.percent(self.completedInServiceLevel, of: self.completed)
    }

    /// `ServicelevelPerf2`: answered and abandoned calls within the threshold, out of both.
    var serviceLevelPerformance2: String {
        Self.percent(self.completedInServiceLevel + self.abandonedInServiceLevel, of: self.completed + self.abandoned)
    }

    /// `part` of `whole` in percent, one decimal, as app_queue prints it (`%2.1f`: an exact
    /// tie such as 6.25 goes to the even digit, 6.2); `0.0` of nothing.
    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0.0" }
        var tenths = part * 1000 / whole
        let twice = (part * 1000 % whole) * 2
        if twice > whole || (twice == whole && tenths % 2 == 1) { tenths += 1 }
        return "\(tenths / 10).\(tenths % 10)"
    }
}

@available(*, unavailable)
extension SimQueue: Sendable {}
