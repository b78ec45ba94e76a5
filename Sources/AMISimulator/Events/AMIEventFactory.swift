import AMI

/// Builds every packet the simulator sends, with the header names and order of the
/// Asterisk 22.10.1 captures (Tests/Fixtures/ANALYSIS.txt).
enum AMIEventFactory {
    // MARK: Channel snapshots

    /// The 14 snapshot headers, optionally prefixed (`Dest`, `LocalOne`, `Parkee`).
    static func snapshot(_ channel: SimChannel, prefix: String = "") -> [AMIField] {
        [
            AMIField(prefix + "Channel", channel.name),
            AMIField(prefix + "ChannelState", String(channel.state.rawValue)),
            AMIField(prefix + "ChannelStateDesc", channel.state.text),
            AMIField(prefix + "CallerIDNum", channel.callerIDNum),
            AMIField(prefix + "CallerIDName", channel.callerIDName),
            AMIField(prefix + "ConnectedLineNum", channel.connectedLineNum),
            AMIField(prefix + "ConnectedLineName", channel.connectedLineName),
            AMIField(prefix + "Language", "en"),
            AMIField(prefix + "AccountCode", ""),
            AMIField(prefix + "Context", channel.context),
            AMIField(prefix + "Exten", channel.exten),
            AMIField(prefix + "Priority", String(channel.priority)),
            AMIField(prefix + "Uniqueid", channel.uniqueID),
            AMIField(prefix + "Linkedid", channel.linkedID),
        ]
    }

    static func channelEvent(_ name: String, _ category: AMIPrivilege, _ channel: SimChannel, _ extra: [AMIField] = [])
        -> SimEvent
    {
        SimEvent(name, category, self.snapshot(channel) + extra)
    }

    static func newchannel(_ channel: SimChannel) -> SimEvent { self.channelEvent("Newchannel", .call, channel) }
    static func newstate(_ channel: SimChannel) -> SimEvent { self.channelEvent("Newstate", .call, channel) }
    static func newConnectedLine(_ channel: SimChannel) -> SimEvent {
        self.channelEvent("NewConnectedLine", .call, channel)
    }

    static func newCallerid(_ channel: SimChannel) -> SimEvent {
        self.channelEvent(
            "NewCallerid", .call, channel, [AMIField("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")])
    }

    static func newexten(_ channel: SimChannel, application: String, data: String) -> SimEvent {
        self.channelEvent(
            "Newexten", .dialplan, channel,
            [
                AMIField("Extension", channel.exten), AMIField("Application", application), AMIField("AppData", data),
            ])
    }

    static func varSet(_ channel: SimChannel, variable: String, value: String) -> SimEvent {
        self.channelEvent("VarSet", .dialplan, channel, [AMIField("Variable", variable), AMIField("Value", value)])
    }

    static func hangupHandler(_ name: String, _ channel: SimChannel) -> SimEvent {
        self.channelEvent(name, .dialplan, channel, [AMIField("Handler", "agent-hangup,s,1")])
    }

    static func hangupRequest(_ channel: SimChannel, cause: Int, soft: Bool) -> SimEvent {
        self.channelEvent(
            soft ? "SoftHangupRequest" : "HangupRequest", .call, channel, [AMIField("Cause", String(cause))])
    }

    static func hangup(_ channel: SimChannel, cause: Int) -> SimEvent {
        self.channelEvent(
            "Hangup", .call, channel,
            [
                AMIField("Cause", String(cause)), AMIField("Cause-txt", self.causeText(cause)),
            ])
    }

    static func causeText(_ cause: Int) -> String {
        switch cause {
        case 16: "Normal Clearing"
        case 17: "User busy"
        case 19: "No user responding"
        case 21: "Call Rejected"
        case 26: "Answered elsewhere"
        case 34: "Circuit/channel congestion"
        default: "Unknown"
        }
    }

    static func localBridge(one: SimChannel, two: SimChannel) -> SimEvent {
        SimEvent(
            "LocalBridge", .call,
            self.snapshot(one, prefix: "LocalOne") + self.snapshot(two, prefix: "LocalTwo") + [
                AMIField("Context", one.context), AMIField("Exten", one.exten), AMIField("LocalOptimization", "Yes"),
            ])
    }

    /// DialBegin; without a caller (Originate), only the Dest snapshot and DialString.
    static func dialBegin(caller: SimChannel?, dest: SimChannel, dialString: String) -> SimEvent {
        if let caller {
            return SimEvent(
                "DialBegin", .call,
                self.snapshot(caller) + self.snapshot(dest, prefix: "Dest") + [AMIField("DialString", dialString)])
        }
        return SimEvent("DialBegin", .call, self.snapshot(dest, prefix: "Dest") + [AMIField("DialString", dialString)])
    }

