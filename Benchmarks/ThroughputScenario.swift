import AMI
import AMISimulator
import LocalMosquitto
import MQTT

/// 1. AMI events in and MQTT messages out while the simulator streams `AgentCalled` events as
/// fast as the bridge takes them, next to a bare libmosquitto loop publishing the same
/// messages to the same broker and subscriber.
struct ThroughputScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "throughput", title: "Throughput")
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.agents, queues: self.sizes.queues)),
            logger: BenchLog.quiet)
        defer { Task { try? await simulator.shutdown() } }
        let distinct = min(self.sizes.agents, 1000)
        let events = (0..<distinct).map {
            EventTemplates.agentCalled(agent: $0, queues: self.sizes.queues, uniqueId: "1795618271.\($0)")
        }
        for qos in [MQTTQoS.atMostOnce, .atLeastOnce] {
            let label = "QoS \(qos.rawValue)"
            let bridge = try await self.bridgeRun(simulator: simulator, events: events, qos: qos)
            let (limit, limitLost) = try await self.baselineRun(events: events, qos: qos)
            result.add(Metric("\(label) AMI events in", bridge.eventsIn, "ev/s"))
            result.add(Metric("\(label) MQTT messages out", bridge.messagesOut, "msg/s"))
            result.add(Metric("\(label) libmosquitto limit", limit, "msg/s"))
            if limitLost > 0 {
                result.add(
                    Metric(
                        "\(label) limit's messages lost (of \(self.sizes.throughputEvents))", Double(limitLost), "msg"))
            }
            let ratio = bridge.messagesOut / limit
            result.add(Metric("\(label) bridge / limit", ratio, "x", goal: ">= 0.8x", met: ratio >= 0.8))
            if bridge.lost > 0 {
                result.add(
                    Metric("\(label) messages lost (of \(self.sizes.throughputEvents))", Double(bridge.lost), "msg"))
            }
        }
        result.notes.append(
            "\(self.sizes.throughputEvents) AgentCalled events per run (\(distinct) distinct), one MQTT message each; "
                + "subscriber on {p}/agent/+/agentCalled at the same QoS; the limit publishes the same topics and payloads"
        )
        return result
    }

    private func bridgeRun(simulator: AMISimulator, events: [AMIMessage], qos: MQTTQoS) async throws
        -> (eventsIn: Double, messagesOut: Double, lost: Int)
    {
        let prefix = "tp\(qos.rawValue)\(BenchIDs.next())"
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/agentCalled", qos: qos,
            id: prefix)
        defer { subscriber.stop() }
        try await subscriber.ready()
        // Events are not coalesced: a queue bound of the whole burst's size keeps this figure
        // about throughput, not about what the bounded queue drops.
        let rig = try BridgeRig(
            amiPort: simulator.port, brokerPort: self.broker.port, prefix: prefix, stateQoS: qos, eventQoS: qos,
            maxQueued: 100_000)
        try await rig.start()
        try await rig.ready()
        defer { Task { await rig.stop() } }
        let count = self.sizes.throughputEvents
        let start = MonotonicClock.nanoseconds()
        try await simulator.firehose(events, count: count)
        let written = MonotonicClock.seconds(since: start)
        // Done when every message arrived or was dropped by the bridge's bounded queue, or when
        // nothing more arrived for two seconds (QoS 0 loss anywhere on the way).
        try await waitForQuiet(timeout: 120, quiet: 2, progress: { subscriber.received }) {
            subscriber.received + rig.mqtt.droppedMessageCount >= count
        }
        let out = Double(subscriber.lastReceivedAt - start) / 1e9
        await rig.stop()
        // AMI side: the firehose ends when the last byte is in the socket, a few hundred events
        // before the bridge has read them; the message side bounds it.
        return (Double(count) / max(written, out), Double(subscriber.received) / out, count - subscriber.received)
    }

    private func baselineRun(events: [AMIMessage], qos: MQTTQoS) async throws -> (rate: Double, lost: Int) {
        let prefix = "tl\(qos.rawValue)\(BenchIDs.next())"
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/agentCalled", qos: qos,
            id: prefix)
        defer { subscriber.stop() }
        try await subscriber.ready()
        let templates = events.map { event -> (topic: String, payload: [UInt8]) in
            let agent = String((event["Interface"] ?? "").dropFirst("Local/".count).prefix { $0 != "@" })
            let number = event["CallerIDNum"] ?? ""
            let payload =
                "{\"agent\":\"\(agent)\",\"queue\":\"\(event["Queue"] ?? "")\",\"number\":\"\(number)\","
                + "\"name\":\"Caller \(number)\",\"uniqueId\":\"\(event["Uniqueid"] ?? "")\"}"
            return ("\(prefix)/agent/\(agent)/agentCalled", Array(payload.utf8))
        }
        let count = self.sizes.throughputEvents
        let messages = (0..<count).map { templates[$0 % templates.count] }
        let publisher = try MosquittoBaseline(host: self.broker.host, port: self.broker.port, id: prefix)
        defer { publisher.stop() }
        try await publisher.ready()
        let start = MonotonicClock.nanoseconds()
        publisher.publish(messages, qos: Int32(qos.rawValue))
        // A stock broker queues at most 1000 messages per subscriber and drops the rest: done
        // when all arrived or nothing more came for two seconds, counted as what arrived.
        try await waitForQuiet(timeout: 120, quiet: 2, progress: { subscriber.received }) {
            subscriber.received >= count
        }
        guard subscriber.received > 0 else { throw BenchError.timeout("the baseline's messages") }
        let rate = Double(subscriber.received) / (Double(subscriber.lastReceivedAt - start) / 1e9)
        return (rate, count - subscriber.received)
    }
}
