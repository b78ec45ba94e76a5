/// Deriving published values from the model.
extension CallCenterState {
    /// The value a retained topic should hold now, or nil when it should be empty.
    func value(for key: StateKey) -> StateValue? {
        switch key {
        case .agentExtensionStatus(let agent):
            guard let record = self.agents[agent], let status = record.extensionStatus else { return nil }
            return .extensionStatus(ExtensionStatusValue(agent: agent, status: status, since: record.extensionSince))
        case .agentName(let agent):
            guard let name = self.agents[agent]?.name else { return nil }
            return .name(AgentNameValue(agent: agent, name: name))
        case .agentQueueMemberStatus(let agent, let queue):
            guard let member = self.agents[agent]?.memberships[queue] else { return nil }
            return .queueMemberStatus(
                QueueMemberStatusValue(
                    agent: agent, queue: queue, status: member.publishedStatus, paused: member.paused,
                    pausedReason: member.pausedReason, penalty: member.penalty, callsTaken: member.callsTaken,
                    lastCall: member.lastCall, since: member.since
                )
            )
        case .agentPhoneNumber(let agent):
            return self.phoneNumber(of: agent).map(StateValue.phoneNumber)
        case .extensionPresence(let exten):
            return self.presence(of: exten).map(StateValue.presence)
        case .parking(let lot, let space):
            return self.parking(lot: lot, space: space).map(StateValue.parking)
        case .agentCall(let agent):
            guard self.configuration.tracks(agent: agent) else { return nil }
            return self.liveCalls(of: agent).first.map(StateValue.call)
        case .extensionConversations(let exten):
            guard self.extensions[exten] != nil else { return nil }
            return .conversations(ConversationsValue(extensionID: exten, calls: self.liveCalls(of: exten)))
        case .queueCount(let queue):
            guard let record = self.queues[queue] else { return nil }
            return .queueCount(QueueCountValue(queue: queue, count: record.callers.count))
        case .queueStats(let queue):
            guard let record = self.queues[queue] else { return nil }
            var longest: Int64 = 0
            for joined in record.callers.values {
                longest = max(
                    longest,
                    Saturating.subtract(record.waitingSince.millisecondsSinceEpoch, joined.millisecondsSinceEpoch))
            }
            return .queueStats(
                QueueStatsValue(
                    queue: queue, waiting: record.callers.count, longestWaitSeconds: Int(longest / 1000),
                    members: record.counts.members, available: record.counts.available,
                    paused: record.counts.paused, completed: record.completed, abandoned: record.abandoned,
                    holdTime: record.holdTime, talkTime: record.talkTime, serviceLevel: record.serviceLevel,
                    oldestWaitingSince: record.callers.values.min(),
                    membersByStatus: Dictionary(
                        uniqueKeysWithValues: record.counts.byStatus.map { ($0.key.rawValue, $0.value) }),
                    serviceLevelSeconds: record.serviceLevelSeconds,
                    serviceLevelWithAbandoned: record.serviceLevelWithAbandoned
                )
            )
        }
    }

