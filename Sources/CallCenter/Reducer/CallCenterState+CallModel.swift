import AMI

/// Following queue calls for the call-state events (`{p}/call/{linkedid}/event`), the
/// agents' current call (`{p}/agent/{a}/call`) and the extensions' conversations.
///
/// Only events the event filter passes whole feed this (the queue's Agent*/QueueCaller*
/// events, Hold, Unhold and the transfers, all found by `Linkedid`): the agents' Local legs
/// and the callers' channels are not followed, so a filtered stream gives the same calls.
extension CallCenterState {
    /// The channel variable app_mixmonitor sets to its file; manager.conf's `channelvars`
    /// makes Asterisk add it to every channel snapshot as `ChanVariable: NAME=value`.
    public static let recordingVariable = "MIXMONITOR_FILENAME"

    /// The call a packet belongs to: its `Linkedid`, else its `Uniqueid`.
    static func callID(_ message: AMIMessage, prefix: String = "") -> String? {
        if let linked = message[prefix + "Linkedid"], !linked.isEmpty { return linked }
        if let unique = message[prefix + "Uniqueid"], !unique.isEmpty { return unique }
        return nil
    }

    static func party(_ message: AMIMessage, prefix: String) -> CallParty {
        CallParty(
            number: Self.callerID(message[prefix + "CallerIDNum"]),
            name: Self.callerID(message[prefix + "CallerIDName"]),
            channel: message[prefix + "Channel"] ?? "")
    }

    /// The recording file a snapshot carries (`ChanVariable`, then the member leg's
    /// `DestChanVariable`), or nil.
    static func recording(in message: AMIMessage) -> String? {
        let prefix = Self.recordingVariable + "="
        for key in ["ChanVariable", "DestChanVariable"] {
            for value in message.values(of: key) where value.hasPrefix(prefix) && value.count > prefix.count {
                return String(value.dropFirst(prefix.count))
            }
        }
        return nil
    }

    // MARK: Values

    /// The call as `agent` sees it, nil when it is not (or no longer) that agent's call.
    func callValue(_ record: CallRecord, for agent: String) -> CallValue? {
        if record.agent == agent {
            guard record.transfer == nil else { return nil }
            return self.callValue(record, agent: agent, state: record.holdSince == nil ? .talking : .onHold)
        }
        guard let leg = record.ringing[agent], record.agent == nil else { return nil }
        var value = self.callValue(record, agent: agent, state: .ringing)
        value.callee = leg
        return value
    }

    func callValue(_ record: CallRecord, agent: String, state: CallState) -> CallValue {
        CallValue(
            linkedID: record.linkedID, uniqueID: record.uniqueID, state: state, queue: record.queue, agent: agent,
            caller: record.caller, callee: record.callee, startedAt: record.startedAt, answeredAt: record.answeredAt,
            holdSince: record.holdSince, holdSeconds: Int(record.heldMilliseconds / 1000),
            transfer: record.transfer, recording: record.recording)
    }

    /// The agent's live calls, answered first, then by start.
    func liveCalls(of agent: String) -> [CallValue] {
        guard let ids = self.agentCalls[agent] else { return [] }
        return ids.compactMap { self.calls[$0].flatMap { self.callValue($0, for: agent) } }.sorted {
            ($0.state == .ringing ? 1 : 0, $0.startedAt, $0.linkedID)
                < ($1.state == .ringing ? 1 : 0, $1.startedAt, $1.linkedID)
        }
    }

    // MARK: Bookkeeping

    mutating func link(_ agent: String, to call: String) {
        self.agentCalls[agent, default: []].insert(call)
        self.touchCall(of: agent)
    }

    mutating func unlink(_ agent: String, from call: String) {
        guard self.agentCalls[agent]?.remove(call) != nil else { return }
        if self.agentCalls[agent]?.isEmpty == true { self.agentCalls[agent] = nil }
        self.touchCall(of: agent)
    }

    mutating func touchCall(of agent: String) {
        guard self.configuration.tracks(agent: agent) else { return }
        self.touch(.agentCall(agent: agent))
        self.touch(.extensionConversations(extension: agent))
    }

    mutating func emit(
        _ name: CallStateEvent.Name, _ record: CallRecord, agent: String, state: CallState, cause: String? = nil,
        at time: CallCenterTime, into events: inout [CallCenterEvent]
    ) {
        // A tracked queue's call is followed whoever rings or answers, but only the events
        // about tracked agents (or about nobody: a call abandoned unanswered) are published.
        guard agent.isEmpty || self.configuration.tracks(agent: agent) else { return }
        var value = self.callValue(record, agent: agent, state: state)
        if let leg = record.ringing[agent], record.agent != agent { value.callee = leg }
        events.append(.callState(CallStateEvent(event: name, at: time, cause: cause, call: value)))
    }

