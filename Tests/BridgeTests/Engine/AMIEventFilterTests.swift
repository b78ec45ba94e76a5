import AMI
import Bridge
import CallCenter
import Foundation
import PBXTestSupport
import Testing

@Suite struct AMIEventFilterTests {
    static let managerConf = Fixtures.repositoryRoot.appendingPathComponent("deploy/manager.conf")
    static let eventFilterPrefix = "eventfilter = "

    /// Should ship the same regexes in deploy/manager.conf's eventfilter lines as it sends in
    /// Filter actions, so both ways of filtering give the model the same events.
    /// `PBX2MQTT_REGENERATE=1` rewrites those lines instead.
    @Test func managerConfMatchesFilterActions() throws {
        let text = try String(contentsOf: Self.managerConf, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let expected = AMIEventFilter.regexes.map { Self.eventFilterPrefix + $0 }
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
            deploy/manager.conf's eventfilter lines differ from AMIEventFilter.regexes; regenerate them with \
            `PBX2MQTT_REGENERATE=1 swift test --filter AMIEventFilterTests` or write:
            \(expected.joined(separator: "\n"))
            """
        )
    }

    /// Should pass every declared event by its exact name only: `Hangup` but not
    /// `HangupRequest`, the model's streamed events and the bridge's own, nothing undeclared.
    @Test func regexesMatchTheDeclaredNamesExactly() throws {
        let regexes = try AMIEventFilter.regexes.map { try Regex($0) }
        func passes(_ name: String) -> Bool {
            let text = "Event: \(name)\r\nPrivilege: call,all\r\n\r\n"
            return regexes.contains { text.firstMatch(of: $0) != nil }
        }
        let declared = ModelEvent.streamed.map(\.rawValue) + BridgeEvent.allCases.map(\.rawValue)
        #expect(Set(AMIEventFilter.events) == Set(declared))
        #expect(Set(AMIEventFilter.events).count == AMIEventFilter.events.count)
        for name in declared {
            #expect(passes(name), "\(name) is declared but filtered out")
            #expect(!passes(name + "Request"), "\(name)Request passes as a prefix match")
            #expect(name.allSatisfy { $0.isASCII && $0.isLetter }, "\(name) would need escaping in a regex")
        }
        for name in ["Hold", "Unhold", "HangupRequest", "AgentRingNoAnswer", "VarSet", "QueueMember", "QueueParams"] {
            #expect(!passes(name), "\(name) is not declared but passes")
        }
        #expect(AMIEventFilter.regexes.allSatisfy { $0.utf8.count < 200 })
    }

    /// Should leave the model exactly as the unfiltered stream builds it on every real
    /// transcript: the filter drops only events the reducer ignores. State-list items (they
    /// carry the action's ActionID) and responses are never subject to event filters.
    @Test(arguments: try Fixtures.transcriptNames())
    func filteredTranscriptBuildsTheSameModel(name: String) throws {
        let messages = try decodeAMIMessages(Fixtures.bytes(name))
        let regexes = try AMIEventFilter.regexes.map { try Regex($0) }
        var unfiltered = CallCenterState()
        var filtered = CallCenterState()
        var dropped = 0
        for (index, message) in messages.enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            let expected = unfiltered.apply(message, at: time)
            let passes =
                message.eventName == nil || message.actionID != nil
                || regexes.contains { message.description.firstMatch(of: $0) != nil }
            guard passes else {
                dropped += 1
                #expect(expected.isEmpty, "\(name) #\(index) \(message.eventName ?? "") changed the model")
                continue
            }
            #expect(filtered.apply(message, at: time) == expected, "\(name) #\(index)")
        }
        #expect(filtered == unfiltered)
        print("\(name): the filter drops \(dropped) of \(messages.count) packets")
    }

    /// Should let through exactly the events the model uses, judged on real Asterisk 22 traffic.
    @Test func keepsModelEventsAndDropsTheRest() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("queue-call-flow.ami"))
        let regexes = try AMIEventFilter.regexes.map { try Regex($0) }
        var kept: Set<String> = []
        var dropped: Set<String> = []
        for message in messages {
            guard let name = message.eventName else { continue }
            let text = message.description
            if regexes.contains(where: { text.firstMatch(of: $0) != nil }) {
                kept.insert(name)
            } else {
                dropped.insert(name)
            }
        }
        #expect(
            kept.isSuperset(of: [
                "QueueMemberStatus", "QueueCallerJoin", "QueueCallerLeave", "AgentCalled", "AgentConnect",
                "AgentComplete", "ExtensionStatus", "BridgeEnter", "BridgeLeave", "Hangup", "Newchannel",
                "DeviceStateChange",
            ]))
        #expect(
            dropped.isSuperset(of: [
                "VarSet", "Newexten", "HangupRequest", "SoftHangupRequest", "HangupHandlerRun",
                "DialState",
            ]))
        #expect(kept.isDisjoint(with: dropped))
    }

    /// Should cut real Asterisk 22 traffic (the 10-call capture, received with `Events: on`)
    /// to under a third of its bytes: responses always pass, events only when a regex matches.
    /// The figure is printed for the notes; the bound catches a filter that lets noise back in.
    /// (DeviceStateChange, read for the do-not-disturb device, passes whole by name: about
    /// half a percent of this capture, 0.2995 → 0.3045.)
    @Test func cutsRealTrafficBytes() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("traffic-10-calls.ami"))
        let regexes = try AMIEventFilter.regexes.map { try Regex($0) }
        var total = 0
        var kept = 0
        for message in messages {
            let size = message.description.utf8.count
            total += size
            if message.eventName == nil || regexes.contains(where: { message.description.firstMatch(of: $0) != nil }) {
                kept += size
            }
        }
        let ratio = Double(kept) / Double(total)
        print("AMIEventFilter keeps \(kept) of \(total) bytes of real traffic: \(ratio)")
        #expect(ratio < 1.0 / 3.0)
        #expect(ratio > 0.05)
    }
}
