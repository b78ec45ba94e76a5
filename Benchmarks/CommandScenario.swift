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
            configuration: SimulatorConfiguration(callCenter: .generated(agents: self.sizes.agents, queues: self.sizes.queues)),
            logger: BenchLog.quiet)
        let prefix = "cmd\(BenchIDs.next())"
        let replyTopic = "bench-reply/\(prefix)"
        let (replies, continuation) = AsyncStream.makeStream(of: (correlation: [UInt8], at: UInt64, ok: Bool).self)
        let requester = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: replyTopic, qos: .atLeastOnce, id: prefix
        ) { message, now in
            let ok = message.text.contains("\"status\":\"ok\"")
            continuation.yield((message.properties.correlationData ?? [], now, ok))
        }
        try await requester.ready()
        let rig = try BridgeRig(amiPort: simulator.port, brokerPort: self.broker.port, prefix: prefix)
        try await rig.start()
        try await rig.ready()

        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var failures = 0
        var iterator = replies.makeAsyncIterator()
        for index in 0..<self.sizes.commandRoundTrips {
            let agent = index % min(self.sizes.agents, 20)
            let body = "{\"id\":\"rt-\(index)\",\"queue\":\"\(EventTemplates.queue(ofAgent: agent, queues: self.sizes.queues))\","
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
        let p50 = Double(histogram.valueAtPercentile(50)) / 1e6
        let p99 = Double(histogram.valueAtPercentile(99)) / 1e6
        result.add(Metric("queue/pause p50", p50, "ms"))
        result.add(Metric("queue/pause p99", p99, "ms"))
        result.add(Metric("queue/pause max", Double(histogram.max) / 1e6, "ms"))
        result.add(Metric("replies not ok", Double(failures), ""))
        result.notes.append("\(self.sizes.commandRoundTrips) sequential requests, QoS 1 both ways, alternating pause/unpause")
        continuation.finish()
        requester.stop()
        await rig.stop()
        try await simulator.shutdown()
        return result
    }
}
