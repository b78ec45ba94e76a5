/// Receives what the AMI client has to tell, always on the client's `eventLoop`.
///
/// Because every call arrives on `AMIClient.eventLoop`, a delegate that keeps its own state
/// on that same loop needs no locks and sees state changes and events in wire order. The
/// calls must not block: they run between two packets of the connection.
public protocol AMIClientDelegate: Sendable {
    /// The connection moved to `state`. On `.connected` the delegate should (re)load the
    /// state it mirrors (QueueStatus, ExtensionStateList, …): events were missed while down.
    func amiConnectionStateChanged(_ state: AMIConnectionState)

    /// An unsolicited event (anything not collected into a pending action's event list),
    /// including `OriginateResponse`, which carries the Originate's `ActionID`.
    func amiEventReceived(_ event: AMIMessage)
}
