import AMI

/// AMI events shaped like Asterisk 22's (field for field as in the fixtures), for agents of
/// `CallCenterConfiguration.generated`: agent `2001 + index`, primary queue `q{index % queues + 1}`.
enum EventTemplates {
    static func agent(_ index: Int) -> String { String(2001 + index) }
    static func queue(ofAgent index: Int, queues: Int) -> String { "q\(index % max(queues, 1) + 1)" }

    /// `AgentCalled` with a chosen Uniqueid: the bridge turns it into exactly one
    /// `{p}/agent/{a}/agentCalled` message carrying that id, which makes it the probe for
    /// end-to-end latency and throughput.
    static func agentCalled(agent index: Int, queues: Int, uniqueId: String) -> AMIMessage {
        let agent = self.agent(index)
        let number = "555" + String(1000 + index % 9000)
        return AMIMessage([
            "Event": "AgentCalled", "Privilege": "agent,all",
            "Channel": "Local/1001@incoming-00000014;2", "ChannelState": "6", "ChannelStateDesc": "Up",
            "CallerIDNum": number, "CallerIDName": "Caller \(number)",
            "ConnectedLineNum": number, "ConnectedLineName": "Caller \(number)",
            "Language": "en", "AccountCode": "", "Context": "incoming", "Exten": "1001", "Priority": "4",
            "Uniqueid": uniqueId, "Linkedid": uniqueId,
            "DestChannel": "Local/\(agent)@agents-00000015;1", "DestChannelState": "0", "DestChannelStateDesc": "Down",
            "DestCallerIDNum": number, "DestCallerIDName": "Caller \(number)",
            "DestConnectedLineNum": number, "DestConnectedLineName": "Caller \(number)",
            "DestLanguage": "en", "DestAccountCode": "", "DestContext": "agents", "DestExten": agent,
            "DestPriority": "1", "DestUniqueid": uniqueId + "1", "DestLinkedid": uniqueId,
            "Queue": self.queue(ofAgent: index, queues: queues), "Interface": "Local/\(agent)@agents/n",
            "MemberName": "Agent \(agent)",
        ])
    }

    static func extensionStatus(agent index: Int, inUse: Bool) -> AMIMessage {
        let agent = self.agent(index)
        return AMIMessage([
            "Event": "ExtensionStatus", "Privilege": "call,all", "Exten": agent, "Context": "agents",
            "Hint": "Custom:\(agent)", "Status": inUse ? "1" : "0", "StatusText": inUse ? "InUse" : "Idle",
        ])
    }

    static func queueMemberStatus(agent index: Int, queues: Int, paused: Bool) -> AMIMessage {
        let agent = self.agent(index)
        return AMIMessage([
            "Event": "QueueMemberStatus", "Privilege": "agent,all", "Queue": self.queue(ofAgent: index, queues: queues),
            "MemberName": "Agent \(agent)", "Interface": "Local/\(agent)@agents/n", "StateInterface": "Custom:\(agent)",
            "Membership": "dynamic", "Penalty": "0", "CallsTaken": "0", "LastCall": "0", "LastPause": "0",
            "LoginTime": "1795618000", "InCall": "0", "Status": "1", "Paused": paused ? "1" : "0",
            "PausedReason": paused ? "bench" : "", "Ringinuse": "0", "Wrapuptime": "0",
        ])
    }

    static func varSet(agent index: Int) -> AMIMessage {
        let agent = self.agent(index)
        return AMIMessage([
            "Event": "VarSet", "Privilege": "dialplan,all", "Channel": "Local/\(agent)@agents-00000015;1",
            "ChannelState": "6", "ChannelStateDesc": "Up", "CallerIDNum": agent, "CallerIDName": "Agent \(agent)",
            "Language": "en", "AccountCode": "", "Context": "agents", "Exten": agent, "Priority": "2",
            "Uniqueid": "1795618271.42", "Linkedid": "1795618271.40", "Variable": "BRIDGEPEER",
            "Value": "Local/1001@incoming-00000014;2",
        ])
    }

    /// A mix for the memory run: per agent a queue call ringing, the phone going busy, a pause,
    /// back to idle and unpaused, plus dialplan noise. Every state event flips a value, so
    /// cycling through the list keeps the retained topics changing.
    static func memoryMix(agents: Int, queues: Int, distinct: Int) -> [AMIMessage] {
        var events: [AMIMessage] = []
        for index in 0..<min(agents, distinct) {
            events.append(self.agentCalled(agent: index, queues: queues, uniqueId: "1795618271.\(index)"))
            events.append(self.extensionStatus(agent: index, inUse: true))
            events.append(self.queueMemberStatus(agent: index, queues: queues, paused: true))
            events.append(self.varSet(agent: index))
            events.append(self.extensionStatus(agent: index, inUse: false))
            events.append(self.queueMemberStatus(agent: index, queues: queues, paused: false))
        }
        return events
    }

    /// Reads `"uniqueId":"<prefix><n>"` out of an agentCalled payload without a JSON parser,
    /// so the subscriber's callback stays cheap.
    static func index(inPayload payload: [UInt8], after marker: [UInt8]) -> Int? {
        guard payload.count > marker.count else { return nil }
        var position = 0
        let last = payload.count - marker.count
        while position <= last {
            if payload[position] == marker[0] {
                var matched = true
                for offset in 1..<marker.count where payload[position + offset] != marker[offset] {
                    matched = false
                    break
                }
                if matched {
                    var value = 0
                    var cursor = position + marker.count
                    var digits = 0
                    while cursor < payload.count, payload[cursor] >= 48, payload[cursor] <= 57 {
                        value = value * 10 + Int(payload[cursor] - 48)
                        cursor += 1
                        digits += 1
                    }
                    return digits > 0 ? value : nil
                }
            }
            position += 1
        }
        return nil
    }
}
