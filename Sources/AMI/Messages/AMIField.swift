/// One `Key: Value` line of an AMI packet.
///
/// Packets are kept as ordered lists of fields rather than dictionaries because Asterisk
/// repeats keys (`Variable`, `ChanVariable`, `Output`) and because the order is part of the
/// wire format the simulator has to reproduce.
public struct AMIField: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

extension AMIField: CustomStringConvertible {
    public var description: String { "\(self.key): \(self.value)" }
}
