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
    /// The bridge the channel is in.
    var bridge: String?
    /// The queue this channel called into, if it is a queue caller.
    var queue: String?
    /// The Uniqueid of the call's first channel (`Linkedid`), nil when Asterisk did not say.
    var linkedID: String? = nil
}
