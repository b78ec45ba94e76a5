extension StateKey {
    /// Which retained topic a key names, without its ids.
    ///
    /// `StateKey` carries ids, so it cannot list its own cases; `Kind` can. Checks that must
    /// cover every kind of topic (the MQTT contract document's test) walk `Kind.allCases`,
    /// and `kind` below makes a new `StateKey` case add a `Kind` case before it compiles.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case agentExtensionStatus
        case agentName
        case agentQueueMemberStatus
        case agentPhoneNumber
        case queueCount
        case queueStats
        case extensionPresence
        case parking
        case agentCall
        case extensionConversations
    }

    public var kind: Kind {
        switch self {
        case .agentExtensionStatus: .agentExtensionStatus
        case .agentName: .agentName
        case .agentQueueMemberStatus: .agentQueueMemberStatus
        case .agentPhoneNumber: .agentPhoneNumber
        case .queueCount: .queueCount
        case .queueStats: .queueStats
        case .extensionPresence: .extensionPresence
        case .parking: .parking
        case .agentCall: .agentCall
        case .extensionConversations: .extensionConversations
        }
    }
}
