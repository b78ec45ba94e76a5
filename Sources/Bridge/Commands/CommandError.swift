/// A refused or failed command, as it goes into the `error` reply.
public struct CommandError: Error, Sendable, Hashable {
    public var code: CommandErrorCode
    /// A message a person can act on; names the field for `invalid_field`.
    public var message: String
    /// The offending field, for `invalid_field` and `forbidden`.
    public var field: String?
    /// Channels to choose from when an agent has several (`redirect`, `hangup`, `park`).
    public var candidates: [String]?
    /// The ActionID of the AMI action Asterisk refused (`ami_error`, `timeout`), echoed as the
    /// reply's `actionId` so that the refusal can be found in Asterisk's log.
    public var actionID: String?

    public init(
        _ code: CommandErrorCode, _ message: String, field: String? = nil, candidates: [String]? = nil,
        actionID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.candidates = candidates
        self.actionID = actionID
    }

    static func invalid(_ field: String, _ reason: String) -> CommandError {
        CommandError(.invalidField, "\(field): \(reason)", field: field)
    }
}
