/// An action to send to Asterisk: a name and its headers, without an `ActionID`.
///
/// The client assigns the `ActionID` when the action is sent, so that callers can never
/// collide with each other or with the client's own keepalive and login actions.
public struct AMIAction: Sendable, Hashable {
    /// The action name, e.g. `QueueStatus`, `Originate`.
    public var name: String
    /// Headers after `Action:`, in order; keys may repeat (`Variable`).
    public var fields: [AMIField]

    public init(_ name: String, _ fields: [AMIField] = []) {
        self.name = name
        self.fields = fields
    }

    public init(_ name: String, _ pairs: KeyValuePairs<String, String>) {
        self.name = name
        self.fields = pairs.map { AMIField($0.key, $0.value) }
    }

    /// The packet that goes on the wire: `Action`, the headers, then `ActionID` when given.
    public func message(actionID: String?) -> AMIMessage {
        var message = AMIMessage(fields: [AMIField("Action", self.name)])
        message.fields.reserveCapacity(self.fields.count + 2)
        message.fields.append(contentsOf: self.fields)
        if let actionID {
            message.fields.append(AMIField("ActionID", actionID))
        }
        return message
    }
}
