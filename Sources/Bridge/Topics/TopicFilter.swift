/// An MQTT topic filter (`pbx/agent/+/extensionStatus`, `pbx/queue/#`) as a client writes it
/// in a `state/get` command, checked by MQTT's own rules and matched against topic names.
///
/// Clients pass the same filter they would subscribe with, so the snapshot answers exactly
/// what a broker that delivered retained messages to that subscription would have sent.
public struct TopicFilter: Sendable, Hashable {
    public let text: String
    private let levels: [Substring]

    /// - Throws: a message saying which rule is broken: empty, `+` or `#` not a whole level,
    ///   `#` not last.
    public init(_ text: String) throws(TopicFilterError) {
        guard !text.isEmpty else { throw .empty }
        let levels = text.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("+"), level != "+" { throw .partialWildcard("+") }
            if level.contains("#") {
                guard level == "#" else { throw .partialWildcard("#") }
                guard index == levels.count - 1 else { throw .hashNotLast }
            }
        }
        self.text = text
        self.levels = levels
    }

    /// Whether `topic` (a topic name, no wildcards) matches, by MQTT's rules: `+` one level,
    /// `#` the parent level and every level below it.
    public func matches(_ topic: String) -> Bool {
        let names = topic.split(separator: "/", omittingEmptySubsequences: false)
        var index = 0
        for level in self.levels {
            if level == "#" { return true }
            guard index < names.count else { return false }
            if level != "+", level != names[index] { return false }
            index += 1
        }
        return index == names.count
    }
}

public enum TopicFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case partialWildcard(Character)
    case hashNotLast

    public var description: String {
        switch self {
        case .empty: "an empty topic filter matches nothing"
        case .partialWildcard(let wildcard):
            "\"\(wildcard)\" must be a whole topic level (as in pbx/agent/\(wildcard == "+" ? "+/name" : "#"))"
        case .hashNotLast: "\"#\" may only be the last topic level"
        }
    }
}
