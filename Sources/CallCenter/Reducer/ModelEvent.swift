/// Every AMI event the model reads, declared once.
///
/// `CallCenterState.apply(_:at:)` dispatches through this type: a name that is not a case is
/// ignored, and a new case does not compile until the reducer handles it. The bridge builds
/// its Asterisk event filters from ``streamed`` and each event's ``scope`` so that the filter
/// and the reducer cannot drift apart (a filter that drops an event the reducer needs loses
/// state silently; one that asks for events nobody reads only costs bytes).
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
    case agentRingNoAnswer = "AgentRingNoAnswer"

    // MARK: Call features (the call-state events; found by Linkedid, rare, passed whole)
    case hold = "Hold"
    case unhold = "Unhold"
    case blindTransfer = "BlindTransfer"
    case attendedTransfer = "AttendedTransfer"

    // MARK: Channels and bridges
    // Not `Newstate` nor `NewCallerid`: the channel snapshot every bridge and queue event
    // carries already gives the model the caller ids it reads (every golden replay is
    // identical without them), and asking for them would add half again to the bytes the
    // filtered stream keeps (7 % of real traffic against its 15 %).
    case newchannel = "Newchannel"
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

    /// The events Asterisk pushes that the model follows: what an event filter must pass
    /// (those of them the ``scope`` names).
    public static var streamed: [ModelEvent] {
        Self.allCases.filter { $0.delivery == .streamed }
    }

    /// Which occurrences of an event the model needs, so that a filter can drop the rest.
    public enum Scope: Sendable, Hashable {
        /// Every one.
        case every
        /// Only those about a tracked channel (``AgentIdentity/tracks(channel:)``): the
        /// channels of a call are most of the traffic, and the model follows only the agents'
        /// own from birth to death; any other party it learns from the bridge and queue events
        /// while that party is in a bridge or a queue call.
        case trackedChannels
        /// Only those about a tracked channel that is answered (`ChannelState: 6`): the model
        /// reads a connected line only while the channel is bridged, and before that the
        /// snapshot of its BridgeEnter carries the connected line anyway.
        case answeredTrackedChannels
        /// Only those about the do-not-disturb devices
        /// (``CallCenterConfiguration/dndDeviceTemplate``): Asterisk sends a DeviceStateChange
        /// for every device of every call, 5 % of real traffic, and the model reads none of
        /// the others.
        case dndDevices
        /// Only the configured AstDB announcement (``CallCenterConfiguration/astDBUserEvent``):
        /// the dialplan may raise any number of other user events.
        case astDBUserEvent
    }

    /// Which occurrences of this event the model needs.
    ///
    /// The reducer ignores Newchannel and NewConnectedLine outside their scope, and
    /// DeviceStateChange and UserEvent of other devices and names, so a filter
    /// that follows it changes nothing. A Hangup of another channel it does read (the channel
    /// goes at once), but it never needs one: every channel that is not tracked leaves the
    /// model with its bridge (BridgeLeave comes before the Hangup) or its queue call
    /// (QueueCallerLeave, AgentComplete).
    public var scope: Scope {
        switch self {
        case .newchannel, .hangup: .trackedChannels
        case .newConnectedLine: .answeredTrackedChannels
        case .deviceStateChange: .dndDevices
        case .userEvent: .astDBUserEvent
        default: .every
        }
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
