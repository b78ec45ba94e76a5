import CallCenter

/// Turns model values into the contract's JSON payloads, keys in the contract's order so that
/// an unchanged value always gives the same bytes. `package` for the AMI fuzzer (Fuzz/), which
/// encodes every change a hostile stream produces.
package enum PayloadEncoder {
    package static func encode(_ value: StateValue) -> [UInt8] {
        var json = JSONWriter(capacity: Self.capacity(value))
        // The one payload that is a list, not an object.
        if case .conversations(let value) = value {
            json.beginArray()
            for call in value.calls {
                json.beginObject()
                Self.write(call, into: &json)
                json.endObject()
            }
            json.endArray()
            return json.bytes
        }
        json.beginObject()
        switch value {
        case .extensionStatus(let value):
            json.field("agent", value.agent)
            json.field("status", value.status.rawValue)
            json.field("since", Timestamp.iso8601(value.since))
        case .name(let value):
            json.field("agent", value.agent)
            json.field("name", value.name)
        case .queueMemberStatus(let value):
            json.field("agent", value.agent)
            json.field("queue", value.queue)
            json.field("status", value.status.rawValue)
            json.field("paused", value.paused)
            json.field("pausedReason", value.pausedReason)
            json.field("penalty", value.penalty)
            json.field("callsTaken", value.callsTaken)
            json.field("lastCall", value.lastCall.map(Timestamp.iso8601))
            json.field("since", Timestamp.iso8601(value.since))
        case .phoneNumber(let value):
            json.field("agent", value.agent)
            json.field("number", value.number)
            json.field("name", value.name)
            json.field("queue", value.queue)
            json.field("uniqueId", value.uniqueId)
            json.field("direction", value.direction)
            json.field("startTime", value.startTime.map(Timestamp.iso8601))
        case .queueCount(let value):
            json.field("queue", value.queue)
            json.field("count", value.count)
        case .queueStats(let value):
            json.field("queue", value.queue)
            json.field("waiting", value.waiting)
            json.field("longestWaitSeconds", value.longestWaitSeconds)
            json.field("members", value.members)
            json.field("available", value.available)
            json.field("paused", value.paused)
            json.field("completed", value.completed)
            json.field("abandoned", value.abandoned)
            json.field("holdTime", value.holdTime)
            json.field("talkTime", value.talkTime)
            json.field("serviceLevel", value.serviceLevel)
            json.field("oldestWaitingSince", value.oldestWaitingSince.map(Timestamp.iso8601))
            json.key("membersByStatus")
            json.beginObject()
            for status in AgentStatus.allCases {
                guard let count = value.membersByStatus[status.rawValue], count > 0 else { continue }
                json.key(status.rawValue)
                json.value(count)
            }
            json.endObject()
            json.field("serviceLevelSeconds", value.serviceLevelSeconds)
            json.field("serviceLevelWithAbandoned", value.serviceLevelWithAbandoned)
        case .presence(let value):
            json.field("extension", value.extension)
            json.field("status", value.status.rawValue)
            json.field("dnd", value.dnd)
            json.key("callForward")
            json.beginObject()
            json.field("unconditional", value.callForward.unconditional)
            json.field("busy", value.callForward.busy)
            json.field("unavailable", value.callForward.unavailable)
            json.endObject()
            json.field("since", Timestamp.iso8601(value.since))
        case .parking(let value):
            json.field("lot", value.lot)
            json.field("space", value.space)
            json.field("number", value.number)
            json.field("name", value.name)
            json.field("channel", value.channel)
            json.field("uniqueId", value.uniqueId)
            json.field("parkedBy", value.parkedBy)
            json.field("since", Timestamp.iso8601(value.since))
            json.field("timeoutAt", value.timeoutAt.map(Timestamp.iso8601))
        case .call(let value):
            Self.write(value, into: &json)
        case .conversations:
            break
        }
        json.endObject()
        return json.bytes
    }

    /// A call's fields, shared by `{p}/agent/{a}/call`, the conversations list and the call
    /// events.
    static func write(_ call: CallValue, into json: inout JSONWriter) {
        json.field("linkedId", call.linkedID)
        json.field("uniqueId", call.uniqueID)
        json.field("state", call.state.rawValue)
        // The model follows queue calls, which come in.
        json.field("direction", "in")
        json.field("queue", call.queue)
        json.field("agent", call.agent)
        Self.write("caller", call.caller, into: &json)
        Self.write("callee", call.callee, into: &json)
        json.field("startedAt", Timestamp.iso8601(call.startedAt))
        json.field("answeredAt", call.answeredAt.map(Timestamp.iso8601))
        json.field("holdSince", call.holdSince.map(Timestamp.iso8601))
        json.field("holdSeconds", call.holdSeconds)
        if let transfer = call.transfer {
            json.key("transfer")
            json.beginObject()
            json.field("kind", transfer.kind)
            json.field("number", transfer.number)
            json.field("channel", transfer.channel)
            json.field("at", Timestamp.iso8601(transfer.at))
            json.endObject()
        }
        json.field("recording", call.recording)
    }

    static func write(_ key: StaticString, _ party: CallParty, into json: inout JSONWriter) {
        json.key(key)
        json.beginObject()
        json.field("number", party.number)
        json.field("name", party.name)
        json.field("channel", party.channel)
        json.endObject()
    }

    /// About the encoded size of `value`, so a payload holds little slack: a sync has one
    /// payload per topic waiting at once (17,000 at 5,000 agents), and most are names and
    /// extension states of 40 to 80 bytes. A larger payload just grows its buffer.
    static func capacity(_ value: StateValue) -> Int {
        switch value {
        case .extensionStatus: 96
        case .name(let value): 32 + value.agent.utf8.count + value.name.utf8.count
        case .queueMemberStatus: 192
        case .phoneNumber: 224
        case .queueCount: 48
        case .queueStats: 384
        case .presence: 160
        case .parking: 256
        case .call: 640
        case .conversations(let value): 16 + 640 * value.calls.count
        }
    }

    package static func encode(_ event: CallCenterEvent) -> [UInt8] {
        var json = JSONWriter(capacity: 192)
        json.beginObject()
        switch event {
        case .agentComplete(let event):
            json.field("agent", event.agent)
            json.field("queue", event.queue)
            json.field("uniqueId", event.uniqueId)
            json.field("talkTime", event.talkTime)
            json.field("holdTime", event.holdTime)
            json.field("reason", event.reason)
            json.field("recording", event.recording)
        case .agentCalled(let event):
            json.field("agent", event.agent)
            json.field("queue", event.queue)
            json.field("number", event.number)
            json.field("name", event.name)
            json.field("uniqueId", event.uniqueId)
        case .callerAbandon(let event):
            json.field("queue", event.queue)
            json.field("uniqueId", event.uniqueId)
            json.field("position", event.position)
            json.field("holdTime", event.holdTime)
        case .callState(let event):
            json.field("event", event.event.rawValue)
            json.field("at", Timestamp.iso8601(event.at))
            json.field("cause", event.cause)
            json.key("call")
            json.beginObject()
            Self.write(event.call, into: &json)
            json.endObject()
        }
        json.endObject()
        return json.bytes
    }
}