    /// The party a known agent is bridged with: the other channel (not the agent's own) in
    /// a bridge with one of the agent's channels; the smallest Uniqueid wins when several do.
    /// Number and name come from the agent channel's connected line, which Asterisk keeps
    /// right in both directions (on an outbound call the far channel's caller id is the
    /// agent's own, copied by Dial); the far channel's caller id is the fallback.
    func phoneNumber(of agent: String) -> PhoneNumberValue? {
        guard self.agents[agent] != nil, let own = self.agentChannels[agent] else { return nil }
        var best: (id: String, channel: ChannelRecord, mine: ChannelRecord)?
        for id in own {
            guard let mine = self.channels[id], let bridge = mine.bridge, let members = self.bridges[bridge] else {
                continue
            }
            for other in members where !own.contains(other) {
                guard let channel = self.channels[other], channel.agent != agent else { continue }
                if let current = best, current.id <= other { continue }
                best = (other, channel, mine)
            }
        }
        guard let best else { return nil }
        let useConnected = !best.mine.connectedNumber.isEmpty
        // The call's first channel (Linkedid) tells who started it: the agent's own leg for a
        // call the agent placed, the other party's for one it received. Its Uniqueid also
        // carries the call's start (`<epoch seconds>.<sequence>`), so both come out the same
        // from the event stream and from a CoreShowChannels snapshot, with no clock.
        let linked = best.mine.linkedID ?? best.channel.linkedID
        let ownIDs = own
        let direction = linked.map { ownIDs.contains($0) ? "outbound" : "inbound" }
        return PhoneNumberValue(
            agent: agent,
            number: useConnected ? best.mine.connectedNumber : best.channel.callerNumber,
            name: useConnected ? best.mine.connectedName : best.channel.callerName,
            queue: best.channel.queue, uniqueId: best.id,
            direction: direction, startTime: linked.flatMap(Self.callStart)
        )
    }

    /// When the longest-waiting caller of `queue` joined (nil: nobody waits), for a live
    /// wait display; the published `longestWaitSeconds` only moves on queue events.
    public func oldestWaitingCallerJoined(queue: String) -> CallCenterTime? {
        self.queues[queue]?.callers.values.min()
    }

    /// How many agents the model knows (a status line's "12 agents / 3 queues").
    public var agentCount: Int { self.agents.count }

    /// How many queues the model knows.
    public var queueCount: Int { self.queues.count }

    /// Every retained value, sorted by key: what to republish after a broker reconnect.
    public var fullView: [CallCenterChange] {
        self.view.keys.sorted().compactMap { key in self.view[key].map { .set(key, $0) } }
    }

    /// The changes that turn the `old` view into the `new` one: sets for new or changed
    /// values, `loggedoff` then clear for vanished members, clears for other vanished topics.
    /// Sorted by key, so the output is deterministic.
    public static func diff(
        _ old: [StateKey: StateValue], _ new: [StateKey: StateValue], at time: CallCenterTime
    ) -> [CallCenterChange] {
        var changes: [CallCenterChange] = []
        Self.forEachDifference(old, new, at: time) { changes.append($0) }
        return changes
    }

    /// Hands `body` the changes of ``diff(_:_:at:)``, in the same order, one at a time: a
    /// resync of thousands of topics then never holds all of them at once (each change is a
    /// few hundred bytes, and the sync's peak is the daemon's peak memory).
    public static func forEachDifference(
        _ old: [StateKey: StateValue], _ new: [StateKey: StateValue], at time: CallCenterTime,
        _ body: (CallCenterChange) -> Void
    ) {
        var keys = Set(new.keys)
        keys.formUnion(old.keys)
        for key in keys.sorted() {
            let before = old[key]
            let after = new[key]
            if before == after { continue }
            if let after {
                body(.set(key, after))
            } else if let before {
                if case .queueMemberStatus(var last) = before {
                    last.status = .loggedoff
                    last.since = time
                    body(.set(key, .queueMemberStatus(last)))
                }
                body(.clear(key))
            }
        }
    }

    /// The changes that turn this state's view into `other`'s.
    public func diff(to other: CallCenterState, at time: CallCenterTime) -> [CallCenterChange] {
        Self.diff(self.view, other.view, at: time)
    }

    /// The start of a call from its Linkedid, `[<system name>-]<epoch seconds>.<sequence>`;
    /// nil when the seconds are not a time ISO 8601 can write (see ``AMINumber``).
    static func callStart(linkedID: String) -> CallCenterTime? {
        let tail = linkedID.split(separator: "-").last ?? Substring(linkedID)
        guard let dot = tail.firstIndex(of: "."),
            let seconds = AMINumber.integer(tail[..<dot], in: AMINumber.epochSeconds), seconds > 0
        else { return nil }
        return CallCenterTime(secondsSinceEpoch: seconds)
    }
}
