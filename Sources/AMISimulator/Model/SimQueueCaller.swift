/// A caller waiting in (or being connected from) a queue.
final class SimQueueCaller {
    /// The caller's `;2` leg, the channel running Queue().
    let channel: SimChannel
    let call: SimCall
    let queue: SimQueue
    let joinedAt: Double
    let originalPosition: Int
    /// Agent legs currently ringing for this caller.
    var ringing: [SimAgentLeg] = []
    /// When set, the caller hangs up at this simulated time if nobody has answered.
    var patienceTimer: Int?
    var ringTimer: Int?

    init(channel: SimChannel, call: SimCall, queue: SimQueue, joinedAt: Double, originalPosition: Int) {
        self.channel = channel
        self.call = call
        self.queue = queue
        self.joinedAt = joinedAt
        self.originalPosition = originalPosition
    }
}

/// A member being rung or talking: the `Local/{n}@agents-XXXX;1/;2` pair.
final class SimAgentLeg {
    let member: SimMember
    let one: SimChannel
    let two: SimChannel
    var answered = false

    init(member: SimMember, one: SimChannel, two: SimChannel) {
        self.member = member
        self.one = one
        self.two = two
    }
}

@available(*, unavailable)
extension SimQueueCaller: Sendable {}

@available(*, unavailable)
extension SimAgentLeg: Sendable {}
