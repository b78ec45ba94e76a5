/// A call in progress: the channels it owns and what ends it.
///
/// Calls come from Originate or from the traffic generator. Ending a call (timer, Hangup,
/// Redirect to nowhere) hangs up every channel it still owns.
final class SimCall {
    enum Kind {
        /// A caller in a queue (Originate `Local/{exten}@incoming` or generated traffic).
        case queueCaller
        /// A direct call to an agent extension or another dialplan target.
        case direct
    }

    let id: Int
    let kind: Kind
    /// The Local pair of the originated channel (`;1` then `;2`).
    var channels: [SimChannel]
    var queueCaller: SimQueueCaller?
    /// The agent leg that answered, while talking.
    var connected: SimAgentLeg?
    var connectedAt: Double = 0
    var bridgeID = ""
    /// Scheduled end, cancellable.
    var endTimer: Int?
    /// The agent extension whose Custom state this direct call holds INUSE.
    var agentExtension: String?
    var ended = false
    var plan: CallPlan?
    var holdTime = 0
    var talkTimer: Int?
    /// Set once a transfer took the caller away from its agent: the caller now runs the
    /// transfer target, and its hangup is no longer a queue event.
    var transferred = false
    /// The agent leg a Park took the caller from: its AgentComplete (`Reason: caller`)
    /// comes only when the parked caller finally goes (call-features/park-pickup.ami).
    var parkedFrom: SimAgentLeg?
    /// What else ends with this call (a parked call picked up by it).
    var onEnd: ((SimulatorCore) -> Void)?
    /// The caller's `FEATUREMAP(atxfer)` (Originate variables, inherited by the agent leg):
    /// without it `Atxfer` finds no feature code, as in call-features/attended-transfer.ami.
    var atxferCode: String?

    init(id: Int, kind: Kind, channels: [SimChannel]) {
        self.id = id
        self.kind = kind
        self.channels = channels
    }
}

@available(*, unavailable)
extension SimCall: Sendable {}
