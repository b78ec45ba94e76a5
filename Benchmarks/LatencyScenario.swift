import AMI
import AMISimulator
import LocalMosquitto
import MQTT

/// 2. End-to-end latency at fixed event rates: from just before the simulator is handed an
/// event (so the hop onto its loop, its filter check and the socket write count against the
/// bridge) to the subscriber receiving the message it becomes. Two mixes: `AgentCalled` (an
/// event topic, matched by the Uniqueid in the payload) and `ExtensionStatus` toggles (the
/// state-flood mix: a retained state topic, matched by its order on the topic, every toggle
/// being a change). Everything runs in this process on one monotonic clock.
struct LatencyScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    private static let marker = Array("\"uniqueId\":\"lat.".utf8)
    private static let agentMarker = Array("/agent/".utf8)

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "latency", title: "Latency")
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.agents, queues: self.sizes.queues)),
            logger: BenchLog.quiet)
        let prefix = "lat\(BenchIDs.next())"
        let agents = self.sizes.agents
        let maxCount = self.sizes.latencyRuns.map(\.count).max() ?? 0
        let arrivals = Shared([UInt64](repeating: 0, count: maxCount))
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/agentCalled", qos: .atLeastOnce,
            id: prefix
        ) { message, now in
            guard let index = EventTemplates.index(inPayload: message.payload, after: Self.marker) else { return }
            arrivals.withLock { if index < $0.count, $0[index] == 0 { $0[index] = now } }
        }
        defer { subscriber.stop() }
        try await subscriber.ready()
        // State: the n-th message on agent a's topic is the n-th toggle sent to a.
        let stateArrivals = Shared([UInt64](repeating: 0, count: maxCount))
        let perAgent = Shared([Int](repeating: 0, count: agents))
        let states = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/extensionStatus",
            qos: .atLeastOnce, id: "\(prefix)s"
        ) { message, now in
            guard let agent = Self.agentIndex(topic: message.topic), agent < agents else { return }
            let seen = perAgent.withLock { counts in
                counts[agent] += 1
                return counts[agent]
            }
            let index = agent + (seen - 1) * agents
            stateArrivals.withLock { if index < $0.count, $0[index] == 0 { $0[index] = now } }
        }
        defer { states.stop() }
        try await states.ready()
        let rig = try BridgeRig(amiPort: simulator.port, brokerPort: self.broker.port, prefix: prefix)
        try await rig.start()
        try await rig.ready()
        // The synced values (every agent not in use) arrive before anything is measured.
        try await waitUntil("the synced extension states", timeout: 30, stall: 5, progress: { states.received }) {
            states.received >= agents
        }

        for (rate, count) in self.sizes.latencyRuns {
            arrivals.withLock { for index in $0.indices { $0[index] = 0 } }
            subscriber.reset()
            let events = (0..<count).map {
                EventTemplates.agentCalled(agent: $0 % agents, queues: self.sizes.queues, uniqueId: "lat.\($0)")
            }
            let (sent, elapsed) = try await Self.paced(events, rate: rate, simulator: simulator)
            try await waitUntil("the latency probes", timeout: 30, stall: 3, progress: { subscriber.received }) {
                subscriber.received >= count
            }
            let received = arrivals.withLock { Array($0.prefix(count)) }
            Self.report("\(rate / 1000)k ev/s", sent: sent, received: received, elapsed: elapsed, into: &result)
        }
        // Each agent's status flips on every toggle, so every event is a change and a message.
        var inUse = [Bool](repeating: false, count: agents)
        for (rate, fullCount) in self.sizes.latencyRuns {
            let count = max(fullCount / 2, 1)
            stateArrivals.withLock { for index in $0.indices { $0[index] = 0 } }
            perAgent.withLock { for index in $0.indices { $0[index] = 0 } }
            states.reset()
            let events = (0..<count).map { index -> AMIMessage in
                let agent = index % agents
                inUse[agent].toggle()
                return EventTemplates.extensionStatus(agent: agent, inUse: inUse[agent])
            }
            let (sent, elapsed) = try await Self.paced(events, rate: rate, simulator: simulator)
            try await waitUntil("the state latency probes", timeout: 30, stall: 3, progress: { states.received }) {
                states.received >= count
            }
            let received = stateArrivals.withLock { Array($0.prefix(count)) }
            Self.report("\(rate / 1000)k ev/s state", sent: sent, received: received, elapsed: elapsed, into: &result)
        }
        result.notes.append(
            "QoS 1 (contract default) bridge publish and subscription; AgentCalled with unique Uniqueid matched to the "
                + "agentCalled payload; 'state': ExtensionStatus toggles over all agents (half as many events), matched "
                + "to the extensionStatus message by its order on the agent's topic; send time taken before "
                + "AMISimulator.emit (includes the hop onto the simulator's loop)"
        )
        await rig.stop()
        try await simulator.shutdown()
        return result
    }

    /// Hands `events` to the simulator at `rate` per second; returns each one's send time and
    /// the seconds the whole run took.
    static func paced(_ events: [AMIMessage], rate: Int, simulator: AMISimulator) async throws
        -> (sent: [UInt64], elapsed: Double)
    {
        try await Self.paced(count: events.count, rate: rate) { await simulator.emit(events[$0]) }
    }

    /// Calls `emit` with 0..<count at `rate` per second (sleeping while the next is far off,
    /// yielding while it is near); returns each call's send time and the run's seconds.
    static func paced(count: Int, rate: Int, emit: (Int) async -> Void) async throws
        -> (sent: [UInt64], elapsed: Double)
    {
        var sent = [UInt64](repeating: 0, count: count)
        let interval = 1_000_000_000 / UInt64(rate)
        let start = MonotonicClock.nanoseconds() + 10_000_000
        for index in 0..<count {
            let due = start + UInt64(index) * interval
            var now = MonotonicClock.nanoseconds()
            if due > now + 150_000 {
                try await Task.sleep(for: .nanoseconds(Int64(due - now - 100_000)))
                now = MonotonicClock.nanoseconds()
            }
            while now < due {
                await Task.yield()
                now = MonotonicClock.nanoseconds()
            }
            sent[index] = MonotonicClock.nanoseconds()
            await emit(index)
        }
        return (sent, Double(MonotonicClock.nanoseconds() - start) / 1e9)
    }

    static func report(
        _ label: String, sent: [UInt64], received: [UInt64], elapsed: Double, into result: inout ScenarioResult
    ) {
        let summary = LatencySummary(sent: sent, received: received, elapsed: elapsed)
        result.add(Metric("\(label) achieved rate", summary.achievedRate, "ev/s"))
        result.add(Metric("\(label) p50", summary.p50, "ms", goal: "< 0.3 ms", met: summary.p50 < 0.3))
        result.add(Metric("\(label) p99", summary.p99, "ms", goal: "< 1 ms", met: summary.p99 < 1))
        result.add(Metric("\(label) p99.9", summary.p999, "ms"))
        result.add(Metric("\(label) max", summary.max, "ms"))
        if summary.missing > 0 { result.add(Metric("\(label) missing", Double(summary.missing), "msg")) }
    }

    /// `2001` → 0 out of `{p}/agent/2001/extensionStatus`.
    static func agentIndex(topic: String) -> Int? {
        let bytes = Array(topic.utf8)
        guard bytes.count > Self.agentMarker.count else { return nil }
        for start in 0...(bytes.count - Self.agentMarker.count)
        where bytes[start..<(start + Self.agentMarker.count)].elementsEqual(Self.agentMarker) {
            var value = 0
            var cursor = start + Self.agentMarker.count
            var digits = 0
            while cursor < bytes.count, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                value = value * 10 + Int(bytes[cursor] - 48)
                cursor += 1
                digits += 1
            }
            return digits > 0 ? value - 2001 : nil
        }
        return nil
    }
}
