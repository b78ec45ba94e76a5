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
}
