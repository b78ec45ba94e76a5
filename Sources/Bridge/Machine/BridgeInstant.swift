import CallCenter
import NIOCore

/// A moment as the bridge's state machine sees it.
///
/// The machine never reads a clock: every input carries the moment it happened, so a test can
/// replay a transcript at any pace and get the same actions.
public struct BridgeInstant: Sendable, Hashable {
    /// The wall clock, stamped on published state (`since`) and fed to the model.
    public var wall: CallCenterTime
    /// A monotonic clock, for timers and durations.
    public var uptime: NIODeadline

    public init(wall: CallCenterTime, uptime: NIODeadline) {
        self.wall = wall
        self.uptime = uptime
    }

    /// `amount` later on both clocks.
    public func advanced(by amount: TimeAmount) -> BridgeInstant {
        BridgeInstant(
            wall: CallCenterTime(
                millisecondsSinceEpoch: self.wall.millisecondsSinceEpoch + amount.nanoseconds / 1_000_000),
            uptime: self.uptime + amount
        )
    }
}
