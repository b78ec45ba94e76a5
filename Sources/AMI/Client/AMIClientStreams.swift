/// A delegate that forwards state changes and events into two `AsyncStream`s, for callers
/// that prefer `for await` over callbacks.
///
/// The streams buffer without bound, like the socket would: a consumer that stops reading
/// grows memory, so read both until they finish (they finish after `.shutdown`).
public struct AMIClientStreams: AMIClientDelegate {
    public let states: AsyncStream<AMIConnectionState>
    public let events: AsyncStream<AMIMessage>
    private let stateContinuation: AsyncStream<AMIConnectionState>.Continuation
    private let eventContinuation: AsyncStream<AMIMessage>.Continuation

    public init() {
        (self.states, self.stateContinuation) = AsyncStream.makeStream(of: AMIConnectionState.self)
        (self.events, self.eventContinuation) = AsyncStream.makeStream(of: AMIMessage.self)
    }

    public func amiConnectionStateChanged(_ state: AMIConnectionState) {
        self.stateContinuation.yield(state)
        if state == .shutdown {
            self.stateContinuation.finish()
            self.eventContinuation.finish()
        }
    }

    public func amiEventReceived(_ event: AMIMessage) {
        self.eventContinuation.yield(event)
    }
}
