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
            let seconds = try await self.syncOnce(port: simulator.port, expected: expected, qos: qos)
            let ms = seconds * 1000
            if qos == .atLeastOnce {
                result.add(Metric("QoS 1 start to last topic", ms, "ms", goal: "< 500 ms", met: ms < 500))
            } else {
                result.add(Metric("QoS 0 start to last topic", ms, "ms"))
            }
        }
        result.notes.append(
            "\(self.sizes.syncAgents) agents in \(self.sizes.syncQueues) queues (simulator .generated), "
                + "subscriber on {p}/# at the same QoS as the bridge's state topics")
        try await simulator.shutdown()
        return result
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
        try await waitUntil(
            "all \(expected) retained topics", timeout: 60, stall: 5, progress: { topics.withLock { $0.count } }
        ) {
            completedAt.value != 0
        }
        let seconds = Double(completedAt.value - start) / 1e9
        subscriber.stop()
        await rig.stop()
        return seconds
    }
}
