import AMI

/// Folding channels and bridges into the model: who talks to whom, for phoneNumber and the
/// call-control commands.
extension CallCenterState {
    /// Creates or refreshes a channel from the channel snapshot every call event carries.
    /// Returns its Uniqueid.
    mutating func upsertChannel(_ message: AMIMessage, event: String) -> String? {
        guard let uniqueId = self.required(message, "Uniqueid", event: event) else { return nil }
        let number = Self.callerID(message["CallerIDNum"])
        let name = Self.callerID(message["CallerIDName"])
        let connectedNumber = Self.callerID(message["ConnectedLineNum"])
        let connectedName = Self.callerID(message["ConnectedLineName"])
        let linkedID = message["Linkedid"].flatMap { $0.isEmpty ? nil : $0 }
        if let linkedID, self.channels[uniqueId]?.linkedID != linkedID, Self.callStart(linkedID: linkedID) == nil {
            // Still the call's id (for direction); only its start time is unusable.
            self.noteRejectedNumber(event, "Linkedid", linkedID)
        }
        if var channel = self.channels[uniqueId] {
            if channel.callerNumber != number || channel.callerName != name
                || channel.connectedNumber != connectedNumber || channel.connectedName != connectedName
                || (linkedID != nil && channel.linkedID != linkedID)
            {
                channel.callerNumber = number
                channel.callerName = name
                channel.connectedNumber = connectedNumber
                channel.connectedName = connectedName
                channel.linkedID = linkedID ?? channel.linkedID
                self.channels[uniqueId] = channel
                if let bridge = channel.bridge { self.touchBridge(bridge) }
            }
            return uniqueId
        }
        let channelName = message["Channel"] ?? ""
        let agent = self.identity.agent(channel: channelName)
        self.channels[uniqueId] = ChannelRecord(
            name: channelName, callerNumber: number, callerName: name, connectedNumber: connectedNumber,
            connectedName: connectedName, agent: agent, bridge: nil, queue: nil, linkedID: linkedID
        )
        if let agent {
            self.agentChannels[agent, default: []].insert(uniqueId)
        }
        return uniqueId
    }

    mutating func setChannelQueue(_ uniqueId: String, _ queue: String) {
        guard var channel = self.channels[uniqueId], channel.queue != queue else { return }
        channel.queue = queue
        self.channels[uniqueId] = channel
        if let bridge = channel.bridge { self.touchBridge(bridge) }
    }

    /// Marks the phone numbers of every agent with a channel in `bridge` as possibly changed.
    mutating func touchBridge(_ bridge: String) {
        guard let members = self.bridges[bridge] else { return }
        for id in members {
            if let agent = self.channels[id]?.agent {
                self.touch(.agentPhoneNumber(agent: agent))
            }
        }
    }

    mutating func enter(_ uniqueId: String, bridge: String) {
        guard var channel = self.channels[uniqueId], channel.bridge != bridge else { return }
        if let old = channel.bridge { self.leave(uniqueId, bridge: old) }
        channel.bridge = bridge
        self.channels[uniqueId] = channel
        self.bridges[bridge, default: []].insert(uniqueId)
        self.touchBridge(bridge)
    }

    mutating func leave(_ uniqueId: String, bridge: String) {
        self.touchBridge(bridge)
        self.bridges[bridge]?.remove(uniqueId)
        if self.bridges[bridge]?.isEmpty == true {
            self.bridges[bridge] = nil
        }
        if self.channels[uniqueId]?.bridge == bridge {
            self.channels[uniqueId]?.bridge = nil
        }
    }

    mutating func bridgeEnter(_ message: AMIMessage) {
        let event = ModelEvent.bridgeEnter.rawValue
        guard let uniqueId = self.upsertChannel(message, event: event),
            let bridge = self.required(message, "BridgeUniqueid", event: event)
        else { return }
        self.enter(uniqueId, bridge: bridge)
    }

    mutating func bridgeLeave(_ message: AMIMessage) {
        let event = ModelEvent.bridgeLeave.rawValue
        guard let uniqueId = self.upsertChannel(message, event: event),
            let bridge = self.required(message, "BridgeUniqueid", event: event)
        else { return }
        self.leave(uniqueId, bridge: bridge)
    }

    mutating func coreShowChannel(_ message: AMIMessage) {
        guard let uniqueId = self.upsertChannel(message, event: ModelEvent.coreShowChannel.rawValue) else { return }
        if message["Application"] == "Queue", let data = message["ApplicationData"],
            let queue = data.split(separator: ",", omittingEmptySubsequences: false).first, !queue.isEmpty
        {
            self.setChannelQueue(uniqueId, String(queue))
        }
        if let bridge = message["BridgeId"], !bridge.isEmpty {
            self.enter(uniqueId, bridge: bridge)
        }
    }

    mutating func hangup(_ message: AMIMessage) {
        guard let uniqueId = self.required(message, "Uniqueid", event: ModelEvent.hangup.rawValue),
            let channel = self.channels[uniqueId]
        else { return }
        if let bridge = channel.bridge { self.leave(uniqueId, bridge: bridge) }
        self.channels[uniqueId] = nil
        if let agent = channel.agent {
            self.agentChannels[agent]?.remove(uniqueId)
            if self.agentChannels[agent]?.isEmpty == true { self.agentChannels[agent] = nil }
            self.touch(.agentPhoneNumber(agent: agent))
        }
    }
}
