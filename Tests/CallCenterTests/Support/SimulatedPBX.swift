import AMI
import Foundation
import PBXTestSupport

/// A tiny ground-truth PBX: random plausible operations emit the AMI events Asterisk would,
/// and `stateLists` renders the current truth as the initial-state action lists. The
/// property tests check that the reducer, fed the events, agrees with a snapshot of the lists.
struct SimulatedPBX {
    struct Member {
        var name: String
        var status: Int
        var paused: Bool
        var reason: String
        var penalty: Int
        var callsTaken: Int
        var lastCall: Int64
    }

    struct Channel {
        var name: String
        var number: String
        var callerName: String
        var connectedNumber = ""
        var connectedName = ""
        var bridge: String?
        var queue: String?
    }

    struct Call {
        var queue: String
        var agent: String
        var caller: String
        var agentChannel: String
        var bridge: String
        /// Seconds the caller waited before the agent answered.
        var hold = 0
    }

    /// Callers on hold.
    var held: Set<String> = []
    /// Calls ended by a blind transfer so far.
    var transfers = 0

    /// The queues' `servicelevel=` (seconds), as app_queue judges waits against it.
    static let serviceLevelSeconds = 2

    struct QueueStats {
        var completed = 0
        var abandoned = 0
        var completedInServiceLevel = 0
        var abandonedInServiceLevel = 0
        var holdTime = 0
        var talkTime = 0
    }

    let agents: [String]
    let queues: [String]
    var members: [String: [String: Member]] = [:]  // agent -> queue -> member
    var extensions: [String: Int] = [:]
    /// AstDB in FreePBX's families: family -> extension -> value.
    var astDB: [String: [String: String]] = [:]
    /// Parked calls by space of the `default` lot.
    var parked: [String: (uniqueId: String, number: String, since: Int64)] = [:]
    var stats: [String: QueueStats] = [:]
    var waiting: [String: [(uniqueId: String, joined: Int64)]] = [:]
    var channels: [String: Channel] = [:]
    var calls: [Call] = []
    var nextId = 1
    /// Seconds since the epoch of the simulated clock.
    var seconds: Int64 = 1_800_000_000

    init(agentCount: Int, queueCount: Int) {
        self.agents = (0..<agentCount).map { String(100 + $0) }
        self.queues = (0..<queueCount).map { "q\($0 + 1)" }
        for queue in self.queues {
            self.stats[queue] = QueueStats()
            self.waiting[queue] = []
        }
    }

    var milliseconds: Int64 { self.seconds * 1000 }

    mutating func newId() -> String {
        defer { self.nextId += 1 }
        return "\(self.seconds).\(self.nextId)"
    }

    static let extensionCodes = [-1, 0, 1, 2, 4, 8, 9, 16, 17, 42]

    func memberEvent(_ event: String, agent: String, queue: String, _ member: Member) -> AMIMessage {
        Packets.member(
            event, queue: queue, agent: agent, name: member.name, status: String(member.status),
            paused: member.paused ? "1" : "0", reason: member.reason, penalty: String(member.penalty),
            callsTaken: String(member.callsTaken), lastCall: String(member.lastCall)
        )
    }

    func channelEvent(_ event: String, _ uniqueId: String, extra: [(String, String)] = []) -> AMIMessage {
        let channel = self.channels[uniqueId]
        return Packets.event(
            event,
            [
                ("Channel", channel?.name ?? ""), ("ChannelState", "6"), ("ChannelStateDesc", "Up"),
                ("CallerIDNum", channel?.number ?? ""), ("CallerIDName", channel?.callerName ?? ""),
                ("ConnectedLineNum", channel?.connectedNumber ?? ""),
                ("ConnectedLineName", channel?.connectedName ?? ""),
                ("Uniqueid", uniqueId), ("Linkedid", uniqueId),
            ] + extra)
    }

