/// Where a call was transferred: `blind` (to an extension) or `attended` (to a party the
/// agent consulted first).
public struct CallTransfer: Sendable, Hashable, Codable {
    public var kind: String
    /// The extension (blind) or the target party's extension (attended).
    public var number: String
    /// The target's channel; empty for a blind transfer (Asterisk names none).
    public var channel: String
    public var at: CallCenterTime

    public init(kind: String, number: String, channel: String, at: CallCenterTime) {
        self.kind = kind
        self.number = number
        self.channel = channel
        self.at = at
    }
}
