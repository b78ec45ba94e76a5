/// Why a packet was refused before any byte of it was written.
public enum AMIEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key or value holds CR, LF or NUL: written as is, it would end the header early and
    /// let the rest be read as another header or another action (AMI injection).
    case forbiddenCharacter(key: String, inValue: Bool)
    /// A key is empty or holds a colon, so Asterisk would split it differently.
    case invalidKey(String)
    /// The packet has no fields at all.
    case empty

    public var description: String {
        switch self {
        case .forbiddenCharacter(let key, let inValue):
            "refused to send an AMI packet: the \(inValue ? "value of" : "key") \(key.debugDescription) contains CR, LF or NUL"
        case .invalidKey(let key):
            "refused to send an AMI packet: the key \(key.debugDescription) is empty or contains a colon"
        case .empty:
            "refused to send an empty AMI packet"
        }
    }
}
