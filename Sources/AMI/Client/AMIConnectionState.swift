import NIOCore

/// The connection's life as the client reports it to its delegate.
///
/// The cycle is `connecting` → `connected` → `disconnected` → `connecting` …, forever until
/// `shutdown()`. Only `connected` means actions can be sent; the delegate should do its
/// initial sync (QueueStatus, ExtensionStateList, …) on every `connected`, because anything
/// may have changed while the connection was down.
public enum AMIConnectionState: Sendable, Hashable {
    /// A TCP connect is under way. `attempt` counts from 1 since start or since the last
    /// connection that reached `connected`.
    case connecting(attempt: Int)
    /// Logged in and filters installed: actions can be sent.
    case connected(AMIServerInfo)
    /// The attempt or the connection ended for `reason`; the next attempt starts after
    /// `retryIn`. Pending actions have failed with `.connectionClosed`.
    case disconnected(AMIClientError, retryIn: TimeAmount)
    /// `shutdown()` completed; nothing more will happen.
    case shutdown
}
