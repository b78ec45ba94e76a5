/// Every AMI event the model reads, declared once.
///
/// `CallCenterState.apply(_:at:)` dispatches through this type: a name that is not a case is
/// ignored, and a new case does not compile until the reducer handles it. The bridge builds
/// its Asterisk event filters from ``streamed`` so that the filter and the reducer cannot
/// drift apart (a filter that drops an event the reducer needs loses state silently; one that
/// asks for events nobody reads only costs bytes).
public enum ModelEvent: String, CaseIterable, Sendable {
    // MARK: Extensions
    case extensionStatus = "ExtensionStatus"
    // The do-not-disturb device (`Custom:DND147`) and AstDB announcements refresh presence;
    // the sync reads AstDB with DBGetTree.
    case deviceStateChange = "DeviceStateChange"
    case userEvent = "UserEvent"
    case dbGetTreeResponse = "DBGetTreeResponse"

    // MARK: Queue members
    case queueMember = "QueueMember"
    case queueMemberAdded = "QueueMemberAdded"
    case queueMemberStatus = "QueueMemberStatus"
    case queueMemberPause = "QueueMemberPause"
    case queueMemberPenalty = "QueueMemberPenalty"
    case queueMemberRinginuse = "QueueMemberRinginuse"
    case queueMemberRemoved = "QueueMemberRemoved"

    // MARK: Queues and callers
    case queueParams = "QueueParams"
    case queueSummary = "QueueSummary"
    case queueEntry = "QueueEntry"
    case queueCallerJoin = "QueueCallerJoin"
    case queueCallerLeave = "QueueCallerLeave"
    case queueCallerAbandon = "QueueCallerAbandon"
    case agentCalled = "AgentCalled"
    case agentConnect = "AgentConnect"
    case agentComplete = "AgentComplete"

    // MARK: Channels and bridges
    // Not `Newstate`: it repeats the channel snapshot that Newchannel, NewCallerid and
    // NewConnectedLine already carry (every golden replay is identical without it), and
    // asking Asterisk for it would add a tenth to the bytes the filtered stream keeps.
    case newchannel = "Newchannel"
    case newCallerid = "NewCallerid"
    case newConnectedLine = "NewConnectedLine"
    case coreShowChannel = "CoreShowChannel"
    case bridgeEnter = "BridgeEnter"
    case bridgeLeave = "BridgeLeave"
    case hangup = "Hangup"

    // MARK: Parking
    // `ParkedCall` is also the item of the sync's ParkedCalls list.
    case parkedCall = "ParkedCall"
    case unParkedCall = "UnParkedCall"
    case parkedCallTimeOut = "ParkedCallTimeOut"
    case parkedCallGiveUp = "ParkedCallGiveUp"

    /// How Asterisk delivers an event: pushed on its own, or only as an item of a state list.
    public enum Delivery: Sendable, Hashable {
        /// Sent unsolicited as things happen; event filters apply to it.
        case streamed
        /// Sent only in answer to a state-list action; event filters never drop it.
        case listItem
    }

    /// How this event reaches the model.
    ///
    /// `ExtensionStatus` is both an ExtensionStateList item and a pushed event: it counts as
    /// streamed, because that is the delivery a filter must let through.
    public var delivery: Delivery {
        switch self {
        case .queueMember, .queueParams, .queueSummary, .queueEntry, .coreShowChannel, .dbGetTreeResponse:
            .listItem
        default:
            .streamed
        }
    }

    /// The events Asterisk pushes that the model follows: what an event filter must pass.
    public static var streamed: [ModelEvent] {
        Self.allCases.filter { $0.delivery == .streamed }
    }

    /// The case for an `Event:` name (exact spelling, as Asterisk sends it), or nil when the
    /// model does not read that event.
    public init?(eventName: String) {
        guard let event = Self.byName[eventName] else { return nil }
        self = event
    }

    /// One hash lookup instead of comparing the name with every case in turn: the reducer
    /// asks for every event Asterisk sends.
    private static let byName: [String: ModelEvent] = Dictionary(
        uniqueKeysWithValues: Self.allCases.map { ($0.rawValue, $0) })
}
