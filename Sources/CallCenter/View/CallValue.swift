/// A queue call as subscribers see it: the payload of `{p}/agent/{a}/call` and the body of
/// every `{p}/call/{linkedid}/event`, so a late subscriber sees what an event would have said.
public struct CallValue: Sendable, Hashable, Codable {
    public var linkedID: String
    /// The caller's channel Uniqueid.
    public var uniqueID: String
    public var state: CallState
    public var queue: String
    /// The answering agent, else the agent the value or event is about (a ringing one).
    public var agent: String
    public var caller: CallParty
    public var callee: CallParty
    public var startedAt: CallCenterTime
    public var answeredAt: CallCenterTime?
    /// Since when the call is on hold; nil when it is not.
    public var holdSince: CallCenterTime?
    /// Seconds on hold so far, not counting a hold still running.
    public var holdSeconds: Int
    public var transfer: CallTransfer?
    public var recording: String?

    public init(
        linkedID: String, uniqueID: String, state: CallState, queue: String, agent: String, caller: CallParty,
        callee: CallParty, startedAt: CallCenterTime, answeredAt: CallCenterTime?, holdSince: CallCenterTime?,
        holdSeconds: Int, transfer: CallTransfer?, recording: String?
    ) {
        self.linkedID = linkedID
        self.uniqueID = uniqueID
        self.state = state
        self.queue = queue
        self.agent = agent
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.holdSince = holdSince
        self.holdSeconds = holdSeconds
        self.transfer = transfer
        self.recording = recording
    }
}
