/// Where a call stands, in the words of `{p}/agent/{a}/call` and the call events.
public enum CallState: String, Sendable, Hashable, CaseIterable, Codable {
    case ringing
    case talking
    case onHold = "onhold"
    case transferred
    case finished
}
