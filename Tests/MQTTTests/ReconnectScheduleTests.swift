import MQTT
import PBXTestSupport
import Testing

/// The reconnect schedule, computed purely: no broker, no clock.
struct ReconnectScheduleTests {
    /// Attempts the schedule makes while an outage of `seconds` lasts.
    static func attempts(in seconds: Double, _ schedule: inout ReconnectSchedule, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        var elapsed = 0.0
        var times: [Double] = []
        while true {
            elapsed += Self.seconds(schedule.nextDelay(using: &random))
            guard elapsed <= seconds else { return times }
            times.append(elapsed)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Should try again within ~100 ms of a loss, and make at most 20 attempts in a 60 s
    /// outage whatever the jitter draws (no reconnect storm).
    @Test(arguments: [0, 1, 2, 3, 42] as [UInt64])
    func sixtySecondOutageMakesAtMostTwentyAttempts(seed: UInt64) {
        var schedule = ReconnectSchedule()
        var random = SeededGenerator(seed: seed)
        let first = Self.seconds(schedule.nextDelay(using: &random))
        #expect(first >= 0.1 && first <= 0.15)
        var fresh = ReconnectSchedule()
        let times = Self.attempts(in: 60, &fresh, seed: seed)
        #expect(times.count <= 20, "attempts at \(times)")
        #expect(times.count >= 15, "too timid: \(times)")
        // Without jitter (every delay at its shortest) the bound still holds.
        var exact = ReconnectSchedule(jitter: 0)
        #expect(Self.attempts(in: 60, &exact, seed: seed).count <= 20)
    }

    /// Should grow the delay exponentially up to the cap, never beyond it plus its jitter.
    @Test func delaysGrowToTheCap() {
        var schedule = ReconnectSchedule(jitter: 0)
        var random = SeededGenerator(seed: 7)
        let delays = (0..<20).map { _ in Self.seconds(schedule.nextDelay(using: &random)) }
        #expect(abs(delays[0] - 0.1) < 1e-9)
        #expect(abs(delays[1] - 0.15) < 1e-9)
        for (earlier, later) in zip(delays, delays.dropFirst()) {
            #expect(later >= earlier)
        }
        #expect(delays.last == 5)
        var jittered = ReconnectSchedule()
        let stretched = (0..<40).map { _ in Self.seconds(jittered.nextDelay(using: &random)) }
        #expect(stretched.allSatisfy { $0 <= 5 * 1.2 + 1e-9 })
        #expect(Set(stretched.suffix(10)).count > 1, "jitter should spread the capped delays")
    }

    /// Should start over after a connection that lasted, and keep backing off after one that
    /// dropped at once (a flapping broker must not get a storm).
    @Test func aLastingConnectionResetsTheSchedule() {
        var schedule = ReconnectSchedule(jitter: 0)
        var random = SeededGenerator(seed: 1)
        for _ in 0..<6 { _ = schedule.nextDelay(using: &random) }
        schedule.connectionEnded(after: .milliseconds(300))
        #expect(schedule.attempts == 6)
        #expect(Self.seconds(schedule.nextDelay(using: &random)) > 0.7)
        schedule.connectionEnded(after: .seconds(5))
        #expect(schedule.attempts == 0)
        #expect(abs(Self.seconds(schedule.nextDelay(using: &random)) - 0.1) < 1e-9)
    }
}
