/// Member counters of a queue, kept incrementally so no event scans all members.
struct MemberCounts: Sendable, Hashable {
    var members = 0
    var available = 0
    var paused = 0
    /// Members per published status; statuses with no member are absent, so that counts
    /// built in any order compare equal.
    var byStatus: [AgentStatus: Int] = [:]

    static func += (lhs: inout MemberCounts, rhs: MemberCounts) {
        lhs.members += rhs.members
        lhs.available += rhs.available
        lhs.paused += rhs.paused
        for (status, count) in rhs.byStatus {
            lhs.byStatus[status, default: 0] += count
        }
    }

    static func -= (lhs: inout MemberCounts, rhs: MemberCounts) {
        lhs.members -= rhs.members
        lhs.available -= rhs.available
        lhs.paused -= rhs.paused
        for (status, count) in rhs.byStatus {
            let left = lhs.byStatus[status, default: 0] - count
            lhs.byStatus[status] = left == 0 ? nil : left
        }
    }
}
