import AMI

/// Folding queue facts into the model: queue parameters, waiting callers and the Agent*
/// events of queue calls.
extension CallCenterState {
    mutating func queueParams(_ message: AMIMessage, at time: CallCenterTime) {
        guard let queue = self.queueName(message, event: ModelEvent.queueParams.rawValue) else { return }
        self.ensureQueue(queue, at: time)
        guard var record = self.queues[queue] else { return }
        record.completed = Self.int(message["Completed"]) ?? record.completed
        record.abandoned = Self.int(message["Abandoned"]) ?? record.abandoned
        record.holdTime = Self.int(message["Holdtime"]) ?? record.holdTime
        record.talkTime = Self.int(message["TalkTime"]) ?? record.talkTime
        record.serviceLevel = message["ServicelevelPerf"].flatMap { Double($0) } ?? record.serviceLevel
        record.serviceLevelSeconds = Self.int(message["ServiceLevel"]) ?? record.serviceLevelSeconds
        record.serviceLevelWithAbandoned = Self.double(message["ServicelevelPerf2"]) ?? record.serviceLevelWithAbandoned
        self.queues[queue] = record
        self.touchQueue(queue)
    }

    mutating func queueEntry(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.queueEntry.rawValue
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
        let event = ModelEvent.queueCallerJoin.rawValue
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
        let event = ModelEvent.queueCallerLeave.rawValue
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        if self.queues[queue]?.callers.removeValue(forKey: uniqueId) != nil {
            self.queues[queue]?.waitingSince = time
            self.touchQueue(queue)
        }
    }

    mutating func callerAbandon(_ message: AMIMessage, at time: CallCenterTime, events: inout [CallCenterEvent]) {
        let event = ModelEvent.queueCallerAbandon.rawValue
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
        let event = ModelEvent.agentCalled.rawValue
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
        let event = ModelEvent.agentConnect.rawValue
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
        let event = ModelEvent.agentComplete.rawValue
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
}
