import AMI

/// Folding agent facts into the model: extension hints and queue memberships.
extension CallCenterState {
    // MARK: Extensions

    mutating func extensionStatus(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.extensionStatus.rawValue
        guard let raw = self.required(message, "Status", event: event) else { return }
        guard let agent = self.identity.agent(hint: message["Hint"], exten: message["Exten"]) else {
            self.noteMalformed(event, "Exten")
            return
        }
        guard self.configuration.tracks(agent: agent) else { return }
        let status: AgentStatus?
        if let code = AMINumber.int(raw, in: AMINumber.signed32) {
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
        var record = self.agents[agent] ?? AgentRecord(extensionStatus: nil, extensionSince: time)
        if record.extensionStatus != status {
            record.extensionStatus = status
            record.extensionSince = time
        }
        self.agents[agent] = record.isEmpty ? nil : record
        self.touchAgent(agent)
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
            if let code = AMINumber.int(raw, in: AMINumber.signed32), let mapped = StatusCodes.deviceStatus(code) {
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
        let lastCallSeconds = self.number(message, "LastCall", event: event, in: AMINumber.epochSeconds)
        let penalty = self.number(message, "Penalty", event: event, in: AMINumber.signed32)
        let callsTaken = self.number(message, "CallsTaken", event: event)
        var member = MembershipRecord(
            name: message["MemberName"] ?? message["Name"] ?? old?.name ?? "",
            interface: interface,
            deviceStatus: deviceStatus,
            deviceAvailable: deviceAvailable,
            paused: paused,
            pausedReason: message["PausedReason"] ?? old?.pausedReason ?? "",
            penalty: penalty ?? old?.penalty ?? 0,
            callsTaken: callsTaken ?? old?.callsTaken ?? 0,
            lastCall: lastCallSeconds.map { $0 > 0 ? CallCenterTime(secondsSinceEpoch: Int64($0)) : nil }
                ?? old?.lastCall,
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
        let event = ModelEvent.queueMemberRemoved.rawValue
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
}