    static func dialEnd(caller: SimChannel?, dest: SimChannel, status: String) -> SimEvent {
        if let caller {
            return SimEvent(
                "DialEnd", .call,
                self.snapshot(caller) + self.snapshot(dest, prefix: "Dest") + [AMIField("DialStatus", status)])
        }
        return SimEvent("DialEnd", .call, self.snapshot(dest, prefix: "Dest") + [AMIField("DialStatus", status)])
    }

    /// DialState; without a caller (an attended transfer's target), only the Dest snapshot.
    static func dialState(caller: SimChannel?, dest: SimChannel, status: String) -> SimEvent {
        SimEvent(
            "DialState", .call,
            (caller.map { self.snapshot($0) } ?? []) + self.snapshot(dest, prefix: "Dest")
                + [AMIField("DialStatus", status)])
    }

    /// A bridge's headers with a role prefix (`To`, `From`, `Orig`, `Second`).
    static func bridgeFields(id: String, channels: Int, prefix: String) -> [AMIField] {
        self.bridgeFields(id: id, channels: channels).map { AMIField(prefix + $0.key, $0.value) }
    }

    /// A feature-code digit the channel received (`DTMFEnd`, no DTMFBegin for a Local channel).
    static func dtmfEnd(_ channel: SimChannel, digit: Character) -> SimEvent {
        self.channelEvent(
            "DTMFEnd", .dtmf, channel,
            [AMIField("Digit", String(digit)), AMIField("DurationMs", "0"), AMIField("Direction", "Received")])
    }

    // MARK: Bridges

    static func bridge(_ name: String, id: String, channels: Int) -> SimEvent {
        SimEvent(name, .call, self.bridgeFields(id: id, channels: channels))
    }

    static func bridgeChannel(_ name: String, id: String, channels: Int, channel: SimChannel) -> SimEvent {
        SimEvent(name, .call, self.bridgeFields(id: id, channels: channels) + self.snapshot(channel))
    }

    static func bridgeFields(id: String, channels: Int, parkingLot: String? = nil) -> [AMIField] {
        [
            AMIField("BridgeUniqueid", id), AMIField("BridgeType", parkingLot == nil ? "basic" : "parking"),
            AMIField("BridgeTechnology", parkingLot == nil ? "simple_bridge" : "holding_bridge"),
            AMIField("BridgeCreator", parkingLot == nil ? "<unknown>" : "Parking"),
            AMIField("BridgeName", parkingLot ?? "<unknown>"), AMIField("BridgeNumChannels", String(channels)),
            AMIField("BridgeVideoSourceMode", "none"),
        ]
    }

    /// A parking lot's holding bridge event (res_parking's `BridgeType: parking`).
    static func parkingBridge(_ name: String, id: String, lot: String, channels: Int, channel: SimChannel?)
        -> SimEvent
    {
        SimEvent(
            name, .call,
            self.bridgeFields(id: id, channels: channels, parkingLot: lot) + (channel.map { self.snapshot($0) } ?? []))
    }

    // MARK: Queue and agent events

    static func queueCaller(_ name: String, _ channel: SimChannel, queue: String, position: Int, count: Int) -> SimEvent
    {
        self.channelEvent(
            name, .agent, channel,
            [
                AMIField("Queue", queue), AMIField("Position", String(position)), AMIField("Count", String(count)),
            ])
    }

    static func queueCallerAbandon(
        _ channel: SimChannel, queue: String, position: Int, originalPosition: Int, holdTime: Int
    ) -> SimEvent {
        self.channelEvent(
            "QueueCallerAbandon", .agent, channel,
            [
                AMIField("Queue", queue), AMIField("Position", String(position)),
                AMIField("OriginalPosition", String(originalPosition)), AMIField("HoldTime", String(holdTime)),
            ])
    }

    static func agentEvent(_ name: String, caller: SimChannel, leg: SimAgentLeg, queue: String, extra: [AMIField] = [])
        -> SimEvent
    {
        SimEvent(
            name, .agent,
            self.snapshot(caller) + self.snapshot(leg.one, prefix: "Dest") + [
                AMIField("Queue", queue), AMIField("Interface", leg.member.interface),
                AMIField("MemberName", leg.member.name),
            ] + extra)
    }

    /// QueueMemberAdded/Removed/Pause/Penalty/Ringinuse/Status.
    static func queueMember(_ name: String, queue: String, member: SimMember, status: DeviceState) -> SimEvent {
        SimEvent(
            name, .agent,
            [
                AMIField("Queue", queue), AMIField("MemberName", member.name), AMIField("Interface", member.interface),
                AMIField("StateInterface", member.stateInterface), AMIField("Membership", member.membership),
                AMIField("Penalty", String(member.penalty)), AMIField("CallsTaken", String(member.callsTaken)),
                AMIField("LastCall", String(member.lastCall)), AMIField("LastPause", String(member.lastPause)),
                AMIField("LoginTime", String(member.loginTime)), AMIField("InCall", member.inCall ? "1" : "0"),
                AMIField("Status", String(status.rawValue)), AMIField("Paused", member.paused ? "1" : "0"),
                AMIField("PausedReason", member.pausedReason), AMIField("Ringinuse", member.ringInUse ? "1" : "0"),
                AMIField("Wrapuptime", "0"),
            ])
    }

