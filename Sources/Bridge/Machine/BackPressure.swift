import NIOCore

/// One episode of a full MQTT client queue (or state window), from the first refused
/// publication until the deferred state has gone out and stayed clear for
/// `BridgeStateMachine.backPressureQuiet`: logged once at its start and once at its end, with counts.
struct BackPressure: Sendable, Hashable {
    var started: NIODeadline
    /// State publications that waited (each value, before coalescing).
    var deferred = 0
    /// Event and reply publications lost.
    var dropped = 0
    /// When the waiting state last all went out; the episode ends after a quiet period from
    /// here, unless state has to wait again first (then nil).
    var clearedAt: NIODeadline?
}
