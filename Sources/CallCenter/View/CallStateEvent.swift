/// One step of a call (Creatio's call model): `{p}/call/{linkedid}/event`.
public struct CallStateEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Name: String, Sendable, Hashable, CaseIterable, Codable {
        case ringStarted
        case ringFinished
        case commutationStarted
        case putHold
        case endHold
        case transferred
        case finished
    }

    public var event: Name
    /// When it happened (the model's clock: when the bridge read the event).
    public var at: CallCenterTime
    /// Why a ring or the call ended: `answered`, `answeredElsewhere`, `noAnswer`,
    /// `abandoned`, `left` for a ring or an unanswered call; `agent`, `caller`, `transfer`
    /// (AgentComplete's reason) for an answered one. Nil for the other events.
    public var cause: String?
    public var call: CallValue

    public init(event: Name, at: CallCenterTime, cause: String?, call: CallValue) {
        self.event = event
        self.at = at
        self.cause = cause
        self.call = call
    }
}
