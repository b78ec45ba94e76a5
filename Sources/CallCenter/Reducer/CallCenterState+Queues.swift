import AMI

/// Folding queue facts into the model: queue parameters, waiting callers and the Agent*
/// events of queue calls.
extension CallCenterState {
    /// Where counters and averages saturate: the range Asterisk's own C `int`s can hold.
    static let counterRange = Int(AMINumber.count.lowerBound)...Int(AMINumber.count.upperBound)

    mutating func queueParams(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.queueParams.rawValue
        guard let queue = self.queueName(message, event: event) else { return }
        self.ensureQueue(queue, at: time)
        let completed = self.number(message, "Completed", event: event)
        let abandoned = self.number(message, "Abandoned", event: event)
        let holdTime = self.number(message, "Holdtime", event: event)
        let talkTime = self.number(message, "TalkTime", event: event)
        let serviceLevel = self.decimal(message, "ServicelevelPerf", event: event, in: AMINumber.percent)
        let serviceLevelSeconds = self.number(message, "ServiceLevel", event: event)
        let serviceLevelWithAbandoned = self.decimal(message, "ServicelevelPerf2", event: event, in: AMINumber.percent)
        guard var record = self.queues[queue] else { return }
        record.completed = completed ?? record.completed
        record.abandoned = abandoned ?? record.abandoned
        record.holdTime = holdTime ?? record.holdTime
        record.talkTime = talkTime ?? record.talkTime
        record.serviceLevel = serviceLevel ?? record.serviceLevel
        record.serviceLevelSeconds = serviceLevelSeconds ?? record.serviceLevelSeconds
        record.serviceLevelWithAbandoned = serviceLevelWithAbandoned ?? record.serviceLevelWithAbandoned
        // The counts behind the percentages, so that the events can keep them live.
        record.completedInServiceLevel = Self.count(percent: record.serviceLevel, of: record.completed)
        record.abandonedInServiceLevel = max(
            0,
            Self.count(
                percent: record.serviceLevelWithAbandoned,
                of: Saturating.add(record.completed, record.abandoned, in: Self.counterRange))
                - record.completedInServiceLevel)
        self.queues[queue] = record
        self.touchQueue(queue)
    }

    mutating func queueEntry(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.queueEntry.rawValue
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        let wait = Int64(self.number(message, "Wait", event: event) ?? 0)
        self.ensureQueue(queue, at: time)
        self.queues[queue]?.callers[uniqueId] = CallCenterTime(
            millisecondsSinceEpoch: Saturating.subtract(time.millisecondsSinceEpoch, Saturating.multiply(wait, 1000)))
        self.queues[queue]?.waitingSince = time
        self.setChannelQueue(uniqueId, queue)
        self.touchQueue(queue)
    }

