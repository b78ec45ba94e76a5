import NIOCore

/// When the harvest of a stale-topic sweep ends: the broker has replayed every retained topic
/// the sweep's subscriptions match.
///
/// Mosquitto sends a subscription's SUBACK and then, at once, the retained messages it matches.
/// So the replay has begun once every sweep subscription is acknowledged, and is over once no
/// replayed message has come for `quiet`. A window fixed from the subscribe instead closes early
/// on a slow broker or machine, or with a large retained state (27,069 topics at 5,000 agents,
/// about 108,000 at 20,000), and every topic replayed after it survives as stale.
///
/// A pure value: the machine feeds it the sends, acknowledgements and replayed messages, and
/// asks for a `sweepWindow` timer at `end`, again when that moved on.
struct HarvestWindow: Sendable, Hashable {
    /// How long no replayed message may have come, after the last SUBACK, for the replay to be
    /// over. Mosquitto writes the replay straight after the SUBACK from its store in memory, so
    /// its messages come close together: measured with a libmosquitto subscriber on the 2-core
    /// VM (load about 3), 27,069 retained topics came within 0.09 s of the SUBACK with at most
    /// 1.5 ms between two, 108,000 within 0.33 s with at most 0.2 ms. A gap of 300 ms is a
    /// machine stalled two hundred times longer than that, and an empty or small harvest still
    /// ends well within a second of the SUBACK.
    static let quiet = TimeAmount.milliseconds(300)
    /// The longest a harvest takes from the subscribe: a broker that never acknowledges or a
    /// replay that never pauses ends it here (logged). 10 s is room for a replay of 108,000
    /// topics (20,000 agents) at more than 10,000 messages a second, thirty times the 0.33 s
    /// mosquitto took for them; stale topics are cleared only after the harvest, so a longer
    /// cap would only delay that.
    static let cap = TimeAmount.seconds(10)
    /// The window when a subscription could not be sent now (so no SUBACK will be reported for
    /// it): a fixed time from the subscribe, as before SUBACKs were used.
    static let fallback = TimeAmount.seconds(1)

    /// When the sweep's subscriptions were asked for.
    let subscribed: NIODeadline
    /// Subscriptions whose message id the client has not reported yet.
    private(set) var unreported: Int
    /// Message ids sent and not acknowledged yet.
    private(set) var awaiting: Set<Int32> = []
    /// A subscription went without a message id: the fixed `fallback` window applies.
    private(set) var unacknowledgeable = false
    /// When the last SUBACK came, once every subscription is acknowledged.
    private(set) var acknowledged: NIODeadline?
    /// When the latest replayed message came.
    private(set) var lastReplayed: NIODeadline?

    init(subscriptions: Int, at now: NIODeadline) {
        self.subscribed = now
        self.unreported = subscriptions
    }

    /// Whether `sent` still waits for a message id (the client reports one per subscription).
    var waitsForIDs: Bool { self.unreported > 0 }

    /// A sweep subscription was handed to the client: `mid` is its SUBSCRIBE's id, nil when it
    /// could not be sent now.
    mutating func sent(mid: Int32?) {
        guard self.unreported > 0 else { return }
        self.unreported -= 1
        if let mid {
            self.awaiting.insert(mid)
        } else {
            self.unacknowledgeable = true
        }
    }

    /// A SUBACK for `mid`; returns whether it was one this window waited for. Others (the
    /// client's renewals after a reconnect, other subscriptions) change nothing.
    mutating func acknowledge(mid: Int32, at now: NIODeadline) -> Bool {
        guard self.awaiting.remove(mid) != nil else { return false }
        if self.awaiting.isEmpty, self.unreported == 0 {
            self.acknowledged = now
        }
        return true
    }

    /// A replayed (retained) message on the sweep's topics came.
    mutating func replayed(at now: NIODeadline) {
        self.lastReplayed = now
    }

    /// When the harvest ends as things stand: the quiet period after the last SUBACK and the
    /// last replayed message, the fixed fallback, or the cap, whichever comes first.
    var end: NIODeadline {
        let cap = self.subscribed + Self.cap
        if self.unacknowledgeable {
            return min(self.subscribed + Self.fallback, cap)
        }
        guard let acknowledged = self.acknowledged else { return cap }
        return min(max(acknowledged, self.lastReplayed ?? acknowledged) + Self.quiet, cap)
    }

    /// Whether the cap, not the end of the replay, ends the harvest at `now`.
    func cappedAt(_ now: NIODeadline) -> Bool {
        guard !self.unacknowledgeable, now >= self.subscribed + Self.cap else { return false }
        guard let acknowledged = self.acknowledged else { return true }
        return max(acknowledged, self.lastReplayed ?? acknowledged) + Self.quiet > self.subscribed + Self.cap
    }
}
