/// Why the machine sent an AMI action; the shell hands it back with the answer.
public enum AMIRequest: Sendable, Hashable {
    /// One of the state lists of the sync for the AMI connection `generation`.
    case stateList(generation: Int, index: Int)
    /// Step `step` of a command's plan.
    case command(CommandToken, step: Int)
    /// The wrap-up pause (or unpause) of `agent` in `queue`.
    case wrapUp(agent: String, queue: String, paused: Bool)
}

/// Identifies one command the bridge is carrying out (not the client's `id`, which may be
/// absent or repeated).
public struct CommandToken: Sendable, Hashable, CustomStringConvertible {
    public let value: Int

    public init(_ value: Int) {
        self.value = value
    }

    public var description: String { "#\(self.value)" }
}
