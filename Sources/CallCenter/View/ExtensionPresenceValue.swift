/// `{p}/extension/{e}/presence`: one hinted extension's presence, agent or not.
public struct ExtensionPresenceValue: Sendable, Hashable, Codable {
    public var `extension`: String
    public var status: PresenceStatus
    public var dnd: Bool
    public var callForward: CallForward
    /// When `status` took its current value.
    public var since: CallCenterTime

    public init(
        extension: String, status: PresenceStatus, dnd: Bool, callForward: CallForward, since: CallCenterTime
    ) {
        self.extension = `extension`
        self.status = status
        self.dnd = dnd
        self.callForward = callForward
        self.since = since
    }
}