extension TopicLayout {
    /// The topic of a retained model value.
    package func topic(for key: StateKey) throws(TopicSegment.Error) -> String {
        switch key {
        case .agentExtensionStatus(let agent): try self.agent(agent, "extensionStatus")
        case .agentName(let agent): try self.agent(agent, "name")
        case .agentQueueMemberStatus(let agent, let queue): try self.queueMember(agent: agent, queue: queue)
        case .agentPhoneNumber(let agent): try self.agent(agent, "phoneNumber")
        case .queueCount(let queue): try self.queue(queue, "count")
        case .queueStats(let queue): try self.queue(queue, "stats")
        case .extensionPresence(let exten): try self.extensionTopic(exten, "presence")
        case .parking(let lot, let space): try self.parking(lot: lot, space: space)
        case .agentCall(let agent): try self.agent(agent, "call")
        case .extensionConversations(let exten): try self.extensionTopic(exten, "conversations")
        }
    }

    /// The topic of a one-off event.
    package func topic(for event: CallCenterEvent) throws(TopicSegment.Error) -> String {
        switch event {
        case .agentComplete(let event): try self.agent(event.agent, "agentComplete")
        case .agentCalled(let event): try self.agent(event.agent, "agentCalled")
        case .callerAbandon(let event): try self.queue(event.queue, "callerAbandon")
        case .callState(let event): try self.callEvent(event.call.linkedID)
        }
    }
}
