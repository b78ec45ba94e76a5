import AMI
import Bridge
import Foundation
import PBXTestSupport
import Testing

@Suite struct AMIEventFilterTests {
    /// Should ship the same regexes in deploy/manager.conf's eventfilter lines as it sends in
    /// Filter actions, so both ways of filtering give the model the same events.
    @Test func managerConfMatchesFilterActions() throws {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("deploy/manager.conf"), encoding: .utf8)
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
        #expect(
            kept.isSuperset(of: [
                "QueueMemberStatus", "QueueCallerJoin", "QueueCallerLeave", "AgentCalled", "AgentConnect",
                "AgentComplete", "ExtensionStatus", "BridgeEnter", "BridgeLeave", "Hangup", "Newchannel",
            ]))
        #expect(
            dropped.isSuperset(of: [
                "VarSet", "Newexten", "DeviceStateChange", "HangupRequest", "SoftHangupRequest", "HangupHandlerRun",
                "DialState",
            ]))
        #expect(kept.isDisjoint(with: dropped))
    }

    /// Should cut real Asterisk 22 traffic (the 10-call capture, received with `Events: on`)
    /// to under 30 % of its bytes: responses always pass, events only when a regex matches.
    /// The figure is printed for the notes; the bound catches a filter that lets noise back in.
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
        #expect(ratio < 0.3)
        #expect(ratio > 0.05)
    }
}
