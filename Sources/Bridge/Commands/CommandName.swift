/// The commands accepted on `{p}/cmd/{command}`.
public enum CommandName: String, Sendable, Hashable, CaseIterable {
    case originate
    case redirect
    case park
    case hangup
    case queueAdd = "queue/add"
    case queueRemove = "queue/remove"
    case queuePause = "queue/pause"
    case queueReset = "queue/reset"
    case queueStatus = "queue/status"
    case bridgeResync = "bridge/resync"
    case wrapUpEnd = "wrapup/end"
    case stateGet = "state/get"

    /// Whether a command's reply is kept for its `id` (at most once). `state/get` changes
    /// nothing, so running it again is harmless, and its reply (up to a megabyte) is not
    /// worth holding for five minutes per id.
    public var remembersReply: Bool { self != .stateGet }
}
