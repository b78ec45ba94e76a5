import PBXCore

/// The answer to one action: its `Response` packet and, for event-list actions, the list.
///
/// A `Response: Error` is an answer too: the future succeeds and `isError`/`message` tell
/// what Asterisk said, because for many actions (QueueAdd `Already there`, Hangup
/// `No such channel`) the caller wants the text, not an exception. Call `checked()` to turn
/// an error answer into a thrown `AMIClientError.actionFailed`.
public struct AMIResponse: Sendable, Hashable {
    /// The action's name, for messages.
    public var action: String
    /// The `Response:` packet.
    public var response: AMIMessage
    /// For event-list actions (the response carried `EventList: start`): every item event
    /// with the action's `ActionID`, in order, without the final `…Complete` event.
    public var events: [AMIMessage]
    /// The `…Complete` event that ended the list (it carries `ListItems`), nil otherwise.
    public var completion: AMIMessage?

    public init(action: String, response: AMIMessage, events: [AMIMessage] = [], completion: AMIMessage? = nil) {
        self.action = action
        self.response = response
        self.events = events
        self.completion = completion
    }

    /// True for `Response: Error`.
    public var isError: Bool { self.response.isError }

    /// Asterisk's `Message:` text (`Authentication accepted`, `Permission denied`, …).
    public var message: String? { self.response["Message"] }

    /// True when the response started an event list.
    public var isList: Bool { self.response["EventList"]?.caseInsensitiveEquals("start") ?? false }

    /// A header of the response packet.
    public subscript(key: String) -> String? { self.response[key] }

    /// Returns self, or throws `.actionFailed` for `Response: Error`.
    public func checked() throws(AMIClientError) -> AMIResponse {
        if self.isError {
            throw .actionFailed(action: self.action, message: self.message ?? "")
        }
        return self
    }
}
