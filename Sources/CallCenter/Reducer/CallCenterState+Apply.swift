import AMI

/// Folding AMI packets into the model.
extension CallCenterState {
    /// Applies one AMI packet received at `time` and returns what to publish: a `set` for
    /// each retained value that really changed, a `clear` for each topic that emptied, and
    /// the contract's events. Responses, unrelated and malformed events return nothing (the
    /// latter are counted in `diagnostics`).
    public mutating func apply(_ message: AMIMessage, at time: CallCenterTime) -> [CallCenterChange] {
        guard let first = message.fields.first else { return [] }
        let name: String
        if first.key == "Event" {
            name = first.value
        } else if first.key == "Response" {
            return []
        } else if let event = message.eventName {
            name = event
        } else {
            return []
        }
        var events: [CallCenterEvent] = []
        switch name {
        case "VarSet", "Newexten", "DeviceStateChange", "HangupRequest", "SoftHangupRequest", "DialState",
            "LocalBridge", "HangupHandlerPush", "HangupHandlerRun", "HangupHandlerPop", "BridgeCreate",
            "BridgeDestroy", "RTCPSent", "RTCPReceived":
            return []
        case "ExtensionStatus":
            self.extensionStatus(message, at: time)
        case "QueueMemberAdded", "QueueMemberStatus", "QueueMemberPause", "QueueMemberPenalty",
            "QueueMemberRinginuse", "QueueMember":
            self.memberUpdate(message, event: name, at: time)
        case "QueueMemberRemoved":
            self.memberRemoved(message, at: time)
        case "QueueParams":
            self.queueParams(message, at: time)
        case "QueueSummary":
            if let queue = self.queueName(message, event: name) { self.ensureQueue(queue, at: time) }
        case "QueueEntry":
            self.queueEntry(message, at: time)
        case "QueueCallerJoin":
            self.callerJoin(message, at: time)
        case "QueueCallerLeave":
            self.callerLeave(message, at: time)
        case "QueueCallerAbandon":
            self.callerAbandon(message, at: time, events: &events)
        case "AgentCalled":
            self.agentCalled(message, events: &events)
        case "AgentConnect":
            self.agentConnect(message, at: time)
        case "AgentComplete":
            self.agentComplete(message, at: time, events: &events)
        case "Newchannel", "Newstate", "NewCallerid", "NewConnectedLine":
            _ = self.upsertChannel(message, event: name)
        case "CoreShowChannel":
            self.coreShowChannel(message)
        case "BridgeEnter":
            self.bridgeEnter(message)
        case "BridgeLeave":
            self.bridgeLeave(message)
        case "Hangup":
            self.hangup(message)
        default:
            return []
        }
        var changes: [CallCenterChange] = []
        if !self.touched.isEmpty {
            self.flush(at: time, into: &changes)
        }
        for event in events {
            changes.append(.event(event))
        }
        return changes
    }

    // MARK: Field helpers

    /// A required non-empty field; counts the event as malformed when absent.
    mutating func required(_ message: AMIMessage, _ field: String, event: String) -> String? {
        guard let value = message[field], !value.isEmpty else {
            self.noteMalformed(event, field)
            return nil
        }
        return value
    }

    /// A tracked queue named by `Queue`, or nil.
    mutating func queueName(_ message: AMIMessage, event: String) -> String? {
        guard let queue = self.required(message, "Queue", event: event) else { return nil }
        return self.configuration.tracks(queue: queue) ? queue : nil
    }

    /// Caller-id fields as Asterisk spells "none": `<unknown>` becomes empty.
    static func callerID(_ value: String?) -> String {
        guard let value, value != "<unknown>" else { return "" }
        return value
    }

    static func int(_ value: String?) -> Int? {
        guard let value else { return nil }
        return Int(value)
    }

    mutating func ensureQueue(_ queue: String, at time: CallCenterTime) {
        if self.queues[queue] == nil {
            self.queues[queue] = QueueRecord(at: time)
            self.touchQueue(queue)
        }
    }

