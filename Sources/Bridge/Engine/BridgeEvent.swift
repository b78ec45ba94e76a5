/// The AMI events the bridge needs besides the model's ``CallCenter/ModelEvent``s, declared
/// once: ``AMIEventFilter`` asks Asterisk for these plus the model's streamed events.
public enum BridgeEvent: String, CaseIterable, Sendable {
    /// Answers an async `Originate` (by ActionID): the command's `ok` or `failed` reply.
    case originateResponse = "OriginateResponse"
    /// Names the space a `park` command's call went to, for its reply.
    case parkedCall = "ParkedCall"
    /// Asterisk going down: the AMI client logs it before the connection closes, so the log
    /// tells a restart from a network failure.
    case shutdown = "Shutdown"

    /// Which occurrences of an event the bridge needs, so that a filter can drop the rest.
    public enum Scope: Sendable, Hashable {
        /// Every one.
        case every
        /// Only those answering this client's own actions (their ActionID begins with
        /// `AMIClient.actionIDPrefix`).
        case ownActions
    }

    /// Which occurrences of this event the bridge needs: Asterisk sends the OriginateResponse
    /// of any manager user's Originate to every session, and only ours answer a command.
    public var scope: Scope {
        switch self {
        case .originateResponse: .ownActions
        case .parkedCall, .shutdown: .every
        }
    }
}
