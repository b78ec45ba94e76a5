import CallCenter
import NIOCore

/// The agents in wrap-up, as a pure machine: call events and time in, pause steps out.
///
/// Time is an input (the wrap-up's end is a deadline the caller turns into a timer, and
/// ``expire(agent:queue:at:)`` is the timer firing), so a test drives it with any clock.
struct WrapUps: Sendable, Hashable {
    /// One agent's wrap-up in one queue.
    struct Key: Sendable, Hashable, Comparable {
        var agent: String
        var queue: String

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.agent, lhs.queue) < (rhs.agent, rhs.queue) }
    }

    enum Phase: Sendable, Hashable {
        /// Paused at connect, the call still going.
        case inCall(linkedID: String)
        /// Paused until `until` (uptime).
        case wrappingUp(until: NIODeadline)
    }

    /// What the bridge must do.
    enum Step: Sendable, Hashable {
        case pause(Key)
        case unpause(Key)
        case schedule(Key, at: NIODeadline)
        case cancel(Key)
    }

    var rules: [String: WrapUpRule]
    var phases: [Key: Phase] = [:]

    init(rules: [WrapUpRule]) {
        self.rules = Dictionary(rules.map { ($0.queue, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// One call event at `now` (uptime).
    mutating func callEvent(_ event: CallStateEvent, at now: NIODeadline) -> [Step] {
        let call = event.call
        guard let rule = self.rules[call.queue], !call.agent.isEmpty, call.answeredAt != nil else { return [] }
        let key = Key(agent: call.agent, queue: call.queue)
        switch event.event {
        case .commutationStarted:
            guard rule.trigger == .connect else { return [] }
            let paused = self.phases[key] != nil
            self.phases[key] = .inCall(linkedID: call.linkedID)
            // Already paused for wrap-up (the previous call's): the pause goes on, without its end.
            return paused ? [.cancel(key)] : [.pause(key)]
        case .transferred, .finished:
            // A transferred call finishes later: its wrap-up began at the transfer.
            if event.event == .finished, call.transfer != nil { return [] }
            var steps: [Step] = []
            switch self.phases[key] {
            case .none: steps.append(.pause(key))
            case .inCall(let linked) where linked != call.linkedID: return []
            case .inCall, .wrappingUp: break
            }
            let until = now + .seconds(Int64(rule.seconds))
            self.phases[key] = .wrappingUp(until: until)
            steps.append(.schedule(key, at: until))
            return steps
        default:
            return []
        }
    }

    /// The wrap-up timer of `key` fired at `now`: unpause if it is still due.
    mutating func expire(_ key: Key, at now: NIODeadline) -> [Step] {
        guard case .wrappingUp(let until) = self.phases[key], now >= until else { return [] }
        self.phases[key] = nil
        return [.unpause(key)]
    }

    /// Ends the agent's wrap-ups early (in `queues`, or all when empty); returns the queues
    /// ended, sorted, and their steps.
    mutating func end(agent: String, queues: [String]) -> (queues: [String], steps: [Step]) {
        let keys = self.phases.keys.filter { $0.agent == agent && (queues.isEmpty || queues.contains($0.queue)) }
            .sorted()
        var steps: [Step] = []
        for key in keys {
            if case .wrappingUp = self.phases[key] { steps.append(.cancel(key)) }
            self.phases[key] = nil
        }
        return (keys.map(\.queue), steps)
    }
}
