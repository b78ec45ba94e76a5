/// A live channel, kept to know who is bridged with whom.
struct ChannelRecord: Sendable, Hashable {
    var name: String
    var callerNumber: String
    var callerName: String
    /// The party Asterisk says this channel is connected to (kept current in both call
    /// directions, unlike the far channel's caller id, which a Dial copies from the caller).
    var connectedNumber: String
    var connectedName: String
    /// The agent this channel belongs to (by the interface templates), if any.
    var agent: String?
    /// The bridge the channel is in. Being in one keeps the record, like a hold.
    var bridge: String?
    /// The queue this channel called into, if it is a queue caller.
    var queue: String?
    /// The Uniqueid of the call's first channel (`Linkedid`), nil when Asterisk did not say.
    var linkedID: String? = nil
    /// Why else the model keeps the channel: the record goes when no hold is left and it is
    /// in no bridge, so a channel whose Hangup a filter drops does not stay forever.
    var holds: ChannelHolds = []
}

/// The reasons, besides a bridge, to keep a channel record; each is taken and released by
/// events that a filter never drops.
struct ChannelHolds: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    /// A tracked channel (``AgentIdentity/tracks(channel:)``): from Newchannel to Hangup.
    static let tracked = ChannelHolds(rawValue: 1 << 0)
    /// A caller waiting in a queue: from QueueCallerJoin to QueueCallerLeave.
    static let waiting = ChannelHolds(rawValue: 1 << 1)
    /// A queue caller an agent answered: from AgentConnect to AgentComplete, which Asterisk
    /// sends only when the caller finally goes (after a park or a transfer too), so the
    /// caller keeps its queue wherever it is bridged in between.
    static let connected = ChannelHolds(rawValue: 1 << 2)
}