    // MARK: Extensions

    mutating func extensionStatus(_ message: AMIMessage, at time: CallCenterTime) {
        let event = "ExtensionStatus"
        guard let raw = self.required(message, "Status", event: event) else { return }
        guard let agent = self.identity.agent(hint: message["Hint"], exten: message["Exten"]) else {
            self.noteMalformed(event, "Exten")
            return
        }
        guard self.configuration.tracks(agent: agent) else { return }
        let status: AgentStatus?
        if let code = Int(raw) {
            switch StatusCodes.extensionStatus(code) {
            case .removed: status = nil
            case .status(let mapped): status = mapped
            case .unrecognized:
                self.noteUnknownCode(event, "Status", raw)
                status = .unknown
            }
        } else {
            self.noteUnknownCode(event, "Status", raw)
            status = .unknown
        }
        let existing = self.agents[agent]
        var record = existing ?? AgentRecord(extensionStatus: nil, extensionSince: time)
        if record.extensionStatus != status {
            record.extensionStatus = status
            record.extensionSince = time
        }
        self.agents[agent] = record.isEmpty ? nil : record
        if existing != nil, !record.isEmpty {
            // The agent stays: its name and phone number (which depend on the record being
            // there, not on its extension) cannot have changed. The hot path of a state flood.
            self.touch(.agentExtensionStatus(agent: agent))
        } else {
            self.touchAgent(agent)
        }
    }

    // MARK: Queue members

    mutating func memberUpdate(_ message: AMIMessage, event: String, at time: CallCenterTime) {
        guard let queue = self.queueName(message, event: event) else { return }
        guard let interface = message["Interface"] ?? message["Location"], !interface.isEmpty else {
            self.noteMalformed(event, "Interface")
            return
        }
        guard let agent = self.identity.agent(interface: interface, stateInterface: message["StateInterface"]),
            self.configuration.tracks(agent: agent)
        else { return }
        var record = self.agents[agent] ?? AgentRecord(extensionStatus: nil, extensionSince: time)
        let old = record.memberships[queue]

        var deviceStatus = old?.deviceStatus ?? .unknown
        var deviceAvailable = old?.deviceAvailable ?? true
        if let raw = message["Status"] {
            if let code = Int(raw), let mapped = StatusCodes.deviceStatus(code) {
                deviceStatus = mapped
                deviceAvailable = code == 0 || code == 1
            } else {
                self.noteUnknownCode(event, "Status", raw)
                deviceStatus = .unknown
                deviceAvailable = false
            }
        }
        var paused = old?.paused ?? false
        if let raw = message["Paused"] {
            if raw == "1" || raw == "0" {
                paused = raw == "1"
            } else {
                self.noteUnknownCode(event, "Paused", raw)
            }
        }
        let lastCallSeconds = message["LastCall"].flatMap { Int64($0) }
        var member = MembershipRecord(
            name: message["MemberName"] ?? message["Name"] ?? old?.name ?? "",
            interface: interface,
            deviceStatus: deviceStatus,
            deviceAvailable: deviceAvailable,
            paused: paused,
            pausedReason: message["PausedReason"] ?? old?.pausedReason ?? "",
            penalty: Self.int(message["Penalty"]) ?? old?.penalty ?? 0,
            callsTaken: Self.int(message["CallsTaken"]) ?? old?.callsTaken ?? 0,
            lastCall: lastCallSeconds.map { $0 > 0 ? CallCenterTime(secondsSinceEpoch: $0) : nil } ?? old?.lastCall,
            since: time
        )
        if let old, old.publishedStatus == member.publishedStatus {
            member.since = old.since
        }
        record.memberships[queue] = member
        self.agents[agent] = record
        self.ensureQueue(queue, at: time)
        if let old { self.queues[queue]?.counts -= old.counts }
        self.queues[queue]?.counts += member.counts
        self.touch(.agentQueueMemberStatus(agent: agent, queue: queue))
        self.touchAgent(agent)
        self.touchQueue(queue)
    }

