/// The status words of the MQTT contract, shared by extension and queue-member topics.
public enum AgentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case loggedoff
    case paused
    case notInUse = "not_inuse"
    case inUse = "inuse"
    case busy
    case unavailable
    case ringing
    case ringInUse = "ringinuse"
    case onHold = "onhold"
    case unknown
}
