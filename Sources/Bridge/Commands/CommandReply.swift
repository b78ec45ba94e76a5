/// A reply to a command, in the contract's shape:
/// `{"id","command","actionId","status","data","error":{"code","message"}}`.
public struct CommandReply: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Taken on; a final reply follows (originate).
        case accepted
        case ok
        /// Asterisk carried the command out and it did not work (originate not answered).
        case failed
        /// Refused or not carried out; see `error`.
        case error
    }

    public var id: String?
    public var command: String
    public var actionID: String?
    public var status: Status
    /// The command's result, already serialised as a JSON value.
    public var data: JSONValue?
    public var error: CommandError?

    public init(
        id: String?, command: String, actionID: String? = nil, status: Status, data: JSONValue? = nil,
        error: CommandError? = nil
    ) {
        self.id = id
        self.command = command
        self.actionID = actionID
        self.status = status
        self.data = data
        self.error = error
    }

    /// True once no further reply will follow for this command.
    public var isFinal: Bool { self.status != .accepted }

    /// The JSON payload, keys in contract order.
    public func payload() -> [UInt8] {
        var writer = JSONWriter(capacity: 160)
        writer.beginObject()
        writer.field("id", self.id)
        writer.field("command", self.command)
        writer.field("actionId", self.actionID)
        writer.field("status", self.status.rawValue)
        if let data = self.data {
            writer.key("data")
            writer.value(data)
        }
        if let error = self.error {
            writer.key("error")
            writer.beginObject()
            writer.field("code", error.code.rawValue)
            writer.field("message", error.message)
            writer.field("field", error.field)
            if let candidates = error.candidates {
                writer.key("candidates")
                writer.beginArray()
                for candidate in candidates { writer.value(candidate) }
                writer.endArray()
            }
            writer.endObject()
        }
        writer.endObject()
        return writer.bytes
    }
}
