/// A non-retained event topic of the contract.
public enum CallCenterEvent: Sendable, Hashable {
    /// `{p}/agent/{a}/agentComplete`.
    case agentComplete(AgentCompleteEvent)
    /// `{p}/agent/{a}/agentCalled`.
    case agentCalled(AgentCalledEvent)
    /// `{p}/queue/{q}/callerAbandon`.
    case callerAbandon(CallerAbandonEvent)
    /// `{p}/call/{linkedid}/event`.
    case callState(CallStateEvent)
}
