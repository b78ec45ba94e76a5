/// Whether applying an event still has to count it in its queue's statistics.
///
/// app_queue's counters (completed, abandoned, the calls within the service level) and its
/// running averages (hold and talk time) move as a call connects, completes or is abandoned,
/// and a `QueueStatus` list reports them as they stand. An event that reached the bridge
/// before that list's answer is already counted in it: Asterisk writes a session's events and
/// its answers in the order they happened. Replaying such an event onto the snapshot must
/// still move the call model and publish its one-off events, but must not count it twice.
public enum QueueStatisticsCounting: Sendable, Hashable {
    /// The event is newer than every statistic the model holds: count it.
    case count
    /// A `QueueStatus` list answered after the event already counts it.
    case alreadyCounted
}
