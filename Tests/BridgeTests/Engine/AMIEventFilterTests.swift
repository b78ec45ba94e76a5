import AMI
import Bridge
import Foundation
import PBXTestSupport
import Testing

@testable import AMISimulator
@testable import CallCenter

@Suite struct AMIEventFilterTests {
    static let managerConf = Fixtures.repositoryRoot.appendingPathComponent("deploy/manager.conf")
    static let eventFilterPrefix = "eventfilter = "
    static let defaultRegexes = AMIEventFilter.regexes(for: CallCenterConfiguration())

    /// The regexes as Asterisk applies them: compiled with POSIX `regcomp` (the simulator's
    /// legacy filter), matched with `regexec` against the event's whole wire text.
    static func filters(_ regexes: [String]) throws -> [EventFilter] {
        try regexes.map { try EventFilter(filter: $0, criteria: nil) }
    }

    /// Whether Asterisk delivers `message` through `filters`: responses and action list items
    /// (they carry the action's ActionID) bypass event filters; every event, OriginateResponse
    /// too although it echoes the Originate's ActionID, must match one regex.
    static func passes(_ message: AMIMessage, _ filters: [EventFilter]) -> Bool {
        guard let name = message.eventName else { return true }
        if message.actionID != nil, name != BridgeEvent.originateResponse.rawValue { return true }
        return filters.contains { $0.matches(message, text: { message.description }) }
    }

