/// When the client tries the broker again after a connection was lost or could not be made.
///
/// libmosquitto's own reconnect delay counts in whole seconds (the first retry comes a second
/// after the loss and the next ones at 1 s, 4 s, 9 s… after it), so a broker restarted within
/// a second was only reached ~5 s later. This schedule starts at `initial` and grows by
/// `factor` up to `maximum`: short outages (a broker restart) are noticed within a fraction of
/// a second, while a long one costs a bounded number of attempts (the defaults make 19 in a
/// 60 s outage, never a storm). Each delay is stretched by a random part of up to `jitter`
/// (never shortened, so the bound holds), so that many bridges losing one broker do not come
/// back in lockstep. After a connection that stayed up for `resetAfter` the schedule starts
/// over; one that dropped sooner (a flapping broker) does not reset it.
///
/// Refused logins follow the configured seconds-long backoff instead
/// (`MQTTConfiguration.reconnectDelayMinSeconds`): retrying wrong credentials quickly only
/// fills the broker's log.
public struct ReconnectSchedule: Sendable, Hashable {
    public var initial: Duration
    public var factor: Double
    public var maximum: Duration
    /// The largest random stretch of a delay, as a fraction of it (0.2: up to 20 % longer).
    public var jitter: Double
    /// How long a connection must last for the next loss to start the schedule over.
    public var resetAfter: Duration
    /// Attempts since the schedule last started over.
    public private(set) var attempts = 0
    /// The next delay before jitter, in seconds; nil: `initial`.
    private var nominal: Double?

    public init(
        initial: Duration = .milliseconds(100), factor: Double = 1.5, maximum: Duration = .seconds(5),
        jitter: Double = 0.2, resetAfter: Duration = .seconds(5)
    ) {
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
        self.jitter = jitter
        self.resetAfter = resetAfter
    }

    /// The delay before the next attempt (and counts it).
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
        let cap = Self.seconds(self.maximum)
        let nominal = min(self.nominal ?? Self.seconds(self.initial), cap)
        self.nominal = min(nominal * self.factor, cap)
        self.attempts += 1
        let stretch = self.jitter > 0 ? Double.random(in: 0...self.jitter, using: &random) : 0
        return Self.duration(nominal * (1 + stretch))
    }

    /// Called when a connection ends: starts over if it lasted `resetAfter`.
    public mutating func connectionEnded(after lasted: Duration) {
        if lasted >= self.resetAfter {
            self.attempts = 0
            self.nominal = nil
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