    /// Ends the call: a `finished` event, and it leaves every agent's topics.
    mutating func finishCall(_ id: String, cause: String, at time: CallCenterTime, into events: inout [CallCenterEvent])
    {
        guard var record = self.calls.removeValue(forKey: id) else { return }
        record.endHold(at: time)
        for agent in record.ringing.keys.sorted() {
            self.emit(.ringFinished, record, agent: agent, state: .ringing, cause: cause, at: time, into: &events)
            self.unlink(agent, from: id)
        }
        record.ringing = [:]
        let agent = record.agent ?? ""
        self.emit(.finished, record, agent: agent, state: .finished, cause: cause, at: time, into: &events)
        if let answered = record.agent { self.unlink(answered, from: id) }
    }

    // MARK: Queue events

    /// QueueCallerJoin of a tracked queue: the call starts (no event: nobody rings yet).
    mutating func callJoined(_ message: AMIMessage, queue: String, at time: CallCenterTime) {
        guard let id = Self.callID(message), let uniqueID = message["Uniqueid"], self.calls[id] == nil else { return }
        self.calls[id] = CallRecord(
            linkedID: id, uniqueID: uniqueID, caller: Self.party(message, prefix: ""), queue: queue,
            callee: CallParty(number: "", name: "", channel: ""), startedAt: time)
    }

    /// AgentCalled: `ringStarted` for the agent.
    mutating func callRinging(
        _ message: AMIMessage, queue: String, agent: String, at time: CallCenterTime,
        into events: inout [CallCenterEvent]
    ) {
        guard let id = Self.callID(message), let uniqueID = message["Uniqueid"] else { return }
        var record =
            self.calls[id]
            ?? CallRecord(
                linkedID: id, uniqueID: uniqueID, caller: Self.party(message, prefix: ""), queue: queue,
                callee: CallParty(number: "", name: "", channel: ""), startedAt: time)
        guard record.agent == nil else { return }
        var leg = Self.party(message, prefix: "Dest")
        leg.number = agent
        leg.name = message["MemberName"] ?? ""
        record.ringing[agent] = leg
        self.calls[id] = record
        // A ring the model never saw end (the caller left while it rang) ends now: an agent
        // rings for one call at a time.
        for other in self.agentCalls[agent] ?? [] where other != id {
            if var stale = self.calls[other], stale.agent == nil, stale.ringing[agent] != nil {
                stale.ringing[agent] = nil
                self.calls[other] = stale
                self.unlink(agent, from: other)
                if stale.ringing.isEmpty, stale.leftQueue {
                    self.finishCall(other, cause: "left", at: time, into: &events)
                }
            }
        }
        self.link(agent, to: id)
        self.emit(.ringStarted, record, agent: agent, state: .ringing, at: time, into: &events)
    }

    /// AgentConnect: every ringing agent's `ringFinished`, then `commutationStarted`.
    mutating func callConnected(
        _ message: AMIMessage, queue: String, agent: String, at time: CallCenterTime,
        into events: inout [CallCenterEvent]
    ) {
        guard let id = Self.callID(message), let uniqueID = message["Uniqueid"] else { return }
        var record =
            self.calls[id]
            ?? CallRecord(
                linkedID: id, uniqueID: uniqueID, caller: Self.party(message, prefix: ""), queue: queue,
                callee: CallParty(number: "", name: "", channel: ""), startedAt: time)
        guard record.agent == nil else { return }
        for other in record.ringing.keys.sorted() {
            let cause = other == agent ? "answered" : "answeredElsewhere"
            self.emit(.ringFinished, record, agent: other, state: .ringing, cause: cause, at: time, into: &events)
            if other != agent { self.unlink(other, from: id) }
        }
        var callee = record.ringing[agent] ?? Self.party(message, prefix: "Dest")
        callee.number = agent
        if callee.name.isEmpty { callee.name = message["MemberName"] ?? "" }
        record.ringing = [:]
        record.agent = agent
        record.callee = callee
        record.answeredAt = time
        record.recording = Self.recording(in: message) ?? record.recording
        self.calls[id] = record
        self.link(agent, to: id)
        self.emit(.commutationStarted, record, agent: agent, state: .talking, at: time, into: &events)
    }

    /// AgentRingNoAnswer: the agent's `ringFinished`; the caller waits on.
    mutating func callRingNoAnswer(_ message: AMIMessage, at time: CallCenterTime, into events: inout [CallCenterEvent])
    {
        let event = ModelEvent.agentRingNoAnswer.rawValue
        guard self.queueName(message, event: event) != nil, let agent = self.eventAgent(message, event: event),
            let id = Self.callID(message), var record = self.calls[id], record.ringing[agent] != nil
        else { return }
        self.emit(.ringFinished, record, agent: agent, state: .ringing, cause: "noAnswer", at: time, into: &events)
        record.ringing[agent] = nil
        self.calls[id] = record
        self.unlink(agent, from: id)
        if record.ringing.isEmpty, record.leftQueue, record.agent == nil {
            self.finishCall(id, cause: "left", at: time, into: &events)
        }
    }

    /// QueueCallerAbandon: the rings end and the call is `finished` (`abandoned`).
    mutating func callAbandoned(_ message: AMIMessage, at time: CallCenterTime, into events: inout [CallCenterEvent]) {
        guard let id = Self.callID(message), self.calls[id]?.agent == nil else { return }
        self.finishCall(id, cause: "abandoned", at: time, into: &events)
    }