    static func deviceStateChange(_ device: String, _ state: DeviceState) -> SimEvent {
        SimEvent("DeviceStateChange", .call, [AMIField("Device", device), AMIField("State", state.text)])
    }

    static func extensionStatus(exten: String, hint: String, state: DeviceState) -> SimEvent {
        let ext = state.extensionState
        return SimEvent(
            "ExtensionStatus", .call,
            [
                AMIField("Exten", exten), AMIField("Context", "agents"), AMIField("Hint", hint),
                AMIField("Status", String(ext.code)), AMIField("StatusText", ext.text),
            ])
    }

    // MARK: System and security

    static func fullyBooted(uptime: Int) -> SimEvent {
        SimEvent(
            "FullyBooted", .system,
            [
                AMIField("Uptime", String(uptime)), AMIField("LastReload", String(uptime)),
                AMIField("Status", "Fully Booted"),
            ])
    }

    static func shutdown(restart: Bool) -> SimEvent {
        SimEvent(
            "Shutdown", .system, [AMIField("Shutdown", "Cleanly"), AMIField("Restart", restart ? "True" : "False")])
    }

    static func successfulAuth(session: SimSession, eventTV: String) -> SimEvent {
        SimEvent(
            "SuccessfulAuth", .security,
            [
                AMIField("EventTV", eventTV), AMIField("Severity", "Informational"), AMIField("Service", "AMI"),
                AMIField("EventVersion", "1"), AMIField("AccountID", session.username ?? ""),
                AMIField("SessionID", session.sessionID), AMIField("LocalAddress", session.localAddress),
                AMIField("RemoteAddress", session.remoteAddress), AMIField("UsingPassword", "0"),
                AMIField("SessionTV", session.sessionTV),
            ])
    }

    static func requestBadFormat(session: SimSession, eventTV: String, action: String) -> SimEvent {
        SimEvent(
            "RequestBadFormat", .security,
            [
                AMIField("EventTV", eventTV), AMIField("Severity", "Error"), AMIField("Service", "AMI"),
                AMIField("EventVersion", "1"), AMIField("SessionID", session.sessionID),
                AMIField("LocalAddress", session.localAddress), AMIField("RemoteAddress", session.remoteAddress),
                AMIField("RequestType", "Action: \(action)"), AMIField("SessionTV", session.sessionTV),
                AMIField("AccountID", session.username ?? ""),
            ])
    }

    // MARK: Responses

    /// `Response:`, then `ActionID` when the action had one, then the rest.
    static func response(_ kind: String, actionID: String?, _ fields: [AMIField]) -> AMIMessage {
        var all = [AMIField("Response", kind)]
        if let actionID { all.append(AMIField("ActionID", actionID)) }
        all.append(contentsOf: fields)
        return AMIMessage(fields: all)
    }

    static func success(_ message: String, actionID: String?) -> AMIMessage {
        self.response("Success", actionID: actionID, [AMIField("Message", message)])
    }

    static func error(_ message: String, actionID: String?) -> AMIMessage {
        self.response("Error", actionID: actionID, [AMIField("Message", message)])
    }

    static func listStart(_ message: String, actionID: String?) -> AMIMessage {
        self.response("Success", actionID: actionID, [AMIField("EventList", "start"), AMIField("Message", message)])
    }

    /// `Event: XComplete`, `ActionID`, `EventList: Complete`, `ListItems: N` (+ extra).
    static func listComplete(_ name: String, actionID: String?, items: Int, extra: [AMIField] = []) -> AMIMessage {
        var fields = [AMIField("Event", name)]
        if let actionID { fields.append(AMIField("ActionID", actionID)) }
        fields.append(AMIField("EventList", "Complete"))
        fields.append(AMIField("ListItems", String(items)))
        fields.append(contentsOf: extra)
        return AMIMessage(fields: fields)
    }

    /// A list item: `Event:`, then fields, with `ActionID` right after `Event` (`first`) or last.
    static func listItem(_ name: String, actionID: String?, actionIDFirst: Bool, _ fields: [AMIField]) -> AMIMessage {
        var all = [AMIField("Event", name)]
        if actionIDFirst, let actionID { all.append(AMIField("ActionID", actionID)) }
        all.append(contentsOf: fields)
        if !actionIDFirst, let actionID { all.append(AMIField("ActionID", actionID)) }
        return AMIMessage(fields: all)
    }
}
