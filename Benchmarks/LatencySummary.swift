import Histogram

/// The latency figures of one paced run: each event's send time against the arrival of the
/// message it became (0 = never arrived), through an HdrHistogram.
struct LatencySummary: Sendable {
    var p50: Double
    var p99: Double
    var p999: Double
    var max: Double
    var missing: Int
    var achievedRate: Double

    /// The goal every latency figure is held to: p50 < 0.3 ms and p99 < 1 ms, nothing lost.
    var meetsGoal: Bool { self.meetsMedianGoal && self.p99 < 1 }

    /// The typical event within the goal and nothing lost: the bridge keeps up with the rate,
    /// whatever the machine's noise does to the slowest percent.
    var meetsMedianGoal: Bool { self.p50 < 0.3 && self.missing == 0 }

    /// Figures in milliseconds from nanosecond stamps; `elapsed` is the run's seconds.
    init(sent: [UInt64], received: [UInt64], elapsed: Double) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var missing = 0
        for index in sent.indices {
            if index >= received.count || received[index] == 0 || received[index] < sent[index] {
                missing += 1
            } else {
                _ = histogram.record(received[index] - sent[index])
            }
        }
        self.p50 = Double(histogram.valueAtPercentile(50)) / 1e6
        self.p99 = Double(histogram.valueAtPercentile(99)) / 1e6
        self.p999 = Double(histogram.valueAtPercentile(99.9)) / 1e6
        self.max = Double(histogram.max) / 1e6
        self.missing = missing
        self.achievedRate = elapsed > 0 ? Double(sent.count) / elapsed : 0
    }
}
