import AMI
import AMISimulator
import Bridge
import CallCenter
import NIOCore

/// What the traffic scenario recorded, reused by the reducer scenario.
struct RecordedTraffic: Sendable {
    /// The initial-state list items before the traffic (to seed the reducer at full size).
    var syncItems: [AMIMessage]
    /// Every event with `Events: on` and no filter.
    var everything: [AMIMessage]
    /// The events the bridge's configuration receives (`Events: call,agent` plus the filter).
    var bridgeView: [AMIMessage]
}

/// 5. AMI traffic: bytes the bridge receives with Asterisk-side filtering versus without, for
/// the same seeded simulator traffic (VarSet, Newexten, DeviceStateChange, Dial*, …). Three
/// clients are logged in at once, so they see the very same calls.
struct TrafficScenario {
    let sizes: BenchSizes

    func run() async throws -> (ScenarioResult, RecordedTraffic) {
        var result = ScenarioResult(id: "ami-traffic", title: "AMI traffic")
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.agents, queues: self.sizes.queues),
                clock: .realTime(scale: 0.01)),
            logger: BenchLog.quiet)
        let everything = RecordingAMIClient(port: simulator.port, eventMask: "on", filters: [])
        let maskOnly = RecordingAMIClient(port: simulator.port, eventMask: "call,agent", filters: [])
        let bridge = RecordingAMIClient(
            port: simulator.port, eventMask: "call,agent",
            filters: AMIEventFilter.regexes(for: CallCenterConfiguration()))
        let clients = [everything, maskOnly, bridge]
        for client in clients { try await client.start() }
        let syncItems = try await bridge.syncItems()
        for client in clients { _ = client.takeEvents() }

        await simulator.startTraffic(
            TrafficConfiguration(callsPerSecond: 4, seed: 7, maxCalls: self.sizes.trafficCalls))
        try await waitUntil("the traffic's calls", timeout: 120, interval: .milliseconds(20)) {
            await simulator.trafficCallCount() >= self.sizes.trafficCalls
        }
        // Calls in progress run to their end; done when nothing arrived for half a second.
        var last = everything.eventCount
        var quietSince = MonotonicClock.nanoseconds()
        while MonotonicClock.seconds(since: quietSince) < 0.5 {
            try await Task.sleep(for: .milliseconds(20))
            if everything.eventCount != last {
                last = everything.eventCount
                quietSince = MonotonicClock.nanoseconds()
            }
        }
        let recorded = clients.map { $0.takeEvents() }
        for client in clients { await client.stop() }
        try await simulator.shutdown()

        let bytes = recorded.map(Self.wireBytes)
        let base = Double(max(bytes[0], 1))
        result.add(Metric("Events: on, no filter", Double(bytes[0]), "bytes"))
        result.add(Metric("Events: call,agent", Double(bytes[1]), "bytes"))
        result.add(Metric("Events: call,agent + Filter (bridge)", Double(bytes[2]), "bytes"))
        result.add(Metric("mask only / on", Double(bytes[1]) / base, "x"))
        let ratio = Double(bytes[2]) / base
        result.add(Metric("bridge / on", ratio, "x", goal: "<= 0.1x", met: ratio <= 0.1))
        result.add(Metric("events on / bridge", Double(recorded[0].count), "ev"))
        result.add(Metric("events bridge", Double(recorded[2].count), "ev"))
        result.notes.append(
            "\(self.sizes.trafficCalls) seeded simulator calls (seed 7, 10 % abandons) over \(self.sizes.agents) agents; "
                + "bytes = received events re-encoded in AMI wire format; real Asterisk 22: 0.083x with Filter, 0.51x with Events: call,agent"
        )
        return (result, RecordedTraffic(syncItems: syncItems, everything: recorded[0], bridgeView: recorded[2]))
    }

    static func wireBytes(_ events: [AMIMessage]) -> Int {
        var buffer = ByteBufferAllocator().buffer(capacity: 4096)
        var total = 0
        for event in events {
            buffer.clear()
            try? AMIMessageEncoder.write(event, to: &buffer)
            total += buffer.readableBytes
        }
        return total
    }
}
