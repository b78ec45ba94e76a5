/// Member counters of a queue, kept incrementally so no event scans all members.
struct MemberCounts: Sendable, Hashable {
    var members = 0
    var available = 0
    var paused = 0

    static func += (lhs: inout MemberCounts, rhs: MemberCounts) {
        lhs.members += rhs.members
        lhs.available += rhs.available
        lhs.paused += rhs.paused
    }

    static func -= (lhs: inout MemberCounts, rhs: MemberCounts) {
        lhs.members -= rhs.members
        lhs.available -= rhs.available
        lhs.paused -= rhs.paused
    }
}
