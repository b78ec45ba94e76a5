import AMI
import AMISimulator
import LocalMosquitto
import MQTT

/// Times what the capacity scenario's sites publish, all through one pair of subscribers:
/// a paced mix of `AgentCalled` (an event topic, matched by the index in its Uniqueid) and
/// `ExtensionStatus` toggles (a retained state topic, matched by its order on the agent's
/// topic), spread over the sites round robin.
struct CapacityProbe {
    /// Where one agent's toggles wait for their messages, in the order they were sent.
    private struct StateQueue: Sendable {
        var indices: [Int] = []
        var next = 0
    }

    private static let marker = Array("\"uniqueId\":\"cap.".utf8)

    let run: Int
    private let events: BenchSubscriber
    private let states: BenchSubscriber
    private let arrivals: Shared<[UInt64]>
    private let queues: Shared<[Int: StateQueue]>
    private let stateMessages: Shared<Int>
    private let matched: Shared<Int>
    /// State messages the sites' syncs and the toggles sent so far should have brought.
    private var expectedStates = 0
    private var inUse: [Int: Bool] = [:]

    init(broker: MosquittoBroker, run: Int) async throws {
        self.run = run
        let arrivals = Shared([UInt64]())
        let queues = Shared([Int: StateQueue]())
        let stateMessages = Shared(0)
        let matched = Shared(0)
        let own = "cap\(run)-"
        self.events = try BenchSubscriber(
            host: broker.host, port: broker.port, filter: "+/agent/+/agentCalled", qos: .atLeastOnce,
            id: "cap\(run)e"
        ) { message, now in
            guard message.topic.hasPrefix(own),
                let index = EventTemplates.index(inPayload: message.payload, after: Self.marker)
            else { return }
            let first = arrivals.withLock { times -> Bool in
                guard index < times.count, times[index] == 0 else { return false }
                times[index] = now
                return true
            }
            if first { matched.withLock { $0 += 1 } }
        }
        self.states = try BenchSubscriber(
            host: broker.host, port: broker.port, filter: "+/agent/+/extensionStatus", qos: .atLeastOnce,
            id: "cap\(run)s"
        ) { message, now in
            guard message.topic.hasPrefix(own), let site = CapacitySite.siteIndex(topic: message.topic),
                let agent = LatencyScenario.agentIndex(topic: message.topic)
            else { return }
            stateMessages.withLock { $0 += 1 }
            let index = queues.withLock { queues -> Int? in
                guard var queue = queues[Self.key(site: site, agent: agent)], queue.next < queue.indices.count else {
                    return nil
                }
                defer { queues[Self.key(site: site, agent: agent)] = queue }
                queue.next += 1
                return queue.indices[queue.next - 1]
            }
            guard let index else { return }
            arrivals.withLock { if index < $0.count, $0[index] == 0 { $0[index] = now } }
            matched.withLock { $0 += 1 }
        }
        self.arrivals = arrivals
        self.queues = queues
        self.stateMessages = stateMessages
        self.matched = matched
        try await self.events.ready()
        try await self.states.ready()
    }

    func stop() {
        self.events.stop()
        self.states.stop()
    }

    private static func key(site: Int, agent: Int) -> Int { site << 24 | agent }

    /// Waits for `site`'s synced extension states (every agent not in use), so that nothing
    /// of a sync is measured.
    mutating func received(syncOf site: CapacitySite) async throws {
        self.expectedStates += site.agents
        let expected = self.expectedStates
        try await waitUntil(
            "the synced extension states of \(site.prefix)", timeout: 120, stall: 10,
            progress: { self.stateMessages.value }
        ) { self.stateMessages.value >= expected }
    }

    /// Sends `rate × seconds` events over `sites` at `rate` per second in total and times them.
    mutating func measure(_ sites: [CapacitySite], rate: Int, seconds: Double) async throws -> LatencySummary {
        let count = max(2, Int(Double(rate) * seconds))
        var plan: [(site: Int, message: AMIMessage)] = []
        plan.reserveCapacity(count)
        var waiting: [Int: StateQueue] = [:]
        for index in 0..<count {
            let round = index / 2
            let site = sites[round % sites.count]
            let agent = (round / sites.count) % site.agents
            if index % 2 == 0 {
                plan.append(
                    (
                        round % sites.count,
                        EventTemplates.agentCalled(agent: agent, queues: site.queues, uniqueId: "cap.\(index)")
                    ))
            } else {
                let key = Self.key(site: site.index, agent: agent)
                let now = !(self.inUse[key] ?? false)
                self.inUse[key] = now
                waiting[key, default: StateQueue()].indices.append(index)
                plan.append((round % sites.count, EventTemplates.extensionStatus(agent: agent, inUse: now)))
            }
        }
        self.arrivals.withLock { $0 = [UInt64](repeating: 0, count: count) }
        self.queues.withLock { $0 = waiting }
        self.matched.withLock { $0 = 0 }
        let states = count / 2
        self.expectedStates += states
        let (sent, elapsed) = try await LatencyScenario.paced(count: count, rate: rate) { index in
            await sites[plan[index].site].simulator.emit(plan[index].message)
        }
        // Whatever arrives before 3 s without progress counts; the rest is reported missing.
        try await waitForQuiet(timeout: 120, quiet: 3, progress: { self.matched.value }) {
            self.matched.value >= count
        }
        // A bridge that coalesced toggles under back-pressure sent fewer state messages.
        self.expectedStates = min(self.expectedStates, self.stateMessages.value)
        return LatencySummary(sent: sent, received: self.arrivals.value, elapsed: elapsed)
    }
}