    /// Should ship the same regexes in deploy/manager.conf's eventfilter lines (`;` escaped for
    /// the config parser) as it sends in Filter actions for the default templates, so both ways
    /// of filtering give the model the same events. `PBX2MQTT_REGENERATE=1` rewrites them.
    @Test func managerConfMatchesFilterActions() throws {
        let text = try String(contentsOf: Self.managerConf, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let expected = AMIEventFilter.managerConfLines(for: CallCenterConfiguration())
        #expect(
            expected.map { $0.replacing("\\;", with: ";") } == Self.defaultRegexes.map { Self.eventFilterPrefix + $0 })
        if ProcessInfo.processInfo.environment["PBX2MQTT_REGENERATE"] == "1" {
            var rewritten = lines.filter { !$0.hasPrefix(Self.eventFilterPrefix) }
            let index = try #require(lines.firstIndex { $0.hasPrefix(Self.eventFilterPrefix) })
            rewritten.insert(contentsOf: expected, at: index)
            try rewritten.joined(separator: "\n").write(to: Self.managerConf, atomically: true, encoding: .utf8)
            return
        }
        let actual = lines.filter { $0.hasPrefix(Self.eventFilterPrefix) }
        #expect(
            actual == expected,
            """
            deploy/manager.conf's eventfilter lines differ from AMIEventFilter.managerConfLines(for: CallCenterConfiguration()); \
            regenerate them with `PBX2MQTT_REGENERATE=1 swift test --filter AMIEventFilterTests` or write:
            \(expected.joined(separator: "\n"))
            """
        )
    }

    /// Should pass every declared event by its exact name only (`Hangup` but not
    /// `HangupRequest`), the channel-scoped ones only for tracked channels, and nothing
    /// undeclared.
    @Test func regexesMatchTheDeclaredNamesExactly() throws {
        let filters = try Self.filters(Self.defaultRegexes)
        func passes(_ name: String, channel: String = "Local/147@agents-0000004f;1", state: String = "6") -> Bool {
            var fields = [
                AMIField("Event", name), AMIField("Privilege", "call,all"), AMIField("Channel", channel),
                AMIField("ChannelState", state),
            ]
            // Only the bridge's own OriginateResponses pass; no other event carries an ActionID.
            if name == BridgeEvent.originateResponse.rawValue {
                fields.append(AMIField("ActionID", AMIClient.actionIDPrefix + "1-7"))
            }
            return Self.passes(AMIMessage(fields: fields), filters)
        }
        let declared = ModelEvent.streamed.map(\.rawValue) + BridgeEvent.allCases.map(\.rawValue)
        #expect(Set(AMIEventFilter.events) == Set(declared))
        #expect(Set(AMIEventFilter.events).count == AMIEventFilter.events.count)
        let named = ModelEvent.streamed.filter { [.dndDevices, .astDBUserEvent].contains($0.scope) }.map(\.rawValue)
        #expect(named == ["DeviceStateChange", "UserEvent"])
        for name in declared where !named.contains(name) {
            #expect(passes(name), "\(name) is declared but filtered out")
            #expect(!passes(name + "Request"), "\(name)Request passes as a prefix match")
            #expect(name.allSatisfy { $0.isASCII && $0.isLetter }, "\(name) would need escaping in a regex")
        }
        for name in [
            "MusicOnHoldStart", "HangupRequest", "DialBegin", "VarSet", "QueueMember", "QueueParams",
            "NewCallerid",
            "Newstate",
        ] {
            #expect(!passes(name), "\(name) is not declared but passes")
        }
        let scoped = ModelEvent.streamed.filter { [.trackedChannels, .answeredTrackedChannels].contains($0.scope) }
            .map(\.rawValue)
        #expect(scoped == ["Newchannel", "NewConnectedLine", "Hangup"])
        for name in scoped {
            for other in ["Local/100@incoming-00000004;1", "PJSIP/trunk-00000001", "Local/147@agents-0000004f;2"] {
                #expect(!passes(name, channel: other), "\(name) of \(other) passes")
            }
            #expect(passes(name, channel: "Local/147@agents-0000004f"))
            #expect(passes(name, channel: "Custom:147"))
        }
        #expect(passes("Hangup", state: "5"))
        #expect(!passes("NewConnectedLine", state: "5"))
        #expect(!passes("NewConnectedLine", state: "60"))
        // DeviceStateChange only of the do-not-disturb devices, UserEvent only by its name.
        func device(_ device: String) -> Bool {
            Self.passes(
                AMIMessage(["Event": "DeviceStateChange", "Privilege": "call,all", "Device": device, "State": "BUSY"]),
                filters)
        }
        #expect(device("Custom:DND147"))
        for other in ["Custom:DND", "PJSIP/147", "Custom:147", "Local/147@agents", "Queue:q1_avail", "custom:dnd147"] {
            #expect(!device(other), "DeviceStateChange of \(other) passes")
        }
        func user(_ name: String) -> Bool {
            Self.passes(
                AMIMessage([
                    "Event": "UserEvent", "Privilege": "user,all", "UserEvent": name, "Family": "CF", "Key": "1",
                ]),
                filters)
        }
        #expect(user("AstDB"))
        for other in ["AstDBx", "Other", "astdb", "XAstDB"] {
            #expect(!user(other), "UserEvent \(other) passes")
        }
        let off = try Self.filters(
            AMIEventFilter.regexes(for: CallCenterConfiguration(dndDeviceTemplate: nil, astDBUserEvent: nil)))
        #expect(
            !Self.passes(AMIMessage(["Event": "DeviceStateChange", "Device": "Custom:DND147", "State": "BUSY"]), off))
        #expect(!Self.passes(AMIMessage(["Event": "UserEvent", "UserEvent": "AstDB", "Family": "CF"]), off))
        let foreign = AMIMessage(["Event": "OriginateResponse", "ActionID": "call-1", "Response": "Success"])
        #expect(!Self.passes(foreign, filters))
        // An AMI action line holds at most 1024 bytes.
        #expect(Self.defaultRegexes.allSatisfy { ("Filter: " + $0).utf8.count < 1024 })
    }

    /// Should describe each template's channel names literally, whatever regex characters the
    /// template holds, and follow every template of the configuration.
    @Test func templatesAreEscaped() throws {
        let configuration = CallCenterConfiguration(
            agentInterfaceTemplates: ["SIP/{agent}.x+(y)|z", "PJSIP/{agent}"],
            stateInterfaceTemplates: ["Custom:{agent}^$[a]*?{2}\\"])
        let filters = try Self.filters(AMIEventFilter.regexes(for: configuration))
        let identity = AgentIdentity(configuration: configuration)
        func passes(_ channel: String) -> Bool {
            Self.passes(AMIMessage(["Event": "Newchannel", "Channel": channel, "Uniqueid": "1.1"]), filters)
        }
        for channel in [
            "SIP/147.x+(y)|z-0000000a", "PJSIP/147-0000000b", "Custom:147^$[a]*?{2}\\", "SIP/1.x+(y)|z;1",
        ] {
            #expect(identity.tracks(channel: channel), "\(channel)")
            #expect(passes(channel), "\(channel) is tracked but filtered out")
        }
        for channel in ["SIP/147Ax+(y)|z-0000000a", "SIP/147.xx(y)|z", "Custom:147^$a*?{2}\\", "SIP/147-0001", "z"] {
            #expect(!identity.tracks(channel: channel), "\(channel)")
            #expect(!passes(channel), "\(channel) passes")
        }
        let none = AMIEventFilter.regexes(
            for: CallCenterConfiguration(agentInterfaceTemplates: ["Local/x"], stateInterfaceTemplates: []))
        #expect(none.allSatisfy { !$0.contains("Newchannel") && !$0.contains("Hangup") })
    }

    /// Should leave everything the model publishes and every command's channels exactly as
    /// the unfiltered stream gives them, packet by packet, on every real transcript: the
    /// filter drops only what the model does not need. State-list items (they carry the
    /// action's ActionID) and responses are never subject to event filters.
    @Test(arguments: try Fixtures.transcriptNames() + Fixtures.callFeatureTranscriptNames())
    func filteredTranscriptBuildsTheSameModel(name: String) throws {
        let messages = try decodeAMIMessages(Fixtures.bytes(name))
        let filters = try Self.filters(Self.defaultRegexes)
        var unfiltered = CallCenterState()
        var filtered = CallCenterState()
        var dropped = 0
        for (index, message) in messages.enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            let expected = unfiltered.apply(message, at: time)
            if Self.passes(message, filters) {
                #expect(filtered.apply(message, at: time) == expected, "\(name) #\(index)")
            } else {
                dropped += 1
                #expect(expected.isEmpty, "\(name) #\(index) \(message.eventName ?? "") changed the model")
            }
            for agent in Set(unfiltered.agentChannels.keys).union(filtered.agentChannels.keys) {
                #expect(
                    filtered.calls(ofAgent: agent) == unfiltered.calls(ofAgent: agent), "\(name) #\(index) \(agent)")
            }
        }
        #expect(filtered.view == unfiltered.view)
        #expect(filtered.diagnostics == unfiltered.diagnostics)
        print("\(name): the filter drops \(dropped) of \(messages.count) packets")
    }

    /// Should leave no channel behind once every call of a real transcript has ended,
    /// filtered or not: a channel whose Hangup the filter drops goes with its last bridge or
    /// queue call.
    @Test func forgetsEveryEndedCall() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("traffic-10-calls.ami"))
        let filters = try Self.filters(Self.defaultRegexes)
        var unfiltered = CallCenterState()
        var filtered = CallCenterState()
        var peak = 0
        for (index, message) in messages.enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            _ = unfiltered.apply(message, at: time)
            if Self.passes(message, filters) { _ = filtered.apply(message, at: time) }
            peak = max(peak, filtered.channels.count)
        }
        #expect(peak > 0)
        #expect(filtered.channels.isEmpty && filtered.bridges.isEmpty && filtered.agentChannels.isEmpty)
        #expect(unfiltered.channels.isEmpty && unfiltered.bridges.isEmpty && unfiltered.agentChannels.isEmpty)
    }

    /// Should let through exactly the events the model uses, judged on real Asterisk 22 traffic.
    @Test func keepsModelEventsAndDropsTheRest() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("queue-call-flow.ami"))
        let filters = try Self.filters(Self.defaultRegexes)
        var kept: Set<String> = []
        var dropped: Set<String> = []
        for message in messages {
            guard let name = message.eventName, message.actionID == nil else { continue }
            if Self.passes(message, filters) {
                kept.insert(name)
            } else {
                dropped.insert(name)
            }
        }
        #expect(
            kept.isSuperset(of: [
                "QueueMemberStatus", "QueueCallerJoin", "QueueCallerLeave", "AgentCalled", "AgentConnect",
                "AgentComplete", "ExtensionStatus", "BridgeEnter", "BridgeLeave", "Hangup", "Newchannel",
            ]))
        #expect(
            dropped.isSuperset(of: [
                "VarSet", "Newexten", "DeviceStateChange", "HangupRequest", "SoftHangupRequest", "HangupHandlerRun",
                "DialState", "NewCallerid", "Newstate",
            ]))
    }

    /// Should cut real Asterisk 22 traffic (the captures received with `Events: on`) to at
    /// most 15 % of its bytes: responses always pass, events only when a regex matches. The
    /// figure is printed for the notes; the bound catches a filter that lets noise back in.
    @Test(arguments: ["traffic-10-calls.ami", "event-filter-unfiltered.ami"])
    func cutsRealTrafficBytes(name: String) throws {
        let messages = try decodeAMIMessages(Fixtures.bytes(name))
        let filters = try Self.filters(Self.defaultRegexes)
        var total = 0
        var kept = 0
        for message in messages {
            let size = message.description.utf8.count
            total += size
            if Self.passes(message, filters) { kept += size }
        }
        let ratio = Double(kept) / Double(total)
        print("AMIEventFilter keeps \(kept) of \(total) bytes of \(name): \(ratio)")
        #expect(ratio <= 0.15)
        #expect(ratio > 0.05)
    }
}
