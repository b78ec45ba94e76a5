/// The timers the bridge's state machine asks its shell for, one identity each.
///
/// Every wait of the bridge is one of these or an event a client reports: nothing polls.
public enum BridgeTimer: Sendable, Hashable {
    /// Retry a state-list fetch that failed, for the AMI connection of `generation`.
    case syncRetry(generation: Int)
    /// End of the window in which the broker replays an earlier run's retained topics (see
    /// `HarvestWindow`): when it fires, the machine ends the harvest or asks for it again at
    /// the window's end as it stands now.
    case sweepWindow
    /// An originate accepted by Asterisk whose `OriginateResponse` is overdue.
    case originateTimeout(CommandToken)
    /// A park that Asterisk confirmed but whose `ParkedCall` (with the space) has not come.
    case parkGrace(CommandToken)
    /// Shutdown: the longest in-flight commands may still take.
    case commandsGrace
    /// Reload or shutdown: the longest the outgoing MQTT queue may take to empty.
    case mqttDrain
    /// A back-pressure episode ends (one summary line) only once no state waited for this long:
    /// a flood that fills the window again and again is one episode, not one per refill.
    case backPressureQuiet
    /// After a reconnect, the longest the republish waits for publications resent from before
    /// it to be acknowledged: a steady flood of events may never let the queue empty.
    case republishWait
    /// The wrap-up of `agent` in `queue` is over: unpause.
    case wrapUpEnd(agent: String, queue: String)
    /// Active/standby: the end of a starting instance's look for an active one.
    case failoverWindow
}
