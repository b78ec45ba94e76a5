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

    var serviceLevelPerformance: String {
        guard self.completed > 0 else { return "0.0" }
        let tenths = (self.completedInServiceLevel * 1000 + self.completed / 2) / self.completed
        return "\(tenths / 10).\(tenths % 10)"
    }
}

@available(*, unavailable)
extension SimQueue: Sendable {}
