/// The payload of `{p}/extension/{e}/conversations`: the extension's live calls (ringing,
/// talking, on hold), oldest first; empty when idle.
public struct ConversationsValue: Sendable, Hashable, Codable {
    public var extensionID: String
    public var calls: [CallValue]

    public init(extensionID: String, calls: [CallValue]) {
        self.extensionID = extensionID
        self.calls = calls
    }
}
