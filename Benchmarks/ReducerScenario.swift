import AMI
import CallCenter

/// 7. The reducer alone: `CallCenterState.apply` over the recorded simulator traffic, on a
/// model seeded with the full call center's initial state, without any I/O.
struct ReducerScenario {
    let sizes: BenchSizes
    let traffic: RecordedTraffic

    func run() -> ScenarioResult {
        var result = ScenarioResult(id: "reducer", title: "Reducer")
        let seed = CallCenterState.snapshot(
            configuration: CallCenterConfiguration(), items: self.traffic.syncItems,
            at: CallCenterTime(millisecondsSinceEpoch: 1_795_618_000_000))
        for (label, events) in [("bridge mix", self.traffic.bridgeView), ("unfiltered mix", self.traffic.everything)] {
            guard !events.isEmpty else { continue }
            var best = Double.infinity
            var changes = 0
            for _ in 0..<max(self.sizes.reducerPasses, 1) {
                var state = seed
                var time = CallCenterTime(millisecondsSinceEpoch: 1_795_618_000_000)
                changes = 0
                let start = MonotonicClock.nanoseconds()
                for event in events {
                    time = CallCenterTime(millisecondsSinceEpoch: time.millisecondsSinceEpoch + 1)
                    changes += state.apply(event, at: time).count
                }
                best = min(best, MonotonicClock.seconds(since: start))
            }
            result.add(Metric("\(label) (\(events.count) events)", Double(events.count) / best, "ev/s"))
            result.add(Metric("\(label) changes per event", Double(changes) / Double(events.count), ""))
        }
        result.notes.append(
            "best of \(self.sizes.reducerPasses) passes from a model seeded with \(self.sizes.agents) agents "
                + "(the traffic scenario's QueueStatus/QueueSummary/ExtensionStateList/CoreShowChannels)")
        return result
    }
}
