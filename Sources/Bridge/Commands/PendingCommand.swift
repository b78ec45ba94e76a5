import NIOCore

/// A command between its first AMI action and its final reply.
struct PendingCommand: Sendable {
    var request: CommandRequest
    var route: ReplyRoute
    var started: NIODeadline
    var plan: CommandPlan
    /// `perQueue`: each queue's outcome by step, as the answers come in.
    var queueOutcomes: [Int: QueueOutcome] = [:]
    /// `originate`, `park`: the ActionID of the action Asterisk accepted.
    var actionID: String?
    /// `park`: whether Asterisk's `ParkedCall` arrived, and with which space.
    var parkedSpace: String??

    struct QueueOutcome: Sendable, Hashable {
        var actionID: String?
        var error: CommandError?
    }
}
