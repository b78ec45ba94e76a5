/// The `error.code` values of the contract, so that clients can branch on them. `CaseIterable`
/// so that the contract document's test finds a new code undocumented.
public enum CommandErrorCode: String, Sendable, Hashable, CaseIterable {
    case retained
    case badJSON = "bad_json"
    case unknownCommand = "unknown_command"
    case invalidField = "invalid_field"
    case forbidden
    case amiUnavailable = "ami_unavailable"
    case amiError = "ami_error"
    case timeout
    case busy
}
