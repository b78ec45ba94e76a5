/// The status word of `{p}/extension/{e}/presence`, in astproxy's vocabulary (which
/// switchboard clients already speak), not the agent topics' device words.
public enum PresenceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case online
    case busy
    case ringing
    case busyRinging = "busy_ringing"
    case onHold = "onhold"
    case offline
    /// Do-not-disturb is set in AstDB and the extension is reachable (an offline extension
    /// stays `offline`: nobody can reach it either way).
    case dnd
}
