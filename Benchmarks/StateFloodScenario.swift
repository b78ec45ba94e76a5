import AMI
import AMISimulator
import LocalMosquitto
import MQTT

/// 7. State flood: `ExtensionStatus` toggles over every agent's hint, as fast as the simulator
/// writes them. The figure is the time from the first event written to the subscriber holding
/// the final value of every `extensionStatus` topic; the limit is a bare libmosquitto loop
/// publishing as many retained messages (same topics, QoS and protocol) to the same broker and
/// subscriber. The bridge may coalesce (newest value per topic), so it can get there first;
/// the subscriber checks that every topic ends on the last value written and that no value
/// ever came after a newer one.
struct StateFloodScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    /// What one run measured; `failure` says why a run did not get there (its seconds are then 0).
    struct Outcome {
        var seconds: Double
        var messages: Int
        var regressions: Int
        var logLines: [String] = []
        var failure: String?
        /// Topics the subscriber ended without the last value written (the limit only: for the
        /// bridge that is a failure).
        var stale = 0

        static func failed(_ error: any Error) -> Outcome {
            Outcome(seconds: 0, messages: 0, regressions: 0, failure: "\(error)")
        }
    }

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "flood", title: "State flood")
        for (agents, count) in self.sizes.floodRuns {
            let simulator = try await AMISimulator.start(
                configuration: SimulatorConfiguration(
                    callCenter: .generated(agents: agents, queues: max(1, agents / 25))),
                logger: BenchLog.quiet)
            do {
                try await self.measure(agents: agents, count: count, simulator: simulator, into: &result)
            } catch {
                try? await simulator.shutdown()
                throw error
            }
            try await simulator.shutdown()
        }
        result.notes.append(
            "ExtensionStatus toggles (not_inuse/inuse) cycling over every agent's hint, written by AMISimulator.firehose; "
                + "the bridge as the daemon runs it (mqtt.maxQueued 10,000); subscriber on {p}/agent/+/extensionStatus "
                + "at the same QoS; the limit publishes the same count of retained messages on the same topics through "
                + "libmosquitto's C API (its time: until the subscriber holds the final values, or, when the stock "
                + "broker dropped messages for the subscriber (over 1000 queued), until its last message arrived); "
                + "ratio = limit time / bridge time, goal met only if every round meets it; "
                + "\(self.sizes.floodRounds) rounds, bridge and limit alternating")
        return result
    }

    private func measure(agents: Int, count: Int, simulator: AMISimulator, into result: inout ScenarioResult)
        async throws
    {
        let label = "\(agents) agents, \(Self.short(count)) events"
        for qos in [MQTTQoS.atLeastOnce, .atMostOnce] {
            var bridge: [Outcome] = []
            var limit: [Outcome] = []
            let name = "\(label), QoS \(qos.rawValue)"
            for round in 1...self.sizes.floodRounds {
                let ours: Outcome
                do {
                    ours = try await self.bridgeRun(simulator: simulator, agents: agents, count: count, qos: qos)
                } catch {
                    ours = .failed(error)
                }
                let theirs: Outcome
                do {
                    theirs = try await self.baselineRun(agents: agents, count: count, qos: qos)
                } catch {
                    theirs = .failed(error)
                }
                BenchCommand.log(
                    "flood \(name) round \(round): bridge \(ours.failure ?? Metric.fixed(ours.seconds, 3) + " s"), "
                        + "limit \(theirs.failure ?? Metric.fixed(theirs.seconds, 3) + " s")")
                for (who, outcome) in [("bridge", ours), ("limit", theirs)] {
                    if let failure = outcome.failure {
                        result.notes.append("\(name) round \(round): the \(who) failed: \(failure)")
                    }
                }
                bridge.append(ours)
                limit.append(theirs)
            }
            // A failed bridge round counts as 0, a failed limit round as unbounded: neither hides.
            let ratios = zip(bridge, limit).map { ours, theirs -> Double in
                if ours.failure != nil { return 0 }
                if theirs.failure != nil { return .infinity }
                return theirs.seconds / ours.seconds
            }
            let goal = qos == .atLeastOnce ? 1.0 : 0.8
            let worst = ratios.min() ?? 0
            result.add(
                Metric("\(name): bridge", Self.median(bridge.map(\.seconds)), "s", rounds: bridge.map(\.seconds)))
            result.add(
                Metric(
                    "\(name): libmosquitto limit", Self.median(limit.map(\.seconds)), "s", rounds: limit.map(\.seconds))
            )
            result.add(
                Metric(
                    "\(name): limit / bridge (worst round)", worst, "x", goal: ">= \(Metric.fixed(goal, 1))x",
                    met: worst >= goal, rounds: ratios))
            let delivered = bridge.map { Double($0.messages) }
            result.add(Metric("\(name): messages the bridge sent", Self.median(delivered), "msg", rounds: delivered))
            let stale = limit.map { Double($0.stale) }
            if stale.contains(where: { $0 > 0 }) {
                result.add(
                    Metric(
                        "\(name): topics the limit left stale at the subscriber", Self.median(stale), "topics",
                        rounds: stale))
            }
            let regressions = bridge.map(\.regressions).reduce(0, +) + limit.map(\.regressions).reduce(0, +)
            if regressions > 0 {
                result.add(Metric("\(name): older value after a newer one", Double(regressions), "msg"))
            }
            let lines = bridge.map { Double($0.logLines.count) }
            let most = lines.max() ?? 0
            result.add(
                Metric(
                    "\(name): bridge log lines during the flood", most, "lines", goal: "<= 2", met: most <= 2,
                    rounds: lines))
            if let last = bridge.last, !last.logLines.isEmpty {
                result.notes.append("\(name), last round's log: " + last.logLines.joined(separator: " | "))
            }
        }
    }

    // MARK: Runs

    private func bridgeRun(simulator: AMISimulator, agents: Int, count: Int, qos: MQTTQoS) async throws -> Outcome {
        let prefix = "fl\(qos.rawValue)x\(BenchIDs.next())"
        let tracker = FinalStateTracker()
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/extensionStatus", qos: qos,
            id: prefix
        ) { message, now in tracker.record(message, at: now) }
        defer { subscriber.stop() }
        try await subscriber.ready()
        let lines = LogLines()
        let rig = try BridgeRig(
            amiPort: simulator.port, brokerPort: self.broker.port, prefix: prefix, stateQoS: qos, eventQoS: qos,
            logger: lines.logger(label: "bench.flood"))
        try await rig.start()
        try await rig.ready()
        // The synced values reach the subscriber before the flood starts.
        try await waitUntil("the synced extension states", timeout: 30, stall: 5, progress: { tracker.messages }) {
            tracker.messages >= agents
        }
        // A back-pressure episode of the sync (its burst can fill the state window) ends after
        // its quiet period: its lines are not the flood's.
        try? await Self.episodeOver(lines)
        tracker.reset()
        lines.removeAll()
        let expected = Self.finalValues(prefix: prefix, agents: agents, count: count)
        let start = MonotonicClock.nanoseconds()
        try await simulator.firehose(Self.toggles(agents: agents), count: count)
        let end: UInt64
        do {
            end = try await Self.finalState(tracker, expected: expected)
        } catch {
            throw BenchError.setup(
                "\(error); \(try await self.retainedDiagnosis(prefix: prefix, expected: expected))")
        }
        // A back-pressure episode's summary comes once the queue has stayed clear for a moment.
        try? await Self.episodeOver(lines)
        let outcome = Outcome(
            seconds: Double(end - start) / 1e9, messages: tracker.messages, regressions: tracker.regressions,
            logLines: lines.all)
        await rig.stop()
        return outcome
    }

    private func baselineRun(agents: Int, count: Int, qos: MQTTQoS) async throws -> Outcome {
        let prefix = "fb\(qos.rawValue)x\(BenchIDs.next())"
        let tracker = FinalStateTracker()
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/extensionStatus", qos: qos,
            id: prefix
        ) { message, now in tracker.record(message, at: now) }
        defer { subscriber.stop() }
        try await subscriber.ready()
        let topics = (0..<agents).map { "\(prefix)/agent/\(EventTemplates.agent($0))/extensionStatus" }
        let messages = (0..<count).map { index -> (topic: String, payload: [UInt8]) in
            let agent = index % agents
            let status = index % (2 * agents) >= agents ? "inuse" : "not_inuse"
            let since = String(index)
            let padded = String(repeating: "0", count: max(0, 10 - since.count)) + since
            let payload =
                "{\"agent\":\"\(EventTemplates.agent(agent))\",\"status\":\"\(status)\",\"since\":\"\(padded)\"}"
            return (topics[agent], Array(payload.utf8))
        }
        let expected = Self.finalValues(prefix: prefix, agents: agents, count: count)
        let publisher = try MosquittoBaseline(host: self.broker.host, port: self.broker.port, id: prefix)
        defer { publisher.stop() }
        try await publisher.ready()
        let start = MonotonicClock.nanoseconds()
        publisher.publish(messages, qos: Int32(qos.rawValue), retain: true)
        // A stock broker drops messages for a subscriber more than 1000 behind: then the loop's
        // figure is when its last message arrived, and the topics it left stale are counted.
        let end = try await Self.finalState(tracker, expected: expected, tolerateLoss: true)
        return Outcome(
            seconds: Double(end - start) / 1e9, messages: tracker.messages, regressions: tracker.regressions,
            stale: expected.count - tracker.holding(expected))
    }

    /// After a run that did not end on the final values: does the broker's retained store hold
    /// them (then the subscriber missed live messages: a stock broker drops them when more than
    /// 1000 wait for one subscriber) or not (then the publisher never sent them)? Asked at QoS 0:
    /// at QoS 1 the stock broker replays only ~1000 retained messages to a new subscriber too.
    private func retainedDiagnosis(prefix: String, expected: [String: [UInt8]]) async throws -> String {
        let tracker = FinalStateTracker()
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/agent/+/extensionStatus",
            qos: .atMostOnce, id: "\(prefix)d"
        ) { message, now in tracker.record(message, at: now) }
        defer { subscriber.stop() }
        try await subscriber.ready()
        try? await waitUntil("retained values", timeout: 2) { tracker.messages >= expected.count }
        return "the broker retains the final value of \(tracker.holding(expected)) of \(expected.count) topics"
    }

    /// Waits (up to 3 s) until a back-pressure episode the lines opened has its summary line.
    static func episodeOver(_ lines: LogLines) async throws {
        try await waitUntil("the back-pressure summary", timeout: 3) {
            let all = lines.all
            return !all.contains { $0.contains("queue full") } || all.contains { $0.contains("drained") }
        }
    }

    // MARK: The flood

    /// Every agent not in use, then every agent in use: the firehose cycles through it.
    static func toggles(agents: Int) -> [AMIMessage] {
        (0..<agents).map { EventTemplates.extensionStatus(agent: $0, inUse: false) }
            + (0..<agents).map { EventTemplates.extensionStatus(agent: $0, inUse: true) }
    }

    /// Topic → `"status":"…"` of the last toggle written for it, when `count` events cycle
    /// through `toggles(agents:)`.
    static func finalValues(prefix: String, agents: Int, count: Int) -> [String: [UInt8]] {
        var finals: [String: [UInt8]] = [:]
        for agent in 0..<min(agents, count) {
            let last = agent + agents * ((count - 1 - agent) / agents)
            let status = last % (2 * agents) >= agents ? "inuse" : "not_inuse"
            finals["\(prefix)/agent/\(EventTemplates.agent(agent))/extensionStatus"] = Array(
                "\"status\":\"\(status)\"".utf8)
        }
        return finals
    }

    /// Waits until every topic holds its final value and nothing more arrived for a moment,
    /// then returns when the last of those values arrived. `tolerateLoss`: a second of quiet
    /// ends the wait even if some topics never got their final value (then: the last arrival).
    static func finalState(_ tracker: FinalStateTracker, expected: [String: [UInt8]], tolerateLoss: Bool = false)
        async throws -> UInt64
    {
        let quiet: UInt64 = 300_000_000
        var lastProgress = tracker.messages
        var lastChange = MonotonicClock.nanoseconds()
        while true {
            try await Task.sleep(for: .milliseconds(5))
            let now = MonotonicClock.nanoseconds()
            let messages = tracker.messages
            if messages != lastProgress {
                lastProgress = messages
                lastChange = now
                continue
            }
            guard now - max(lastChange, tracker.latest) > quiet else { continue }
            let holding = tracker.holding(expected)
            if holding == expected.count {
                return tracker.lastArrival(of: expected.keys)
            }
            if tolerateLoss, now - max(lastChange, tracker.latest) > 1_000_000_000 {
                return tracker.latest
            }
            if now - lastChange > 10_000_000_000 {
                throw BenchError.timeout(
                    "final values: \(holding) of \(expected.count) topics hold the last value written "
                        + "after \(messages) messages")
            }
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func short(_ count: Int) -> String {
        count >= 1_000_000 && count % 1_000_000 == 0
            ? "\(count / 1_000_000)M" : count >= 1000 && count % 1000 == 0 ? "\(count / 1000)k" : "\(count)"
    }
}
