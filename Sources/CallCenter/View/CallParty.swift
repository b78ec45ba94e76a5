/// One side of a call: who, and the channel Asterisk names it by.
public struct CallParty: Sendable, Hashable, Codable {
    public var number: String
    public var name: String
    public var channel: String

    public init(number: String, name: String, channel: String) {
        self.number = number
        self.name = name
        self.channel = channel
    }
}
