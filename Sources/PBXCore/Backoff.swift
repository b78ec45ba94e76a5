/// Capped exponential backoff with jitter: the one reconnect-delay rule of the AMI and MQTT
/// clients, so both sides of the bridge back off alike and a fix to the rule reaches both.
package enum Backoff {
    /// The delay before retrying after the `attempt`-th consecutive failure (1-based):
    /// `initial * factor^(attempt-1)`, capped at `maximum`, then scaled by
    /// `1 + jitterFraction * jitter` and capped again, so it never exceeds `maximum`.
    ///
    /// Unit-free: the result is in the unit of `initial` and `maximum` (the AMI client counts
    /// nanoseconds, the MQTT client whole seconds), so no conversion rounds a value that the
    /// caller's unit holds exactly. With 0.5, ×2, 30 and no jitter: 0.5, 1, 2, 4, 8, 16, 30, 30 ….
    /// - Parameters:
    ///   - attempt: how many attempts failed in a row; values below 1 count as 1.
    ///   - factor: growth per attempt; below 1 counts as 1 (the delay never shrinks).
    ///   - jitterFraction: how far jitter may move the delay, 0...1 (clamped); 0.1 = ±10 %.
    ///   - jitter: where in that range this delay falls, -1...1 (clamped), random in production.
    package static func delay(
        attempt: Int,
        initial: Double,
        factor: Double,
        maximum: Double,
        jitterFraction: Double = 0,
        jitter: Double = 0
    ) -> Double {
        let maximum = max(maximum, 0)
        var delay = min(max(initial, 0), maximum)
        // At most 64 growth steps reach any cap; beyond that the value no longer changes.
        for _ in 0..<min(max(attempt, 1) - 1, 64) where delay < maximum {
            delay = min(delay * max(factor, 1), maximum)
        }
        delay *= 1 + min(max(jitterFraction, 0), 1) * min(max(jitter, -1), 1)
        return min(max(delay, 0), maximum)
    }
}
