import PBXCore
import Testing

@Suite struct BackoffTests {
    /// Should double from the initial delay up to the cap, as both clients expect.
    @Test func growsToItsCap() {
        let amiSeconds = (1...9).map { Backoff.delay(attempt: $0, initial: 0.5, factor: 2, maximum: 30) }
        #expect(amiSeconds == [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        let mqttSeconds = (1...7).map { Backoff.delay(attempt: $0, initial: 1, factor: 2, maximum: 30) }
        #expect(mqttSeconds == [1, 2, 4, 8, 16, 30, 30])
    }

    /// Should move the delay by the jitter fraction, clamp the jitter and never pass the cap.
    @Test func jitterStaysWithinBounds() {
        #expect(
            Backoff.delay(attempt: 1, initial: 500, factor: 2, maximum: 30_000, jitterFraction: 0.1, jitter: 1) == 550)
        #expect(
            Backoff.delay(attempt: 1, initial: 500, factor: 2, maximum: 30_000, jitterFraction: 0.1, jitter: -1) == 450)
        #expect(
            Backoff.delay(attempt: 3, initial: 500, factor: 2, maximum: 30_000, jitterFraction: 0.1, jitter: 5) == 2200)
        #expect(
            Backoff.delay(attempt: 100, initial: 500, factor: 2, maximum: 30_000, jitterFraction: 0.1, jitter: 1)
                == 30_000)
    }

    /// Should treat nonsense inputs as their nearest sensible value instead of trapping.
    @Test func degenerateInputs() {
        #expect(Backoff.delay(attempt: 0, initial: 1, factor: 2, maximum: 30) == 1)
        #expect(Backoff.delay(attempt: Int.max, initial: 1, factor: 2, maximum: 30) == 30)
        #expect(Backoff.delay(attempt: 5, initial: 1, factor: 0.5, maximum: 30) == 1)
        #expect(Backoff.delay(attempt: 1, initial: 60, factor: 2, maximum: 30) == 30)
        #expect(Backoff.delay(attempt: 3, initial: -1, factor: 2, maximum: 30) == 0)
    }
}