    mutating func memberRemoved(_ message: AMIMessage, at time: CallCenterTime) {
        let event = "QueueMemberRemoved"
        guard let queue = self.queueName(message, event: event) else { return }
        guard let interface = message["Interface"] ?? message["Location"], !interface.isEmpty else {
            self.noteMalformed(event, "Interface")
            return
        }
        guard let agent = self.identity.agent(interface: interface, stateInterface: message["StateInterface"]),
            var record = self.agents[agent], let old = record.memberships.removeValue(forKey: queue)
        else { return }
        self.agents[agent] = record.isEmpty ? nil : record
        self.queues[queue]?.counts -= old.counts
        self.touch(.agentQueueMemberStatus(agent: agent, queue: queue))
        self.touchAgent(agent)
        self.touchQueue(queue)
    }

    // MARK: Queues and callers

    mutating func queueParams(_ message: AMIMessage, at time: CallCenterTime) {
        guard let queue = self.queueName(message, event: "QueueParams") else { return }
        self.ensureQueue(queue, at: time)
        guard var record = self.queues[queue] else { return }
        record.completed = Self.int(message["Completed"]) ?? record.completed
        record.abandoned = Self.int(message["Abandoned"]) ?? record.abandoned
        record.holdTime = Self.int(message["Holdtime"]) ?? record.holdTime
        record.talkTime = Self.int(message["TalkTime"]) ?? record.talkTime
        record.serviceLevel = message["ServicelevelPerf"].flatMap { Double($0) } ?? record.serviceLevel
        self.queues[queue] = record
        self.touchQueue(queue)
    }

    mutating func queueEntry(_ message: AMIMessage, at time: CallCenterTime) {
        let event = "QueueEntry"
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        let wait = max(0, Int64(Self.int(message["Wait"]) ?? 0))
        self.ensureQueue(queue, at: time)
        self.queues[queue]?.callers[uniqueId] = CallCenterTime(
            millisecondsSinceEpoch: time.millisecondsSinceEpoch - wait * 1000)
        self.queues[queue]?.waitingSince = time
        self.setChannelQueue(uniqueId, queue)
        self.touchQueue(queue)
    }

