import AMI
import CallCenter
import Testing

/// Who the agent talks to, from bridges and connected lines.
@Suite struct PhoneNumberTests {
    static let t = CallCenterTime(millisecondsSinceEpoch: 1)

    static func channel(
        _ event: String, _ name: String, _ id: String, cid: String, connected: String = "", bridge: String? = nil
    ) -> AMIMessage {
        // Answered, as every channel in a bridge is (ChannelState 6 = Up).
        var fields: [(String, String)] = [
            ("Channel", name), ("ChannelState", "6"), ("Uniqueid", id), ("CallerIDNum", cid),
            ("CallerIDName", "N\(cid)"),
            ("ConnectedLineNum", connected), ("ConnectedLineName", connected.isEmpty ? "" : "N\(connected)"),
        ]
        if let bridge { fields.append(("BridgeUniqueid", bridge)) }
        return Packets.event(event, fields)
    }

    /// Should show the dialled party on an outbound call, where the far channel's caller id
    /// is the agent's own number.
    @Test func outboundUsesConnectedLine() {
        var state = CallCenterState()
        _ = state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: Self.t)
        _ = state.apply(Self.channel("Newchannel", "Local/147@agents-0000000a;1", "2.1", cid: "147"), at: Self.t)
        _ = state.apply(Self.channel("Newchannel", "PJSIP/trunk-0000000b", "2.2", cid: "147"), at: Self.t)
        _ = state.apply(
            Self.channel(
                "BridgeEnter", "Local/147@agents-0000000a;1", "2.1", cid: "147", connected: "5551234", bridge: "b"),
            at: Self.t)
        let changes = state.apply(
            Self.channel("BridgeEnter", "PJSIP/trunk-0000000b", "2.2", cid: "147", connected: "147", bridge: "b"),
            at: Self.t)
        let expected = PhoneNumberValue(agent: "147", number: "5551234", name: "N5551234", queue: nil, uniqueId: "2.2")
        #expect(changes == [.set(.agentPhoneNumber(agent: "147"), .phoneNumber(expected))])

        // A transfer updates the connected line: the topic follows.
        let update = state.apply(
            Self.channel("NewConnectedLine", "Local/147@agents-0000000a;1", "2.1", cid: "147", connected: "5559999"),
            at: Self.t)
        let transferred = PhoneNumberValue(
            agent: "147", number: "5559999", name: "N5559999", queue: nil, uniqueId: "2.2")
        #expect(update == [.set(.agentPhoneNumber(agent: "147"), .phoneNumber(transferred))])

        // Leaving the bridge clears it.
        let leave = state.apply(
            Self.channel("BridgeLeave", "PJSIP/trunk-0000000b", "2.2", cid: "147", connected: "147", bridge: "b"),
            at: Self.t)
        #expect(leave == [.clear(.agentPhoneNumber(agent: "147"))])
    }

    /// Should tell an outbound call (the agent's leg started it) from an inbound one, and give
    /// the call's start from the Linkedid, the same whichever way the call was learnt.
    @Test func directionAndStartFromLinkedid() {
        func leg(_ event: String, _ name: String, _ id: String, linked: String, cid: String, bridge: String? = nil)
            -> AMIMessage
        {
            var fields: [(String, String)] = [
                ("Channel", name), ("Uniqueid", id), ("Linkedid", linked), ("CallerIDNum", cid),
            ]
            if let bridge { fields.append(("BridgeUniqueid", bridge)) }
            return Packets.event(event, fields)
        }
        var state = CallCenterState()
        _ = state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: Self.t)
        _ = state.apply(
            leg(
                "BridgeEnter", "Local/147@agents-0000000a;1", "1795618300.1", linked: "1795618300.1", cid: "147",
                bridge: "b"), at: Self.t)
        _ = state.apply(
            leg(
                "BridgeEnter", "PJSIP/trunk-0000000b", "1795618301.2", linked: "1795618300.1", cid: "5551234",
                bridge: "b"), at: Self.t)
        guard case .phoneNumber(let outbound)? = state.view[.agentPhoneNumber(agent: "147")] else {
            Issue.record("no phoneNumber for the outbound call")
            return
        }
        #expect(outbound.direction == "outbound")
        #expect(outbound.startTime == CallCenterTime(secondsSinceEpoch: 1_795_618_300))

        var inbound = CallCenterState()
        _ = inbound.apply(Packets.extensionStatus(agent: "148", status: "1"), at: Self.t)
        _ = inbound.apply(
            leg(
                "BridgeEnter", "Local/100@incoming-00000004;2", "pbx1-1795618400.7", linked: "pbx1-1795618400.7",
                cid: "5550001", bridge: "c"), at: Self.t)
        _ = inbound.apply(
            leg(
                "BridgeEnter", "Local/148@agents-00000005;1", "pbx1-1795618402.9", linked: "pbx1-1795618400.7",
                cid: "148", bridge: "c"), at: Self.t)
        guard case .phoneNumber(let received)? = inbound.view[.agentPhoneNumber(agent: "148")] else {
            Issue.record("no phoneNumber for the inbound call")
            return
        }
        #expect(received.direction == "inbound")
        #expect(received.startTime == CallCenterTime(secondsSinceEpoch: 1_795_618_400))
    }

    /// Should not publish a phone number for a channel bridged only with the agent's own
    /// other leg (Local;2 with the agent's phone).
    @Test func ownLegsAreNotACounterpart() {
        var state = CallCenterState(
            configuration: CallCenterConfiguration(agentInterfaceTemplates: ["Local/{agent}@agents/n", "PJSIP/{agent}"])
        )
        _ = state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: Self.t)
        _ = state.apply(
            Self.channel(
                "BridgeEnter", "Local/147@agents-0000000a;2", "3.1", cid: "5550001", connected: "5550001", bridge: "b2"),
            at: Self.t)
        let changes = state.apply(
            Self.channel("BridgeEnter", "PJSIP/147-0000000c", "3.2", cid: "147", connected: "5550001", bridge: "b2"),
            at: Self.t)
        #expect(changes.isEmpty)
        #expect(state.view[.agentPhoneNumber(agent: "147")] == nil)
    }
}
