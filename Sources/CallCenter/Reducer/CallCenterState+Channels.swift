import AMI

/// Folding channels and bridges into the model: who talks to whom, for phoneNumber and the
/// call-control commands.
///
/// The model keeps a channel only while it needs it: a tracked channel (an agent's own) from
/// Newchannel to Hangup, any other while it is in a bridge or a queue call (``ChannelHolds``).
/// So the Asterisk-side filter can drop the Newchannel, NewCallerid, NewConnectedLine and
/// Hangup events of every other channel, most of a call's bytes, and the model still comes
/// out the same: every event that takes or releases a hold carries the full channel snapshot.
extension CallCenterState {
    /// Creates or refreshes a channel from the channel snapshot an event carries and adds
    /// `hold`. Returns its Uniqueid.
    @discardableResult
    mutating func upsertChannel(_ message: AMIMessage, event: String, hold: ChannelHolds = []) -> String? {
        guard let uniqueId = self.required(message, "Uniqueid", event: event) else { return nil }
        let linkedID = message["Linkedid"].flatMap { $0.isEmpty ? nil : $0 }
        if let linkedID, self.channels[uniqueId]?.linkedID != linkedID, Self.callStart(linkedID: linkedID) == nil {
            // Still the call's id (for direction); only its start time is unusable.
            self.noteRejectedNumber(event, "Linkedid", linkedID)
        }
        if self.channels[uniqueId] != nil {
            self.refreshChannel(uniqueId, from: message)
            if !hold.isEmpty { self.channels[uniqueId]?.holds.formUnion(hold) }
            return uniqueId
        }
        let channelName = message["Channel"] ?? ""
        let agent = self.identity.agent(channel: channelName)
        self.channels[uniqueId] = ChannelRecord(
            name: channelName, callerNumber: Self.callerID(message["CallerIDNum"]),
            callerName: Self.callerID(message["CallerIDName"]),
            connectedNumber: Self.callerID(message["ConnectedLineNum"]),
            connectedName: Self.callerID(message["ConnectedLineName"]), agent: agent, bridge: nil, queue: nil,
            linkedID: message["Linkedid"].flatMap { $0.isEmpty ? nil : $0 }, holds: hold
        )
        if let agent {
            self.agentChannels[agent, default: []].insert(uniqueId)
        }
        return uniqueId
    }

    /// Takes caller id, connected line and Linkedid of a known channel from `message`; a
    /// change reaches the phone numbers of the agents in its bridge.
    mutating func refreshChannel(_ uniqueId: String, from message: AMIMessage) {
        guard var channel = self.channels[uniqueId] else { return }
        let number = Self.callerID(message["CallerIDNum"])
        let name = Self.callerID(message["CallerIDName"])
        let connectedNumber = Self.callerID(message["ConnectedLineNum"])
        let connectedName = Self.callerID(message["ConnectedLineName"])
        let linkedID = message["Linkedid"].flatMap { $0.isEmpty ? nil : $0 }
        guard
            channel.callerNumber != number || channel.callerName != name || channel.connectedNumber != connectedNumber
                || channel.connectedName != connectedName || (linkedID != nil && channel.linkedID != linkedID)
        else { return }
        channel.callerNumber = number
        channel.callerName = name
        channel.connectedNumber = connectedNumber
        channel.connectedName = connectedName
        channel.linkedID = linkedID ?? channel.linkedID
        self.channels[uniqueId] = channel
        if let bridge = channel.bridge { self.touchBridge(bridge) }
    }

    /// Releases `hold` on a channel; the record goes when nothing keeps it any more.
    mutating func release(_ uniqueId: String, _ hold: ChannelHolds) {
        guard var channel = self.channels[uniqueId] else { return }
        channel.holds.subtract(hold)
        if channel.holds.isEmpty, channel.bridge == nil {
            self.forget(uniqueId)
        } else {
            self.channels[uniqueId] = channel
        }
    }

    /// Drops a channel (and its place in a bridge).
    mutating func forget(_ uniqueId: String) {
        guard let channel = self.channels[uniqueId] else { return }
        if let bridge = channel.bridge { self.leave(uniqueId, bridge: bridge, keep: true) }
        self.channels[uniqueId] = nil
        if let agent = channel.agent {
            self.agentChannels[agent]?.remove(uniqueId)
            if self.agentChannels[agent]?.isEmpty == true { self.agentChannels[agent] = nil }
            self.touch(.agentPhoneNumber(agent: agent))
        }
    }

    mutating func setChannelQueue(_ uniqueId: String, _ queue: String) {
        guard var channel = self.channels[uniqueId], channel.queue != queue else { return }
        channel.queue = queue
        self.channels[uniqueId] = channel
        if let bridge = channel.bridge { self.touchBridge(bridge) }
    }

