extension CallCenterEvent {
    /// Which event topic an event goes to, without its payload.
    ///
    /// `CallCenterEvent` carries payloads, so it cannot list its own cases; `Kind` can.
    /// Checks that must cover every event topic (the MQTT contract document's test) walk
    /// `Kind.allCases`, and `kind` below makes a new event case add a `Kind` case before it
    /// compiles.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case agentComplete
        case agentCalled
        case callerAbandon
        case callState
    }

    public var kind: Kind {
        switch self {
        case .agentComplete: .agentComplete
        case .agentCalled: .agentCalled
        case .callerAbandon: .callerAbandon
        case .callState: .callState
        }
    }
}
