import AMISimulator
import Histogram
import LocalMosquitto
import MQTT

/// 6. Command round trip: an MQTT 5 `queue/pause` request (Response Topic and Correlation
/// Data) to the reply, through the bridge and the simulator's `QueuePause`, one at a time.
struct CommandScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "command", title: "Command round trip")
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.agents, queues: self.sizes.queues)),
            logger: BenchLog.quiet)
        let tuned = try await self.roundTrips(
            simulator: simulator, broker: self.broker, count: self.sizes.commandRoundTrips)
        result.add(Metric("queue/pause p50", tuned.p50, "ms", goal: "< 1 ms", met: tuned.p50 < 1))
        result.add(Metric("queue/pause p99", tuned.p99, "ms"))
        result.add(Metric("queue/pause max", tuned.max, "ms"))
        result.add(Metric("replies not ok", Double(tuned.failures), ""))
        // The same against mosquitto's default configuration (set_tcp_nodelay false): each
        // round trip waits ~40 ms there, so a few suffice.
        let stock = try await MosquittoBroker.start(quiet: true, tcpNoDelay: false)
        let nagle = try await self.roundTrips(
            simulator: simulator, broker: stock, count: max(self.sizes.commandRoundTrips / 20, 10))
        stock.stop()
        result.add(Metric("queue/pause p50, stock mosquitto.conf", nagle.p50, "ms"))
        result.notes.append(
            "\(self.sizes.commandRoundTrips) sequential requests, QoS 1 both ways, alternating pause/unpause; "
                + "the bench broker sets set_tcp_nodelay true; with mosquitto's default (false) Nagle's algorithm holds "
                + "the reply behind the delayed ACK of the PUBACK")
        try await simulator.shutdown()
        return result
    }

    private func roundTrips(simulator: AMISimulator, broker: MosquittoBroker, count: Int) async throws
        -> (p50: Double, p99: Double, max: Double, failures: Int)
    {
        let prefix = "cmd\(BenchIDs.next())"
        let replyTopic = "bench-reply/\(prefix)"
        let (replies, continuation) = AsyncStream.makeStream(of: (correlation: [UInt8], at: UInt64, ok: Bool).self)
        let requester = try BenchSubscriber(
            host: broker.host, port: broker.port, filter: replyTopic, qos: .atLeastOnce, id: prefix
        ) { message, now in
            let ok = message.text.contains("\"status\":\"ok\"")
            continuation.yield((message.properties.correlationData ?? [], now, ok))
        }
        try await requester.ready()
        let rig = try BridgeRig(amiPort: simulator.port, brokerPort: broker.port, prefix: prefix)
        try await rig.start()
        try await rig.ready()

        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var failures = 0
        var iterator = replies.makeAsyncIterator()
        for index in 0..<count {
            let agent = index % min(self.sizes.agents, 20)
            let body =
                "{\"id\":\"rt-\(index)\",\"queue\":\"\(EventTemplates.queue(ofAgent: agent, queues: self.sizes.queues))\","
                + "\"agent\":\"\(EventTemplates.agent(agent))\",\"paused\":\(index % 40 < 20),\"reason\":\"bench\"}"
            let correlation = Array("c\(index)".utf8)
            let sent = MonotonicClock.nanoseconds()
            try requester.client.publish(
                MQTTMessage(
                    topic: "\(prefix)/cmd/queue/pause", text: body, qos: .atLeastOnce,
                    properties: MQTTProperties(responseTopic: replyTopic, correlationData: correlation)))
            while true {
                guard let reply = await iterator.next() else { throw BenchError.setup("reply stream ended") }
                if reply.correlation == correlation {
                    _ = histogram.record(reply.at - sent)
                    if !reply.ok { failures += 1 }
                    break
                }
            }
        }
        continuation.finish()
        requester.stop()
        await rig.stop()
        return (
            Double(histogram.valueAtPercentile(50)) / 1e6, Double(histogram.valueAtPercentile(99)) / 1e6,
            Double(histogram.max) / 1e6, failures
        )
    }
}