    mutating func callerJoin(_ message: AMIMessage, at time: CallCenterTime) {
        let event = "QueueCallerJoin"
        guard let queue = self.required(message, "Queue", event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        // The caller's queue is shown on the agent's phoneNumber even for untracked queues.
        self.setChannelQueue(uniqueId, queue)
        guard self.configuration.tracks(queue: queue) else { return }
        self.ensureQueue(queue, at: time)
        if self.queues[queue]?.callers[uniqueId] == nil {
            self.queues[queue]?.callers[uniqueId] = time
            self.queues[queue]?.waitingSince = time
        }
        self.touchQueue(queue)
    }

    mutating func callerLeave(_ message: AMIMessage, at time: CallCenterTime) {
        let event = "QueueCallerLeave"
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        if self.queues[queue]?.callers.removeValue(forKey: uniqueId) != nil {
            self.queues[queue]?.waitingSince = time
            self.touchQueue(queue)
        }
    }

    mutating func callerAbandon(_ message: AMIMessage, at time: CallCenterTime, events: inout [CallCenterEvent]) {
        let event = "QueueCallerAbandon"
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        self.ensureQueue(queue, at: time)
        self.queues[queue]?.abandoned += 1
        self.touchQueue(queue)
        events.append(
            .callerAbandon(
                CallerAbandonEvent(
                    queue: queue, uniqueId: uniqueId, position: Self.int(message["Position"]) ?? 0,
                    holdTime: Self.int(message["HoldTime"]) ?? 0
                )
            )
        )
    }

    /// The tracked agent an Agent* event is about (by its member `Interface`).
    mutating func eventAgent(_ message: AMIMessage, event: String) -> String? {
        guard let interface = self.required(message, "Interface", event: event),
            let agent = self.identity.agent(interface: interface, stateInterface: nil),
            self.configuration.tracks(agent: agent)
        else { return nil }
        return agent
    }

    mutating func agentCalled(_ message: AMIMessage, events: inout [CallCenterEvent]) {
        let event = "AgentCalled"
        guard let queue = self.queueName(message, event: event),
            let agent = self.eventAgent(message, event: event)
        else { return }
        events.append(
            .agentCalled(
                AgentCalledEvent(
                    agent: agent, queue: queue, number: Self.callerID(message["CallerIDNum"]),
                    name: Self.callerID(message["CallerIDName"]), uniqueId: message["Uniqueid"] ?? ""
                )
            )
        )
    }

    mutating func agentConnect(_ message: AMIMessage, at time: CallCenterTime) {
        let event = "AgentConnect"
        guard let queue = self.required(message, "Queue", event: event) else { return }
        if let uniqueId = message["Uniqueid"], !uniqueId.isEmpty {
            self.setChannelQueue(uniqueId, queue)
        }
        guard self.configuration.tracks(queue: queue) else { return }
        self.ensureQueue(queue, at: time)
        if let hold = Self.int(message["HoldTime"]), let record = self.queues[queue] {
            // app_queue's running average: new = (3 * old + sample) / 4.
            self.queues[queue]?.holdTime = (record.holdTime * 3 + hold) / 4
            self.touchQueue(queue)
        }
    }

    mutating func agentComplete(_ message: AMIMessage, at time: CallCenterTime, events: inout [CallCenterEvent]) {
        let event = "AgentComplete"
        guard let queue = self.queueName(message, event: event) else { return }
        let talk = Self.int(message["TalkTime"]) ?? 0
        let hold = Self.int(message["HoldTime"]) ?? 0
        self.ensureQueue(queue, at: time)
        if let record = self.queues[queue] {
            self.queues[queue]?.completed = record.completed + 1
            self.queues[queue]?.talkTime = (record.talkTime * 3 + talk) / 4
            self.touchQueue(queue)
        }
        guard let agent = self.eventAgent(message, event: event) else { return }
        events.append(
            .agentComplete(
                AgentCompleteEvent(
                    agent: agent, queue: queue, uniqueId: message["Uniqueid"] ?? "", talkTime: talk,
                    holdTime: hold, reason: message["Reason"] ?? ""
                )
            )
        )
    }

    // MARK: Channels and bridges

    /// Creates or refreshes a channel from the channel snapshot every call event carries.
    /// Returns its Uniqueid.
    mutating func upsertChannel(_ message: AMIMessage, event: String) -> String? {
        guard let uniqueId = self.required(message, "Uniqueid", event: event) else { return nil }
        let number = Self.callerID(message["CallerIDNum"])
        let name = Self.callerID(message["CallerIDName"])
        let connectedNumber = Self.callerID(message["ConnectedLineNum"])
        let connectedName = Self.callerID(message["ConnectedLineName"])
        let linkedID = message["Linkedid"].flatMap { $0.isEmpty ? nil : $0 }
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
        let event = "BridgeEnter"
        guard let uniqueId = self.upsertChannel(message, event: event),
            let bridge = self.required(message, "BridgeUniqueid", event: event)
        else { return }
        self.enter(uniqueId, bridge: bridge)
    }

    mutating func bridgeLeave(_ message: AMIMessage) {
        let event = "BridgeLeave"
        guard let uniqueId = self.upsertChannel(message, event: event),
            let bridge = self.required(message, "BridgeUniqueid", event: event)
        else { return }
        self.leave(uniqueId, bridge: bridge)
    }

    mutating func coreShowChannel(_ message: AMIMessage) {
        guard let uniqueId = self.upsertChannel(message, event: "CoreShowChannel") else { return }
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
        guard let uniqueId = self.required(message, "Uniqueid", event: "Hangup"),
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
