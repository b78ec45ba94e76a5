import AMISimulator
import LocalMosquitto
import MQTT

/// 8. Broker restart: the bench's broker is killed with SIGKILL (no persistence: its retained
/// store is gone) and started again on the same port after an outage. The figure runs from
/// the moment the broker accepts TCP connections again to a fresh subscriber on `{p}/#`
/// holding every retained topic of the bridge (the view plus `bridge/state` and `bridge/ami`).
struct RestartScenario {
    let sizes: BenchSizes

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "restart", title: "Broker restart")
        // A broker of its own: the shared one stays up for the other scenarios.
        let broker = try await MosquittoBroker.start(quiet: true)
        defer { broker.stop() }
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.syncAgents, queues: self.sizes.syncQueues)),
            logger: BenchLog.quiet)
        let expected = try await SyncScenario.expectedTopicCount(port: simulator.port)
        let prefix = "rs\(BenchIDs.next())"
        let rig = try BridgeRig(amiPort: simulator.port, brokerPort: broker.port, prefix: prefix)
        try await rig.start()
        try await rig.ready()
        for (index, outage) in self.sizes.restartOutages.enumerated() {
            if index > 0 {
                // A connection that lasted: the reconnect schedule starts over, as after any
                // real outage (`ReconnectSchedule.resetAfter`).
                try await Task.sleep(for: ReconnectSchedule().resetAfter + .milliseconds(500))
            }
            let attemptsBefore = rig.mqtt.reconnectAttempts
            broker.kill9()
            try await Task.sleep(for: .seconds(outage))
            let accepted = try await Self.restart(broker)
            do {
                let seconds = try await Self.fullState(
                    broker: broker, prefix: prefix, expected: expected, since: accepted)
                let ms = seconds * 1000
                result.add(
                    Metric(
                        "\(outage) s outage: accepting → full retained state", ms, "ms", goal: "< 1000 ms",
                        met: ms < 1000))
            } catch let error as SubscriberMissedMessages {
                result.notes.append("\(outage) s outage: \(error)")
                result.add(
                    Metric(
                        "\(outage) s outage: accepting → full retained state", .nan, "ms", goal: "< 1000 ms", met: false
                    ))
            }
            result.add(
                Metric(
                    "\(outage) s outage: bridge's connection attempts",
                    Double(rig.mqtt.reconnectAttempts - attemptsBefore),
                    "attempts"))
        }
        result.notes.append(
            "\(expected) retained topics (\(self.sizes.syncAgents) agents, \(self.sizes.syncQueues) queues, QoS 1); "
                + "mosquitto killed -9 and restarted on the same port; 'accepting' polled every millisecond; "
                + "a fresh subscriber connects as soon as the broker accepts; the schedule's bound (at most 20 attempts "
                + "in a 60 s outage) is a unit test (ReconnectScheduleTests)")
        await rig.stop()
        try await simulator.shutdown()
        return result
    }

    /// Starts the broker again; returns the moment it accepted a TCP connection (polled every
    /// millisecond, finer than `restart()`'s own readiness check).
    static func restart(_ broker: MosquittoBroker) async throws -> UInt64 {
        let port = broker.port
        let watcher = Task.detached { () -> UInt64 in
            while !Task.isCancelled {
                if MosquittoBroker.accepts(port: port) { return MonotonicClock.nanoseconds() }
                try? await Task.sleep(for: .milliseconds(1))
            }
            return 0
        }
        do {
            try await broker.restart()
        } catch {
            watcher.cancel()
            throw error
        }
        return await watcher.value
    }

    /// Seconds from `since` until a new subscriber holds all `expected` retained topics.
    static func fullState(broker: MosquittoBroker, prefix: String, expected: Int, since: UInt64) async throws
        -> Double
    {
        let topics = Shared<Set<String>>([])
        let completedAt = Shared<UInt64>(0)
        let subscriber = try BenchSubscriber(
            host: broker.host, port: broker.port, filter: "\(prefix)/#", qos: .atLeastOnce,
            id: "\(prefix)r\(BenchIDs.next())"
        ) { message, now in
            guard !message.payload.isEmpty else { return }
            let count = topics.withLock { set in
                set.insert(message.topic)
                return set.count
            }
            if count == expected { completedAt.withLock { $0 = now } }
        }
        defer { subscriber.stop() }
        try await SyncScenario.waitForTopics(
            expected, broker: broker, prefix: prefix, stall: 15, received: { topics.withLock { $0.count } }
        ) { completedAt.value != 0 }
        return Double(completedAt.value - since) / 1e9
    }
}