    mutating func callerJoin(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.queueCallerJoin.rawValue
        guard let queue = self.required(message, "Queue", event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        // The caller's queue is shown on the agent's phoneNumber even for untracked queues;
        // the caller is kept while it waits (its Newchannel may never have reached the model).
        self.upsertChannel(message, event: event, hold: .waiting)
        self.setChannelQueue(uniqueId, queue)
        guard self.configuration.tracks(queue: queue) else { return }
        self.ensureQueue(queue, at: time)
        if self.queues[queue]?.callers[uniqueId] == nil {
            self.queues[queue]?.callers[uniqueId] = time
            self.queues[queue]?.waitingSince = time
        }
        self.callJoined(message, queue: queue, at: time)
        self.touchQueue(queue)
    }

    mutating func callerLeave(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.queueCallerLeave.rawValue
        // Whatever the queue's scope, the caller no longer waits (callerJoin kept it).
        if let uniqueId = message["Uniqueid"], !uniqueId.isEmpty {
            self.release(uniqueId, .waiting)
        }
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        if self.queues[queue]?.callers.removeValue(forKey: uniqueId) != nil {
            self.queues[queue]?.waitingSince = time
            self.touchQueue(queue)
        }
    }

    mutating func callerAbandon(
        _ message: AMIMessage, at time: CallCenterTime, statistics: QueueStatisticsCounting,
        events: inout [CallCenterEvent]
    ) {
        let event = ModelEvent.queueCallerAbandon.rawValue
        guard let queue = self.queueName(message, event: event),
            let uniqueId = self.required(message, "Uniqueid", event: event)
        else { return }
        let position = self.number(message, "Position", event: event) ?? 0
        let measuredHold = self.number(message, "HoldTime", event: event)
        let holdTime = measuredHold ?? 0
        self.ensureQueue(queue, at: time)
        if statistics == .count, var record = self.queues[queue] {
            record.abandoned = Saturating.add(record.abandoned, 1, in: Self.counterRange)
            if let measuredHold, measuredHold <= record.serviceLevelSeconds {
                record.abandonedInServiceLevel = Saturating.add(
                    record.abandonedInServiceLevel, 1, in: Self.counterRange)
            }
            Self.refreshServiceLevel(&record)
            self.queues[queue] = record
        }
        self.touchQueue(queue)
        events.append(
            .callerAbandon(CallerAbandonEvent(queue: queue, uniqueId: uniqueId, position: position, holdTime: holdTime))
        )
        self.callAbandoned(message, at: time, into: &events)
    }

    /// The tracked agent an Agent* event is about (by its member `Interface`).
    mutating func eventAgent(_ message: AMIMessage, event: String) -> String? {
        guard let interface = self.required(message, "Interface", event: event),
            let agent = self.identity.agent(interface: interface, stateInterface: nil),
            self.configuration.tracks(agent: agent)
        else { return nil }
        return agent
    }

    /// The agent an Agent* event is about whatever the agent scope, for the call model: a
    /// call of a tracked queue is followed to its end whoever answers it (only tracked agents
    /// get `{p}/agent/{a}/call`). Nil without an `Interface`, uncounted (``eventAgent`` counts).
    func callAgent(_ message: AMIMessage) -> String? {
        guard let interface = message["Interface"], !interface.isEmpty else { return nil }
        return self.identity.agent(interface: interface, stateInterface: nil)
    }

    mutating func agentCalled(_ message: AMIMessage, at time: CallCenterTime, events: inout [CallCenterEvent]) {
        let event = ModelEvent.agentCalled.rawValue
        guard let queue = self.queueName(message, event: event) else { return }
        guard let agent = self.eventAgent(message, event: event) else {
            if let agent = self.callAgent(message) {
                self.callRinging(message, queue: queue, agent: agent, at: time, into: &events)
            }
            return
        }
        events.append(
            .agentCalled(
                AgentCalledEvent(
                    agent: agent, queue: queue, number: Self.callerID(message["CallerIDNum"]),
                    name: Self.callerID(message["CallerIDName"]), uniqueId: message["Uniqueid"] ?? ""
                )
            )
        )
        self.callRinging(message, queue: queue, agent: agent, at: time, into: &events)
    }

    mutating func agentConnect(
        _ message: AMIMessage, at time: CallCenterTime, statistics: QueueStatisticsCounting,
        events: inout [CallCenterEvent]
    ) {
        let event = ModelEvent.agentConnect.rawValue
        guard let queue = self.required(message, "Queue", event: event) else { return }
        // The caller (not the Dest* member leg) is kept until its AgentComplete, so it keeps
        // its queue through a park or a transfer.
        if message["Uniqueid"]?.isEmpty == false,
            let uniqueId = self.upsertChannel(message, event: event, hold: .connected)
        {
            self.setChannelQueue(uniqueId, queue)
        }
        guard self.configuration.tracks(queue: queue) else { return }
        self.ensureQueue(queue, at: time)
        if statistics == .count, let hold = self.number(message, "HoldTime", event: event),
            let record = self.queues[queue]
        {
            // app_queue's running average: new = (3 * old + sample) / 4.
            self.queues[queue]?.holdTime = Saturating.runningAverage(record.holdTime, hold, in: Self.counterRange)
            self.touchQueue(queue)
        }
        if let agent = self.callAgent(message) {
            self.callConnected(message, queue: queue, agent: agent, at: time, into: &events)
        }
    }

    mutating func agentComplete(
        _ message: AMIMessage, at time: CallCenterTime, statistics: QueueStatisticsCounting,
        events: inout [CallCenterEvent]
    ) {
        let event = ModelEvent.agentComplete.rawValue
        let call = self.completedCall(message)
        // Without the caller's snapshot the call the model followed names the caller.
        let callerID =
            message["Uniqueid"].flatMap { $0.isEmpty ? nil : $0 } ?? call.flatMap { self.calls[$0]?.uniqueID }
        if let callerID {
            self.release(callerID, .connected)
        }
        guard let queue = self.queueName(message, event: event) else { return }
        let talk = self.number(message, "TalkTime", event: event)
        let measuredHold = self.number(message, "HoldTime", event: event)
        let hold = measuredHold ?? 0
        self.ensureQueue(queue, at: time)
        if statistics == .count, var record = self.queues[queue] {
            record.completed = Saturating.add(record.completed, 1, in: Self.counterRange)
            // In app_queue's service level when the caller waited at most its threshold.
            if let measuredHold, measuredHold <= record.serviceLevelSeconds {
                record.completedInServiceLevel = Saturating.add(
                    record.completedInServiceLevel, 1, in: Self.counterRange)
            }
            Self.refreshServiceLevel(&record)
            self.queues[queue] = record
            // A refused TalkTime leaves the average alone rather than pulling it towards 0.
            if let talk {
                self.queues[queue]?.talkTime = Saturating.runningAverage(record.talkTime, talk, in: Self.counterRange)
            }
            self.touchQueue(queue)
        }
        var callEvents: [CallCenterEvent] = []
        let reason = message["Reason"] ?? ""
        let recording = self.callCompleted(message, call: call, reason: reason, at: time, into: &callEvents)
        defer { events.append(contentsOf: callEvents) }
        guard let agent = self.eventAgent(message, event: event) else { return }
        events.append(
            .agentComplete(
                AgentCompleteEvent(
                    agent: agent, queue: queue, uniqueId: callerID ?? "", talkTime: talk ?? 0,
                    holdTime: hold, reason: reason, recording: recording
                )
            )
        )
    }

    // MARK: Service level

    /// app_queue's percentages from the counts: `ServicelevelPerf` = answered within the
    /// threshold / answered, `ServicelevelPerf2` = (answered + abandoned within it) /
    /// (answered + abandoned), each with one decimal as Asterisk prints them (`%.1f`).
    static func refreshServiceLevel(_ record: inout QueueRecord) {
        record.serviceLevel = Self.percent(record.completedInServiceLevel, of: record.completed)
        record.serviceLevelWithAbandoned = Self.percent(
            Saturating.add(record.completedInServiceLevel, record.abandonedInServiceLevel, in: Self.counterRange),
            of: Saturating.add(record.completed, record.abandoned, in: Self.counterRange))
    }

    /// `part` of `whole` in percent with one decimal, ties to even like printf; 0 of nothing.
    static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        let scaled = Int64(min(part, whole)) * 1000
        var tenths = scaled / Int64(whole)
        let remainder = (scaled % Int64(whole)) * 2
        if remainder > Int64(whole) || (remainder == Int64(whole) && tenths % 2 == 1) { tenths += 1 }
        return Double(tenths) / 10
    }

    /// How many of `whole` calls a printed percentage stands for (the nearest count).
    static func count(percent: Double, of whole: Int) -> Int {
        guard whole > 0 else { return 0 }
        return min(whole, max(0, Int((percent * Double(whole) / 100).rounded())))
    }
}