    /// Performs one random operation and returns the events it produced.
    mutating func step(_ rng: inout SeededGenerator) -> [AMIMessage] {
        self.seconds += Int64.random(in: 0...5, using: &rng)
        let agent = self.agents.randomElement(using: &rng) ?? "100"
        let queue = self.queues.randomElement(using: &rng) ?? "q1"
        switch Int.random(in: 0..<15, using: &rng) {
        case 0, 1:
            guard self.members[agent]?[queue] == nil else { return [] }
            let member = Member(
                name: "Agent \(agent)", status: Int.random(in: 0...8, using: &rng), paused: false, reason: "",
                penalty: 0, callsTaken: 0, lastCall: 0
            )
            self.members[agent, default: [:]][queue] = member
            return [self.memberEvent("QueueMemberAdded", agent: agent, queue: queue, member)]
        case 2:
            guard let member = self.members[agent]?[queue],
                !self.calls.contains(where: { $0.agent == agent && $0.queue == queue })
            else { return [] }
            self.members[agent]?[queue] = nil
            return [self.memberEvent("QueueMemberRemoved", agent: agent, queue: queue, member)]
        case 3:
            guard var member = self.members[agent]?[queue] else { return [] }
            member.paused.toggle()
            member.reason = member.paused ? ["lunch", "break", ""].randomElement(using: &rng) ?? "" : ""
            self.members[agent]?[queue] = member
            return [self.memberEvent("QueueMemberPause", agent: agent, queue: queue, member)]
        case 4:
            guard var member = self.members[agent]?[queue] else { return [] }
            member.penalty = Int.random(in: 0...5, using: &rng)
            self.members[agent]?[queue] = member
            return [self.memberEvent("QueueMemberPenalty", agent: agent, queue: queue, member)]
        case 5:
            // A device state change reaches every queue the agent is in, plus its hint.
            let status = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11].randomElement(using: &rng) ?? 1
            var events: [AMIMessage] = []
            for (memberQueue, var member) in (self.members[agent] ?? [:]).sorted(by: { $0.key < $1.key }) {
                member.status = status
                self.members[agent]?[memberQueue] = member
                events.append(self.memberEvent("QueueMemberStatus", agent: agent, queue: memberQueue, member))
            }
            let code = Self.extensionCodes.randomElement(using: &rng) ?? 0
            self.extensions[agent] = code < 0 ? nil : code
            events.append(Packets.extensionStatus(agent: agent, status: String(code)))
            return events
        case 6, 7:
            let uniqueId = self.newId()
            let number = "555\(Int.random(in: 1000...9999, using: &rng))"
            self.channels[uniqueId] = Channel(
                name: "Local/100@incoming-\(String(self.nextId, radix: 16));2", number: number,
                callerName: "Caller \(number)", bridge: nil, queue: queue
            )
            self.waiting[queue, default: []].append((uniqueId, self.milliseconds))
            let position = self.waiting[queue]?.count ?? 1
            return [
                self.channelEvent("Newchannel", uniqueId),
                self.channelEvent(
                    "QueueCallerJoin", uniqueId,
                    extra: [("Queue", queue), ("Position", String(position)), ("Count", String(position))]),
            ]
        case 8:
            guard let caller = self.waiting[queue]?.first else { return [] }
            self.waiting[queue]?.removeFirst()
            self.stats[queue]?.abandoned += 1
            let hold = String((self.milliseconds - caller.joined) / 1000)
            if (self.milliseconds - caller.joined) / 1000 <= Self.serviceLevelSeconds {
                self.stats[queue]?.abandonedInServiceLevel += 1
            }
            let events = [
                self.channelEvent(
                    "QueueCallerAbandon", caller.uniqueId,
                    extra: [("Queue", queue), ("Position", "1"), ("OriginalPosition", "1"), ("HoldTime", hold)]),
                self.channelEvent(
                    "QueueCallerLeave", caller.uniqueId, extra: [("Queue", queue), ("Position", "1"), ("Count", "0")]),
                self.channelEvent("Hangup", caller.uniqueId),
            ]
            self.channels[caller.uniqueId] = nil
            return events
        case 9:
            let busy = Set(self.calls.map(\.agent))
            guard let caller = self.waiting[queue]?.first,
                let memberAgent = self.agents.first(where: { self.members[$0]?[queue] != nil && !busy.contains($0) })
            else { return [] }
            self.waiting[queue]?.removeFirst()
            let agentChannel = self.newId()
            self.channels[agentChannel] = Channel(
                name: "Local/\(memberAgent)@agents-\(String(self.nextId, radix: 16));1", number: "", callerName: "",
                bridge: nil, queue: nil
            )
            let bridge = "bridge-\(self.nextId)"
            let hold = Int((self.milliseconds - caller.joined) / 1000)
            if let old = self.stats[queue]?.holdTime { self.stats[queue]?.holdTime = (old * 3 + hold) / 4 }
            let memberFields: [(String, String)] = [
                ("Queue", queue), ("Interface", "Local/\(memberAgent)@agents/n"),
                ("MemberName", "Agent \(memberAgent)"),
            ]
            var events = [
                self.channelEvent("Newchannel", agentChannel),
                self.channelEvent("AgentCalled", caller.uniqueId, extra: memberFields),
                self.channelEvent(
                    "QueueCallerLeave", caller.uniqueId, extra: [("Queue", queue), ("Position", "1"), ("Count", "0")]),
                self.channelEvent(
                    "AgentConnect", caller.uniqueId,
                    extra: memberFields + [("HoldTime", String(hold)), ("RingTime", "1")]),
            ]
            self.channels[agentChannel]?.bridge = bridge
            self.channels[caller.uniqueId]?.bridge = bridge
            // Half the time Asterisk has already updated the agent leg's connected line.
            if Bool.random(using: &rng), let callerChannel = self.channels[caller.uniqueId] {
                self.channels[agentChannel]?.connectedNumber = callerChannel.number
                self.channels[agentChannel]?.connectedName = callerChannel.callerName
            }
            events.append(self.channelEvent("BridgeEnter", agentChannel, extra: [("BridgeUniqueid", bridge)]))
            events.append(self.channelEvent("BridgeEnter", caller.uniqueId, extra: [("BridgeUniqueid", bridge)]))
            self.calls.append(
                Call(
                    queue: queue, agent: memberAgent, caller: caller.uniqueId, agentChannel: agentChannel,
                    bridge: bridge, hold: hold))
            return events
        case 10:
            guard !self.calls.isEmpty else { return [] }
            let call = self.calls.remove(at: Int.random(in: 0..<self.calls.count, using: &rng))
            let talk = Int.random(in: 1...30, using: &rng)
            if let old = self.stats[call.queue]?.talkTime { self.stats[call.queue]?.talkTime = (old * 3 + talk) / 4 }
            self.stats[call.queue]?.completed += 1
            if call.hold <= Self.serviceLevelSeconds { self.stats[call.queue]?.completedInServiceLevel += 1 }
            // A third of the calls end by a blind transfer of the agent's leg to incoming,300,
            // whose Wait the caller then leaves at once.
            let transferred = Int.random(in: 0..<3, using: &rng) == 0
            var events: [AMIMessage] = []
            if transferred, let agentLeg = self.channels[call.agentChannel], let caller = self.channels[call.caller] {
                self.transfers += 1
                events.append(
                    Packets.event(
                        "BlindTransfer",
                        [
                            ("Result", "Success"), ("TransfererChannel", agentLeg.name),
                            ("TransfererUniqueid", call.agentChannel), ("TransfererLinkedid", call.caller),
                            ("TransfereeChannel", caller.name), ("TransfereeCallerIDNum", caller.number),
                            ("TransfereeUniqueid", call.caller), ("TransfereeLinkedid", call.caller),
                            ("BridgeUniqueid", call.bridge), ("IsExternal", "Yes"), ("Context", "incoming"),
                            ("Extension", "300"),
                        ]))
            }
            events += [
                self.channelEvent(
                    "AgentComplete", call.caller,
                    extra: [
                        ("Queue", call.queue), ("Interface", "Local/\(call.agent)@agents/n"),
                        ("MemberName", "Agent \(call.agent)"),
                        ("HoldTime", String(call.hold)), ("TalkTime", String(talk)),
                        ("Reason", transferred ? "transfer" : "agent"),
                    ]),
                self.channelEvent("BridgeLeave", call.agentChannel, extra: [("BridgeUniqueid", call.bridge)]),
                self.channelEvent("BridgeLeave", call.caller, extra: [("BridgeUniqueid", call.bridge)]),
                self.channelEvent("Hangup", call.agentChannel),
                self.channelEvent("Hangup", call.caller),
            ]
            self.channels[call.agentChannel] = nil
            self.channels[call.caller] = nil
            self.held.remove(call.caller)
            if var member = self.members[call.agent]?[call.queue] {
                member.callsTaken += 1
                member.lastCall = self.seconds
                self.members[call.agent]?[call.queue] = member
                events.append(self.memberEvent("QueueMemberStatus", agent: call.agent, queue: call.queue, member))
            }
            return events
        case 11:
            guard let call = self.calls.randomElement(using: &rng) else { return [] }
            if Bool.random(using: &rng) {
                // The agent puts the caller on hold, or takes it off (the call's Linkedid is
                // the caller's Uniqueid here).
                let held = self.held.contains(call.caller)
                if held { self.held.remove(call.caller) } else { self.held.insert(call.caller) }
                return [self.channelEvent(held ? "Unhold" : "Hold", call.caller)]
            }
            let number = "777\(Int.random(in: 1000...9999, using: &rng))"
            self.channels[call.caller]?.number = number
            self.channels[call.agentChannel]?.connectedNumber = number
            self.channels[call.agentChannel]?.connectedName = "Transferred \(number)"
            return [
                self.channelEvent("NewCallerid", call.caller), self.channelEvent("NewConnectedLine", call.agentChannel),
            ]
        case 12:
            // DND toggled by its feature code (a custom device state), or a forward written
            // and announced by the dialplan's user event.
            if Bool.random(using: &rng) {
                let on = self.astDB["DND"]?[agent] == nil
                self.astDB["DND", default: [:]][agent] = on ? "YES" : nil
                return [
                    Packets.event(
                        "DeviceStateChange", [("Device", "Custom:DND\(agent)"), ("State", on ? "BUSY" : "NOT_INUSE")])
                ]
            }
            let family = ["CF", "CFB", "CFU"].randomElement(using: &rng) ?? "CF"
            let value = ["", "200", "5551234"].randomElement(using: &rng) ?? ""
            self.astDB[family, default: [:]][agent] = value.isEmpty ? nil : value
            return [
                Packets.event(
                    "UserEvent", [("UserEvent", "AstDB"), ("Family", family), ("Key", agent), ("Val", value)])
            ]
        case 13:
            // A call parked in a free space of the default lot (45 s), or one leaving its space.
            let space = "70\(Int.random(in: 1...3, using: &rng))"
            if let call = self.parked.removeValue(forKey: space) {
                let end = ["UnParkedCall", "ParkedCallTimeOut", "ParkedCallGiveUp"].randomElement(using: &rng) ?? ""
                return [self.parkedEvent(end, space: space, call)]
            }
            let number = "666\(Int.random(in: 1000...9999, using: &rng))"
            let call = (uniqueId: self.newId(), number: number, since: self.seconds)
            self.parked[space] = call
            return [self.parkedEvent("ParkedCall", space: space, call)]
        default:
            // Malformed packets the reducer must skip without changing anything.
            return [
                Packets.event("QueueMemberStatus", [("Interface", "Local/\(agent)@agents/n"), ("Status", "2")]),
                Packets.event("QueueCallerJoin", [("Queue", queue)]),
                Packets.event("ExtensionStatus", [("Exten", agent)]),
                Packets.event("BridgeEnter", [("Uniqueid", "nope")]),
                Packets.event("Hangup", [("Channel", "x")]),
                AMIMessage(fields: []),
                Packets.event("VarSet", [("Variable", "X"), ("Value", "1")]),
            ]
        }
    }

    /// A parking event of the `default` lot, timing as Asterisk reports it now.
    func parkedEvent(
        _ event: String, space: String, _ call: (uniqueId: String, number: String, since: Int64)
    ) -> AMIMessage {
        let duration = self.seconds - call.since
        return Packets.event(
            event,
            [
                ("ParkeeChannel", "Local/100@incoming-\(call.uniqueId);2"), ("ParkeeCallerIDNum", call.number),
                ("ParkeeCallerIDName", "Caller \(call.number)"), ("ParkeeUniqueid", call.uniqueId),
                ("ParkerDialString", "Local/100@agents"), ("Parkinglot", "default"), ("ParkingSpace", space),
                ("ParkingTimeout", String(max(0, 45 - duration))), ("ParkingDuration", String(duration)),
            ])
    }

    /// The initial-state action lists as Asterisk would answer them now.
    func stateLists() -> [AMIMessage] {
        var items: [AMIMessage] = [AMIMessage(["Response": "Success", "EventList": "start"])]
        var membersByQueue: [String: [(agent: String, member: Member)]] = [:]
        for (agent, queues) in self.members.sorted(by: { $0.key < $1.key }) {
            for (queue, member) in queues {
                membersByQueue[queue, default: []].append((agent, member))
            }
        }
        for queue in self.queues {
            let stats = self.stats[queue] ?? QueueStats()
            items.append(
                Packets.event(
                    "QueueParams",
                    [
                        ("Queue", queue), ("Max", "0"), ("Strategy", "ringall"),
                        ("Calls", String(self.waiting[queue]?.count ?? 0)),
                        ("Holdtime", String(stats.holdTime)), ("TalkTime", String(stats.talkTime)),
                        ("Completed", String(stats.completed)), ("Abandoned", String(stats.abandoned)),
                        ("ServiceLevel", String(Self.serviceLevelSeconds)),
                        ("ServicelevelPerf", Self.printed(stats.completedInServiceLevel, of: stats.completed)),
                        (
                            "ServicelevelPerf2",
                            Self.printed(
                                stats.completedInServiceLevel + stats.abandonedInServiceLevel,
                                of: stats.completed + stats.abandoned)
                        ),
                    ]))
            for (agent, member) in membersByQueue[queue] ?? [] {
                items.append(
                    Packets.event(
                        "QueueMember",
                        [
                            ("Queue", queue), ("Name", member.name), ("Location", "Local/\(agent)@agents/n"),
                            ("StateInterface", "Custom:\(agent)"), ("Membership", "dynamic"),
                            ("Penalty", String(member.penalty)),
                            ("CallsTaken", String(member.callsTaken)), ("LastCall", String(member.lastCall)),
                            ("Status", String(member.status)), ("Paused", member.paused ? "1" : "0"),
                            ("PausedReason", member.reason),
                        ]))
            }
            for (position, caller) in (self.waiting[queue] ?? []).enumerated() {
                items.append(
                    Packets.event(
                        "QueueEntry",
                        [
                            ("Queue", queue), ("Position", String(position + 1)), ("Uniqueid", caller.uniqueId),
                            ("Wait", String((self.milliseconds - caller.joined) / 1000)),
                        ]))
            }
        }
        items.append(Packets.event("QueueStatusComplete", [("EventList", "Complete")]))
        for (agent, code) in self.extensions.sorted(by: { $0.key < $1.key }) {
            items.append(Packets.extensionStatus(agent: agent, status: String(code)))
        }
        for (space, call) in self.parked.sorted(by: { $0.key < $1.key }) {
            items.append(self.parkedEvent("ParkedCall", space: space, call))
        }
        items.append(Packets.event("ParkedCallsComplete", [("EventList", "Complete")]))
        for family in ["DND", "CF", "CFB", "CFU"] {
            for (key, value) in (self.astDB[family] ?? [:]).sorted(by: { $0.key < $1.key }) {
                items.append(Packets.event("DBGetTreeResponse", [("Key", "/\(family)/\(key)"), ("Val", value)]))
            }
            items.append(Packets.event("DBGetTreeComplete", [("EventList", "Complete")]))
        }
        for (uniqueId, channel) in self.channels.sorted(by: { $0.key < $1.key }) {
            var fields: [(String, String)] = [
                ("Channel", channel.name), ("CallerIDNum", channel.number), ("CallerIDName", channel.callerName),
                ("ConnectedLineNum", channel.connectedNumber), ("ConnectedLineName", channel.connectedName),
                ("Uniqueid", uniqueId), ("Linkedid", uniqueId), ("BridgeId", channel.bridge ?? ""),
            ]
            if let queue = channel.queue {
                fields += [("Application", "Queue"), ("ApplicationData", "\(queue),r,,,120")]
            } else {
                fields += [("Application", "AppDial"), ("ApplicationData", "(Outgoing Line)")]
            }
            items.append(Packets.event("CoreShowChannel", fields))
        }
        return items
    }

    /// A percentage as app_queue prints it (`%2.1f` of a double), 0.0 of nothing.
    static func printed(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0.0" }
        return String(format: "%.1f", Double(part) / Double(whole) * 100)
    }
}
