import AMI
import AMISimulator
import Histogram
import LocalMosquitto
import MQTT

/// 2. End-to-end latency at fixed event rates: from just before the simulator is handed an
/// `AgentCalled` event (so the hop onto its loop, its filter check and the socket write count
/// against the bridge) to the subscriber receiving the `agentCalled` message with that event's
/// Uniqueid. Everything runs in this process on one monotonic clock.
struct LatencyScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    private static let marker = Array("\"uniqueId\":\"lat.".utf8)

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "latency", title: "Latency")
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.agents, queues: self.sizes.queues)),
            logger: BenchLog.quiet)
        let prefix = "lat\(BenchIDs.next())"
        let maxCount = self.sizes.latencyRuns.map(\.count).max() ?? 0
        let arrivals = Shared([UInt64](repeating: 0, count: maxCount))
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/agentCalled", qos: .atLeastOnce,
            id: prefix
        ) { message, now in
            guard let index = EventTemplates.index(inPayload: message.payload, after: Self.marker) else { return }
            arrivals.withLock { if index < $0.count, $0[index] == 0 { $0[index] = now } }
        }
        try await subscriber.ready()
        let rig = try BridgeRig(amiPort: simulator.port, brokerPort: self.broker.port, prefix: prefix)
        try await rig.start()
        try await rig.ready()

        for (rate, count) in self.sizes.latencyRuns {
            arrivals.withLock { for index in $0.indices { $0[index] = 0 } }
            subscriber.reset()
            let events = (0..<count).map {
                EventTemplates.agentCalled(
                    agent: $0 % self.sizes.agents, queues: self.sizes.queues, uniqueId: "lat.\($0)")
            }
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
                await simulator.emit(events[index])
            }
            let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
            try await waitUntil("the latency probes", timeout: 30, stall: 3, progress: { subscriber.received }) {
                subscriber.received >= count
            }
            var histogram = Histogram<UInt64>(
                highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
            let received = arrivals.withLock { Array($0.prefix(count)) }
            var missing = 0
            for index in 0..<count {
                if received[index] == 0 || received[index] < sent[index] {
                    missing += 1
                } else {
                    _ = histogram.record(received[index] - sent[index])
                }
            }
            let label = "\(rate / 1000)k ev/s"
            let p50 = Double(histogram.valueAtPercentile(50)) / 1e6
            let p99 = Double(histogram.valueAtPercentile(99)) / 1e6
            result.add(Metric("\(label) achieved rate", Double(count) / elapsed, "ev/s"))
            result.add(Metric("\(label) p50", p50, "ms", goal: "< 0.3 ms", met: p50 < 0.3))
            result.add(Metric("\(label) p99", p99, "ms", goal: "< 1 ms", met: p99 < 1))
            result.add(Metric("\(label) p99.9", Double(histogram.valueAtPercentile(99.9)) / 1e6, "ms"))
            result.add(Metric("\(label) max", Double(histogram.max) / 1e6, "ms"))
            if missing > 0 { result.add(Metric("\(label) missing", Double(missing), "msg")) }
        }
        result.notes.append(
            "QoS 1 (contract default) bridge publish and subscription; AgentCalled with unique Uniqueid matched to the "
                + "agentCalled payload; send time taken before AMISimulator.emit (includes the hop onto the simulator's loop)"
        )
        subscriber.stop()
        await rig.stop()
        try await simulator.shutdown()
        return result
    }
}
