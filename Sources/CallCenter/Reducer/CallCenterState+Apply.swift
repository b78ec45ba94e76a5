import AMI

/// Folding AMI packets into the model.
extension CallCenterState {
    /// Applies one AMI packet received at `time` and returns what to publish: a `set` for
    /// each retained value that really changed, a `clear` for each topic that emptied, and
    /// the contract's events. Responses, events that are no ``ModelEvent`` and malformed
    /// events return nothing (the latter are counted in `diagnostics`). `statistics` says
    /// whether the queue statistics still have to count the event (see
    /// ``QueueStatisticsCounting``).
    public mutating func apply(
        _ message: AMIMessage, at time: CallCenterTime, statistics: QueueStatisticsCounting = .count
    ) -> [CallCenterChange] {
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
        guard let event = ModelEvent(eventName: name) else { return [] }
        var events: [CallCenterEvent] = []
        switch event {
        case .extensionStatus:
            self.extensionStatus(message, at: time)
            self.extensionPresence(message, at: time)
        case .deviceStateChange:
            self.deviceStateChange(message, at: time)
        case .userEvent:
            self.userEvent(message, at: time)
        case .dbGetTreeResponse:
            self.astDBTreeItem(message, at: time)
        case .queueMemberAdded, .queueMemberStatus, .queueMemberPause, .queueMemberPenalty, .queueMemberRinginuse,
            .queueMember:
            self.memberUpdate(message, event: name, at: time)
        case .queueMemberRemoved:
            self.memberRemoved(message, at: time)
        case .queueParams:
            self.queueParams(message, at: time)
        case .queueSummary:
            if let queue = self.queueName(message, event: name) { self.ensureQueue(queue, at: time) }
        case .queueEntry:
            self.queueEntry(message, at: time)
        case .queueCallerJoin:
            self.callerJoin(message, at: time)
        case .queueCallerLeave:
            self.callerLeave(message, at: time)
            self.callLeft(message, at: time, into: &events)
        case .queueCallerAbandon:
            self.callerAbandon(message, at: time, statistics: statistics, events: &events)
        case .agentCalled:
            self.agentCalled(message, at: time, events: &events)
        case .agentConnect:
            self.agentConnect(message, at: time, statistics: statistics, events: &events)
        case .agentRingNoAnswer:
            self.callRingNoAnswer(message, at: time, into: &events)
        case .hold, .unhold:
            self.callHold(message, on: event == .hold, at: time, into: &events)
        case .blindTransfer, .attendedTransfer:
            self.callTransferred(message, attended: event == .attendedTransfer, at: time, into: &events)
        case .agentComplete:
            self.agentComplete(message, at: time, statistics: statistics, events: &events)
        case .newchannel:
            self.newchannel(message)
        case .newConnectedLine:
            self.newConnectedLine(message)
        case .coreShowChannel:
            self.coreShowChannel(message)
        case .bridgeEnter:
            self.bridgeEnter(message)
        case .bridgeLeave:
            self.bridgeLeave(message)
        case .hangup:
            self.hangup(message)
        case .parkedCall:
            self.parkedCall(message, at: time)
            self.callParked(message, at: time, into: &events)
        case .unParkedCall, .parkedCallTimeOut, .parkedCallGiveUp:
            self.parkingEnded(message, event: event)
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

    /// The numeric field `field` within `range`; nil when absent, and when refused by
    /// ``AMINumber`` (then counted, so the caller keeps what it knew and applies the rest).
    mutating func number(
        _ message: AMIMessage, _ field: String, event: String, in range: ClosedRange<Int64> = AMINumber.count
    ) -> Int? {
        guard let raw = message[field] else { return nil }
        guard let value = AMINumber.int(raw, in: range) else {
            self.noteRejectedNumber(event, field, raw)
            return nil
        }
        return value
    }

    /// The decimal field `field` within `range`; nil when absent or refused (then counted).
    mutating func decimal(_ message: AMIMessage, _ field: String, event: String, in range: ClosedRange<Double>)
        -> Double?
    {
        guard let raw = message[field] else { return nil }
        guard let value = AMINumber.decimal(raw, in: range) else {
            self.noteRejectedNumber(event, field, raw)
            return nil
        }
        return value
    }

    mutating func ensureQueue(_ queue: String, at time: CallCenterTime) {
        if self.queues[queue] == nil {
            self.queues[queue] = QueueRecord(at: time)
            self.touchQueue(queue)
        }
    }
}
