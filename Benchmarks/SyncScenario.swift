import AMI
import AMISimulator
import CallCenter
import LocalMosquitto
import MQTT

/// 3. Initial sync: from `PBXBridge.start()` (MQTT connect, AMI connect and MD5 login, the
/// four state lists) to the subscriber holding every retained topic. The expected topic count
/// comes from the same lists run through `CallCenterState.snapshot` beforehand, plus
/// `bridge/state` and `bridge/ami`.
struct SyncScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "sync", title: "Initial sync")
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.syncAgents, queues: self.sizes.syncQueues)),
            logger: BenchLog.quiet)
        let expected = try await Self.expectedTopicCount(port: simulator.port)
        result.add(Metric("retained topics", Double(expected), "topics"))
        for qos in [MQTTQoS.atLeastOnce, .atMostOnce] {
            let seconds = try await self.measured(qos: qos, into: &result) {
                try await self.syncOnce(port: simulator.port, expected: expected, qos: qos)
            }
            let ms = seconds * 1000
            if qos == .atLeastOnce {
                result.add(Metric("QoS 1 start to last topic", ms, "ms", goal: "< 400 ms", met: ms < 400))
            } else {
                result.add(Metric("QoS 0 start to last topic", ms, "ms"))
            }
        }
        let limit = try await self.measured(qos: .atLeastOnce, into: &result) {
            try await self.baselineOnce(count: expected)
        }
        result.add(
            Metric("QoS 1 libmosquitto loop, \(expected) retained messages (publishing only)", limit * 1000, "ms"))
        result.notes.append(
            "\(self.sizes.syncAgents) agents in \(self.sizes.syncQueues) queues (simulator .generated), "
                + "subscriber on {p}/# at the same QoS as the bridge's state topics; the libmosquitto loop publishes "
                + "as many retained QoS 1 messages of ~120 bytes through the C API to the same broker and a subscriber "
                + "like it: what publishing alone costs at 20 messages in flight, without AMI login, lists and model")
        try await simulator.shutdown()
        return result
    }

    /// Runs `body`; when the subscriber missed live messages that the broker dropped for it (a
    /// stock broker queues at most 1000 per subscriber), says so in the notes and measures again once.
    private func measured(qos: MQTTQoS, into result: inout ScenarioResult, _ body: () async throws -> Double)
        async throws -> Double
    {
        do {
            return try await body()
        } catch let error as SubscriberMissedMessages {
            result.notes.append("QoS \(qos.rawValue): \(error); measured again")
            return try await body()
        }
    }

    /// Seconds from the first publication to the subscriber holding `count` retained topics,
    /// for a bare libmosquitto loop.
    private func baselineOnce(count: Int) async throws -> Double {
        let prefix = "syncl\(BenchIDs.next())"
        let topics = Shared<Set<String>>([])
        let completedAt = Shared<UInt64>(0)
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/#", qos: .atLeastOnce, id: prefix
        ) { message, now in
            let seen = topics.withLock { set in
                set.insert(message.topic)
                return set.count
            }
            if seen == count { completedAt.withLock { $0 = now } }
        }
        defer { subscriber.stop() }
        try await subscriber.ready()
        let messages = (0..<count).map { index -> (topic: String, payload: [UInt8]) in
            let payload =
                "{\"agent\":\"\(2001 + index % 5000)\",\"queue\":\"q\(index % 200 + 1)\",\"status\":\"not_inuse\","
                + "\"paused\":false,\"since\":\"2026-11-25T14:49:57.517Z\"}"
            return ("\(prefix)/t/\(index)", Array(payload.utf8))
        }
        let publisher = try MosquittoBaseline(host: self.broker.host, port: self.broker.port, id: prefix)
        defer { publisher.stop() }
        try await publisher.ready()
        let start = MonotonicClock.nanoseconds()
        publisher.publish(messages, qos: 1, retain: true)
        try await Self.waitForTopics(
            count, broker: self.broker, prefix: prefix, received: { topics.withLock { $0.count } }
        ) { completedAt.value != 0 }
        return Double(completedAt.value - start) / 1e9
    }

    /// Waits until `done`; when the subscriber stops getting topics short of `expected`, finds
    /// out whether the broker holds them all (then it dropped live messages for the subscriber).
    static func waitForTopics(
        _ expected: Int, broker: MosquittoBroker, prefix: String, stall: Double = 5, received: () -> Int,
        _ done: () -> Bool
    ) async throws {
        do {
            try await waitUntil("all \(expected) retained topics", timeout: 60, stall: stall, progress: received) {
                done()
            }
        } catch {
            let got = received()
            let retained = try await Self.retainedTopics(broker: broker, prefix: prefix)
            guard retained >= expected else {
                throw BenchError.setup("\(error); the broker retains \(retained) of them")
            }
            throw SubscriberMissedMessages(received: got, expected: expected)
        }
    }

    /// The non-empty retained topics under `prefix`, as a fresh subscriber finds them.
    static func retainedTopics(broker: MosquittoBroker, prefix: String) async throws -> Int {
        let topics = Shared<Set<String>>([])
        let subscriber = try BenchSubscriber(
            host: broker.host, port: broker.port, filter: "\(prefix)/#", qos: .atMostOnce,
            id: "\(prefix)c\(BenchIDs.next())"
        ) { message, _ in
            if !message.payload.isEmpty { topics.withLock { _ = $0.insert(message.topic) } }
        }
        defer { subscriber.stop() }
        try await subscriber.ready()
        try? await waitForQuiet(timeout: 10, quiet: 0.5, progress: { topics.withLock { $0.count } }) { false }
        return topics.withLock { $0.count }
    }

    static func expectedTopicCount(port: Int) async throws -> Int {
        let client = RecordingAMIClient(port: port, eventMask: "off", filters: [])
        try await client.start()
        let items = try await client.syncItems()
        await client.stop()
        let state = CallCenterState.snapshot(
            configuration: CallCenterConfiguration(), items: items, at: CallCenterTime(millisecondsSinceEpoch: 0))
        var keys = Set<StateKey>()
        for change in state.fullView {
            if case .set(let key, _) = change { keys.insert(key) }
        }
        return keys.count + 2
    }

    private func syncOnce(port: Int, expected: Int, qos: MQTTQoS) async throws -> Double {
        let prefix = "sync\(BenchIDs.next())"
        let topics = Shared<Set<String>>([])
        let completedAt = Shared<UInt64>(0)
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/#", qos: qos, id: prefix
        ) { message, now in
            let count = topics.withLock { set in
                set.insert(message.topic)
                return set.count
            }
            if count == expected { completedAt.withLock { $0 = now } }
        }
        try await subscriber.ready()
        let rig = try BridgeRig(
            amiPort: port, brokerPort: self.broker.port, prefix: prefix, stateQoS: qos, eventQoS: qos)
        let start = MonotonicClock.nanoseconds()
        try await rig.start()
        do {
            try await Self.waitForTopics(
                expected, broker: self.broker, prefix: prefix, received: { topics.withLock { $0.count } }
            ) { completedAt.value != 0 }
        } catch {
            subscriber.stop()
            await rig.stop()
            throw error
        }
        let seconds = Double(completedAt.value - start) / 1e9
        subscriber.stop()
        await rig.stop()
        return seconds
    }
}

/// A subscriber stopped short of the retained topics while the broker holds them all: the
/// broker dropped live messages for it (a stock mosquitto queues at most 1000 per subscriber).
struct SubscriberMissedMessages: Error, CustomStringConvertible {
    var received: Int
    var expected: Int

    var description: String {
        "the subscriber got \(self.received) of \(self.expected) topics live while the broker retains all: the stock "
            + "broker dropped messages for it (max_queued_messages 1000)"
    }
}
