import NIOCore

/// One episode of a full MQTT client queue, from the first refused publication until the
/// deferred state has gone out: logged once at its start and once at its end, with counts.
struct BackPressure: Sendable, Hashable {
    var started: NIODeadline
    /// State publications that waited (each value, before coalescing).
    var deferred = 0
    /// Event and reply publications lost.
    var dropped = 0
}
