import LocalMosquitto

/// Capacity (issue 17): the largest call center one bridge serves within the latency goal
/// (p50 < 0.3 ms, p99 < 1 ms, nothing lost), and N bridges — one per Asterisk, as a
/// multi-site installation runs them — publishing into one broker.
///
/// Both feed the same paced mix (half `AgentCalled`, half `ExtensionStatus` toggles, so the
/// event and the retained-state paths both count) and time it from just before the simulator
/// is handed each event to the subscriber receiving its message. One bridge: call centers of
/// growing size, each at growing rates until the goal is first missed. N bridges: sites of a
/// fixed size at a fixed rate each, added until N reaches the largest count.
struct CapacityScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "capacity", title: "Capacity")
        let goal = "p50 < 0.3 ms, p99 < 1 ms"
        let capacity = self.sizes.capacity
        var largest: (agents: Int, queues: Int, rate: Int)?
        var largestKeptUp: (agents: Int, queues: Int, rate: Int)?
        for (agents, queues) in capacity.callCenters {
            let run = BenchIDs.next()
            var probe = try await CapacityProbe(broker: self.broker, run: run)
            let site = try await CapacitySite.start(
                index: 0, run: run, agents: agents, queues: queues, brokerPort: self.broker.port)
            try await probe.received(syncOf: site)
            var within = 0
            var keptUp = 0
            var previous = 0
            // Up the rates until the bridge no longer keeps up (p50 or a lost message): a p99
            // over the goal alone may be the machine's noise, so the ramp goes on past it.
            for rate in capacity.rates {
                let summary = try await probe.measure([site], rate: rate, seconds: capacity.seconds)
                Self.report("1 bridge, \(agents) agents / \(queues) queues, \(Self.rate(rate))", summary, into: &result)
                guard summary.meetsMedianGoal else { break }
                keptUp = rate
                // Within the goal counts only while every lower rate was too.
                if summary.meetsGoal, within == previous { within = rate }
                previous = rate
            }
            let label = "1 bridge, \(agents) agents / \(queues) queues"
            result.add(
                Metric("\(label): highest rate within the goal", Double(within), "ev/s", goal: goal, met: within > 0))
            result.add(Metric("\(label): highest rate with p50 < 0.3 ms, nothing lost", Double(keptUp), "ev/s"))
            if within > 0 { largest = (agents, queues, within) }
            if keptUp > 0 { largestKeptUp = (agents, queues, keptUp) }
            await site.stop()
            probe.stop()
        }
        for (name, best) in [("within the goal", largest), ("with p50 < 0.3 ms, nothing lost", largestKeptUp)] {
            result.add(
                Metric(
                    "largest call center one bridge serves \(name): agents", Double(best?.agents ?? 0), "agents"))
            result.add(Metric("  its queues", Double(best?.queues ?? 0), "queues"))
            result.add(Metric("  at", Double(best?.rate ?? 0), "ev/s"))
        }

        let run = BenchIDs.next()
        var probe = try await CapacityProbe(broker: self.broker, run: run)
        var sites: [CapacitySite] = []
        var most = 0
        var mostKeptUp = 0
        var previousCount = 0
        for count in capacity.bridgeCounts {
            while sites.count < count {
                let site = try await CapacitySite.start(
                    index: sites.count, run: run, agents: capacity.siteAgents, queues: capacity.siteQueues,
                    brokerPort: self.broker.port)
                try await probe.received(syncOf: site)
                sites.append(site)
            }
            let rate = capacity.siteRate * count
            let summary = try await probe.measure(sites, rate: rate, seconds: capacity.seconds)
            Self.report(
                "\(count) bridges × \(capacity.siteAgents) agents, \(Self.rate(rate)) in all", summary, into: &result)
            if summary.meetsGoal, most == previousCount { most = count }
            if summary.meetsMedianGoal, mostKeptUp == previousCount { mostKeptUp = count }
            previousCount = count
        }
        result.add(
            Metric(
                "most bridges into one broker within the goal (\(Self.rate(capacity.siteRate)) each)", Double(most),
                "bridges", goal: goal, met: most > 0))
        result.add(
            Metric(
                "most bridges into one broker with p50 < 0.3 ms, nothing lost (\(Self.rate(capacity.siteRate)) each)",
                Double(mostKeptUp), "bridges"))
        for site in sites { await site.stop() }
        probe.stop()

        result.notes.append(
            "paced mix, half AgentCalled (event topic) and half ExtensionStatus toggles (retained state topic), "
                + "QoS 1, for \(capacity.seconds) s per step; one bridge: rates \(capacity.rates.map(Self.rate)) "
                + "until the goal is first missed; N bridges: \(capacity.siteAgents) agents / \(capacity.siteQueues) "
                + "queues and \(Self.rate(capacity.siteRate)) per site, each its own simulator and prefix, one "
                + "broker (stock settings), everything but the broker in this process")
        return result
    }

    static func rate(_ rate: Int) -> String {
        rate % 1000 == 0 ? "\(rate / 1000)k ev/s" : "\(rate) ev/s"
    }

    static func report(_ label: String, _ summary: LatencySummary, into result: inout ScenarioResult) {
        result.add(Metric("\(label): achieved rate", summary.achievedRate, "ev/s"))
        result.add(Metric("\(label): p50", summary.p50, "ms", goal: "< 0.3 ms", met: summary.p50 < 0.3))
        result.add(Metric("\(label): p99", summary.p99, "ms", goal: "< 1 ms", met: summary.p99 < 1))
        if summary.missing > 0 {
            result.add(Metric("\(label): missing", Double(summary.missing), "msg", goal: "0", met: false))
        }
    }
}
