/// A hinted extension, known from ExtensionStatus (agent or not), for its presence topic.
struct ExtensionRecord: Sendable, Hashable {
    /// The hint state mapped to presence, before do-not-disturb is taken into account.
    var hintStatus: PresenceStatus
    /// The last published status (hint and DND combined) and when it took that value; kept
    /// here so that `since` moves only when what subscribers see changes.
    var publishedStatus: PresenceStatus
    var since: CallCenterTime
}
