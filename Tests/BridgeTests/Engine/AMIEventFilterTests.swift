import AMI
import Bridge
import Foundation
import PBXTestSupport
import Testing

@Suite struct AMIEventFilterTests {
    /// Should ship the same regexes in deploy/manager.conf's eventfilter lines as it sends in
    /// Filter actions, so both ways of filtering give the model the same events.
    @Test func managerConfMatchesFilterActions() throws {
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("deploy/manager.conf"), encoding: .utf8)
        let lines = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("eventfilter = ") else { return nil }
            return String(line.dropFirst("eventfilter = ".count))
        }
        #expect(lines == AMIEventFilter.regexes)
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
        #expect(kept.isSuperset(of: ["QueueMemberStatus", "QueueCallerJoin", "QueueCallerLeave", "AgentCalled", "AgentConnect", "AgentComplete", "ExtensionStatus", "BridgeEnter", "BridgeLeave", "Hangup", "Newchannel"]))
        #expect(dropped.isSuperset(of: ["VarSet", "Newexten", "DeviceStateChange", "HangupRequest", "SoftHangupRequest", "HangupHandlerRun", "DialState"]))
        #expect(kept.isDisjoint(with: dropped))
    }
}
