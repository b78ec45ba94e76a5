import AMI

/// How a validated command is carried out: the AMI actions to send and how their answers
/// become the reply. Made by `CommandPlanner` from the command and the model, before any
/// action is sent, so a command that cannot be carried out is refused whole.
public enum CommandPlan: Sendable, Equatable {
    /// Answer at once with `data`, no AMI action (`queue/status`).
    case answer(JSONValue?)
    /// Fetch the state lists and answer with the number of changed topics (`bridge/resync`).
    case resync
    /// One action; the reply is `ok` with `data`, or Asterisk's error.
    case single(AMIAction, data: JSONValue?)
    /// One action per queue, all sent at once; the reply lists each queue's result.
    case perQueue([QueueStep])
    /// An async `Originate`: `accepted` when Asterisk queued it, then `ok`/`failed` from its
    /// `OriginateResponse`, or `timeout` after `waitSeconds`.
    case originate(AMIAction, waitSeconds: Double)
    /// A `Park` of `channel`; the reply names the parking space from Asterisk's `ParkedCall`.
    case park(AMIAction, channel: String)

    public struct QueueStep: Sendable, Hashable {
        public var queue: String
        public var action: AMIAction
    }

    /// How many AMI actions the plan sends first.
    var actions: [AMIAction] {
        switch self {
        case .answer, .resync: []
        case .single(let action, _), .originate(let action, _), .park(let action, _): [action]
        case .perQueue(let steps): steps.map(\.action)
        }
    }
}
