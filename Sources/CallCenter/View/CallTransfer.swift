/// Where a call was transferred: `blind` (to an extension), `attended` (to a party the
/// agent consulted first) or `park` (to a parking space).
public struct CallTransfer: Sendable, Hashable, Codable {
    public var kind: String
    /// The extension (blind), the target party's extension (attended) or the space (park).
    public var number: String
    /// The target's channel (attended), the parked caller's channel (park); empty for a blind
    /// transfer (Asterisk names none).
    public var channel: String
    public var at: CallCenterTime

    public init(kind: String, number: String, channel: String, at: CallCenterTime) {
        self.kind = kind
        self.number = number
        self.channel = channel
        self.at = at
    }
}