    /// Marks the phone numbers of every agent with a channel in `bridge` as possibly changed,
    /// in Uniqueid order: a set's order depends on its history, and the changes of one packet
    /// must come out in the same order however the model learnt the bridge.
    mutating func touchBridge(_ bridge: String) {
        guard let members = self.bridges[bridge] else { return }
        for id in members.sorted() {
            if let agent = self.channels[id]?.agent {
                self.touch(.agentPhoneNumber(agent: agent))
            }
        }
    }

    mutating func enter(_ uniqueId: String, bridge: String) {
        guard var channel = self.channels[uniqueId], channel.bridge != bridge else { return }
        if let old = channel.bridge { self.leave(uniqueId, bridge: old, keep: true) }
        channel.bridge = bridge
        self.channels[uniqueId] = channel
        self.bridges[bridge, default: []].insert(uniqueId)
        self.touchBridge(bridge)
    }

    /// Takes a channel out of `bridge`; unless `keep`, a channel with no hold left goes too.
    mutating func leave(_ uniqueId: String, bridge: String, keep: Bool = false) {
        self.touchBridge(bridge)
        self.bridges[bridge]?.remove(uniqueId)
        if self.bridges[bridge]?.isEmpty == true {
            self.bridges[bridge] = nil
        }
        guard self.channels[uniqueId]?.bridge == bridge else { return }
        self.channels[uniqueId]?.bridge = nil
        if !keep, self.channels[uniqueId]?.holds.isEmpty == true {
            self.forget(uniqueId)
        }
    }

    /// A new channel: kept from now on when it is tracked; any other is learnt only when it
    /// enters a bridge or a queue call.
    mutating func newchannel(_ message: AMIMessage) {
        let event = ModelEvent.newchannel.rawValue
        guard self.required(message, "Uniqueid", event: event) != nil,
            self.identity.tracks(channel: message["Channel"] ?? "")
        else { return }
        self.upsertChannel(message, event: event, hold: .tracked)
    }

    /// A connected line update, read for a tracked channel that is answered (the only ones
    /// the filter passes; ``ModelEvent/Scope/answeredTrackedChannels`` says why that is enough).
    mutating func newConnectedLine(_ message: AMIMessage) {
        guard let uniqueId = self.required(message, "Uniqueid", event: ModelEvent.newConnectedLine.rawValue),
            message["ChannelState"] == "6", self.channels[uniqueId]?.holds.contains(.tracked) == true
        else { return }
        self.refreshChannel(uniqueId, from: message)
    }

    mutating func bridgeEnter(_ message: AMIMessage) {
        let event = ModelEvent.bridgeEnter.rawValue
        guard let uniqueId = self.required(message, "Uniqueid", event: event),
            let bridge = self.required(message, "BridgeUniqueid", event: event)
        else { return }
        self.upsertChannel(message, event: event)
        self.enter(uniqueId, bridge: bridge)
    }

    mutating func bridgeLeave(_ message: AMIMessage) {
        let event = ModelEvent.bridgeLeave.rawValue
        guard let uniqueId = self.required(message, "Uniqueid", event: event),
            let bridge = self.required(message, "BridgeUniqueid", event: event)
        else { return }
        self.refreshChannel(uniqueId, from: message)
        self.leave(uniqueId, bridge: bridge)
    }

    /// A channel of the initial snapshot, kept when it is tracked, bridged or in a queue call
    /// (a `Queue` application: waiting, or connected when bridged).
    mutating func coreShowChannel(_ message: AMIMessage) {
        let event = ModelEvent.coreShowChannel.rawValue
        guard self.required(message, "Uniqueid", event: event) != nil else { return }
        let bridge = message["BridgeId"].flatMap { $0.isEmpty ? nil : $0 }
        var queue: String?
        if message["Application"] == "Queue", let data = message["ApplicationData"],
            let name = data.split(separator: ",", omittingEmptySubsequences: false).first, !name.isEmpty
        {
            queue = String(name)
        }
        var hold: ChannelHolds = []
        if self.identity.tracks(channel: message["Channel"] ?? "") { hold.insert(.tracked) }
        if queue != nil { hold.insert(bridge == nil ? .waiting : .connected) }
        guard !hold.isEmpty || bridge != nil, let uniqueId = self.upsertChannel(message, event: event, hold: hold)
        else { return }
        if let queue { self.setChannelQueue(uniqueId, queue) }
        if let bridge { self.enter(uniqueId, bridge: bridge) }
    }

    mutating func hangup(_ message: AMIMessage) {
        guard let uniqueId = self.required(message, "Uniqueid", event: ModelEvent.hangup.rawValue) else { return }
        self.parkeeHungUp(uniqueId)
        self.forget(uniqueId)
    }
}
