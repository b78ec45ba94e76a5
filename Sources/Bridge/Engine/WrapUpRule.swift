/// A queue's wrap-up (Creatio's `autoPauseOnCommutationStart`): pause the agent when a queue
/// call connects or when it ends, and unpause `seconds` after it ended, with the pause
/// reason ``reason``.
public struct WrapUpRule: Sendable, Hashable {
    /// When the agent is paused.
    public enum Trigger: String, Sendable, Hashable, CaseIterable {
        /// As the agent answers (no second call rings meanwhile, even with `ringinuse`).
        case connect
        /// As the call ends (or the agent transfers it away).
        case end
    }

    public var queue: String
    public var trigger: Trigger
    /// Wrap-up time after the call, in seconds.
    public var seconds: Int

    /// The pause reason of a wrap-up, as queueMemberStatus shows it.
    public static let reason = "wrapup"
    /// The longest wrap-up accepted: an hour.
    public static let maximumSeconds = 3600

    public init(queue: String, trigger: Trigger, seconds: Int) {
        self.queue = queue
        self.trigger = trigger
        self.seconds = seconds
    }

    /// Why a `queue:trigger:seconds` entry was refused.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Reads `queue:trigger:seconds` (`q1:end:30`).
    public static func parse(_ text: String) throws(ParseError) -> WrapUpRule {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty else {
            throw ParseError(description: "write queue:trigger:seconds, e.g. q1:end:30")
        }
        guard let trigger = Trigger(rawValue: parts[1]) else {
            throw ParseError(description: "the trigger must be connect or end, not \(parts[1].debugDescription)")
        }
        guard let seconds = Int(parts[2]), (0...Self.maximumSeconds).contains(seconds) else {
            throw ParseError(
                description:
                    "the wrap-up time must be whole seconds from 0 to \(Self.maximumSeconds), not \(parts[2].debugDescription)"
            )
        }
        return WrapUpRule(queue: parts[0], trigger: trigger, seconds: seconds)
    }
}