    /// QueueCallerLeave: an answered call goes on (AgentConnect follows); one nobody answers
    /// or rings is over (`left`: a timeout or an exit key).
    mutating func callLeft(_ message: AMIMessage, at time: CallCenterTime, into events: inout [CallCenterEvent]) {
        guard let id = Self.callID(message), var record = self.calls[id], record.agent == nil else { return }
        record.leftQueue = true
        self.calls[id] = record
        if record.ringing.isEmpty { self.finishCall(id, cause: "left", at: time, into: &events) }
    }

    /// The call an AgentComplete ends. Asterisk leaves the caller's snapshot out (no
    /// Uniqueid, no Linkedid) when the caller's channel is already gone, as after a parked
    /// call is picked up or times out (call-features/park-pickup.ami): then it is the
    /// agent's oldest answered call in that queue.
    func completedCall(_ message: AMIMessage) -> String? {
        if let id = Self.callID(message) { return id }
        guard let queue = message["Queue"], let agent = self.callAgent(message) else { return nil }
        return self.calls.values.filter { $0.queue == queue && $0.agent == agent }
            .min { ($0.answeredAt ?? $0.startedAt, $0.linkedID) < ($1.answeredAt ?? $1.startedAt, $1.linkedID) }?
            .linkedID
    }

    /// AgentComplete: the recording file for agentComplete, and the call is `finished` with
    /// Asterisk's reason.
    mutating func callCompleted(
        _ message: AMIMessage, call id: String?, reason: String, at time: CallCenterTime,
        into events: inout [CallCenterEvent]
    ) -> String? {
        guard let id else { return Self.recording(in: message) }
        let recording = Self.recording(in: message) ?? self.calls[id]?.recording
        if var record = self.calls[id] {
            record.recording = recording
            self.calls[id] = record
        }
        self.finishCall(id, cause: reason.isEmpty ? "unknown" : reason, at: time, into: &events)
        return recording
    }

    // MARK: Hold and transfers

    /// Hold/Unhold on any channel of an answered call: `putHold` / `endHold`.
    mutating func callHold(
        _ message: AMIMessage, on: Bool, at time: CallCenterTime, into events: inout [CallCenterEvent]
    ) {
        let event = on ? ModelEvent.hold.rawValue : ModelEvent.unhold.rawValue
        guard self.required(message, "Uniqueid", event: event) != nil, let id = Self.callID(message),
            var record = self.calls[id], let agent = record.agent,
            record.transfer == nil
        else { return }
        if on {
            guard record.holdSince == nil else { return }
            record.holdSince = time
            self.calls[id] = record
            self.touchCall(of: agent)
            self.emit(.putHold, record, agent: agent, state: .onHold, at: time, into: &events)
        } else {
            guard record.holdSince != nil else { return }
            record.endHold(at: time)
            self.calls[id] = record
            self.touchCall(of: agent)
            self.emit(.endHold, record, agent: agent, state: .talking, at: time, into: &events)
        }
    }

    /// A successful BlindTransfer or AttendedTransfer of an answered call: `transferred`,
    /// and the call leaves the agent (its `finished` comes with AgentComplete, when the caller
    /// finally goes).
    mutating func callTransferred(
        _ message: AMIMessage, attended: Bool, at time: CallCenterTime, into events: inout [CallCenterEvent]
    ) {
        let event = attended ? ModelEvent.attendedTransfer.rawValue : ModelEvent.blindTransfer.rawValue
        guard self.required(message, "Result", event: event) == "Success",
            let id = Self.callID(message, prefix: "Transferee")
                ?? Self.callID(message, prefix: attended ? "OrigTransferer" : "Transferer"),
            var record = self.calls[id], let agent = record.agent, record.transfer == nil
        else { return }
        record.endHold(at: time)
        record.transfer =
            attended
            ? CallTransfer(
                kind: "attended", number: message["TransferTargetExten"] ?? "",
                channel: message["TransferTargetChannel"] ?? "", at: time)
            : CallTransfer(kind: "blind", number: message["Extension"] ?? "", channel: "", at: time)
        self.calls[id] = record
        self.touchCall(of: agent)
        self.emit(.transferred, record, agent: agent, state: .transferred, at: time, into: &events)
    }

    /// ParkedCall of an answered call's caller: the agent parked it (Asterisk hangs up the
    /// agent's leg), so the call leaves the agent like a transfer to the parking space:
    /// `transferred` with kind `park`; its `finished` comes with AgentComplete, when the parked
    /// caller is picked up, times out or goes.
    mutating func callParked(_ message: AMIMessage, at time: CallCenterTime, into events: inout [CallCenterEvent]) {
        guard let id = message["ParkeeLinkedid"], var record = self.calls[id], let agent = record.agent,
            record.transfer == nil
        else { return }
        record.endHold(at: time)
        record.transfer = CallTransfer(
            kind: "park", number: message["ParkingSpace"] ?? "", channel: message["ParkeeChannel"] ?? "", at: time)
        self.calls[id] = record
        self.touchCall(of: agent)
        self.emit(.transferred, record, agent: agent, state: .transferred, at: time, into: &events)
    }
}
