import CallCenter
import Testing

/// Agent ids from member interfaces, state interfaces, hints and channel names.
@Suite struct AgentIdentityTests {
    static let identity = AgentIdentity(
        configuration: CallCenterConfiguration(
            agentInterfaceTemplates: ["Local/{agent}@agents/n", "PJSIP/{agent}"],
            stateInterfaceTemplates: ["Custom:{agent}"]
        )
    )

    /// Should resolve every name form of agent 147.
    @Test(arguments: [
        "Local/147@agents-0000004f;1", "Local/147@agents-0000004f;2", "PJSIP/147-00000012", "PJSIP/147",
    ])
    func channelNames(channel: String) {
        #expect(Self.identity.agent(channel: channel) == "147")
    }

    /// Should not take other contexts or bare prefixes for agents.
    @Test(arguments: ["Local/100@incoming-00000004;2", "SIP/147-0001", "Local/@agents-0001;1", "PJSIP/-0001", ""])
    func foreignChannels(channel: String) {
        #expect(Self.identity.agent(channel: channel) == nil)
    }

    /// Should resolve member interfaces and state interfaces.
    @Test func interfaces() {
        #expect(Self.identity.agent(interface: "Local/147@agents/n") == "147")
        #expect(Self.identity.agent(interface: "PJSIP/147") == "147")
        #expect(Self.identity.agent(interface: "Local/147@other/n") == nil)
        #expect(Self.identity.agent(stateInterface: "Custom:147") == "147")
        #expect(Self.identity.agent(interface: "SIP/9", stateInterface: "Custom:148") == "148")
        #expect(Self.identity.agent(interface: "SIP/9", stateInterface: "SIP/9") == "SIP/9")
        #expect(Self.identity.agent(interface: "", stateInterface: nil) == nil)
    }

    /// Should resolve ExtensionStatus by hint (any device of a multi-device hint), else by exten.
    @Test func hints() {
        #expect(Self.identity.agent(hint: "Custom:147", exten: "9147") == "147")
        #expect(Self.identity.agent(hint: "SIP/x&Custom:148", exten: "9") == "148")
        #expect(Self.identity.agent(hint: "PJSIP/149", exten: "9") == "149")
        #expect(Self.identity.agent(hint: "DAHDI/1", exten: "500") == "500")
        #expect(Self.identity.agent(hint: "", exten: "") == nil)
        #expect(Self.identity.agent(hint: nil, exten: nil) == nil)
    }

    /// Should ignore templates without `{agent}`.
    @Test func templateWithoutPlaceholder() {
        let identity = AgentIdentity(
            configuration: CallCenterConfiguration(agentInterfaceTemplates: ["Local/x"], stateInterfaceTemplates: []))
        #expect(identity.agent(interface: "Local/x") == nil)
        #expect(identity.agent(channel: "Local/x-0001;1") == nil)
    }

    /// Should follow PJSIP templates for phone numbers: PJSIP/147 bridged to a trunk channel.
    @Test func phoneNumberWithPJSIPTemplate() {
        var state = CallCenterState(
            configuration: CallCenterConfiguration(
                agentInterfaceTemplates: ["PJSIP/{agent}"], stateInterfaceTemplates: []))
        let t = CallCenterTime(millisecondsSinceEpoch: 1)
        _ = state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: t)
        _ = state.apply(
            Packets.event(
                "Newchannel", [("Channel", "PJSIP/147-00000012"), ("Uniqueid", "1.1"), ("CallerIDNum", "147")]), at: t)
        _ = state.apply(
            Packets.event(
                "Newchannel",
                [
                    ("Channel", "PJSIP/trunk-00000013"), ("Uniqueid", "1.2"), ("CallerIDNum", "5551234"),
                    ("CallerIDName", "John"),
                ]), at: t)
        _ = state.apply(
            Packets.event(
                "BridgeEnter",
                [
                    ("Channel", "PJSIP/147-00000012"), ("Uniqueid", "1.1"), ("CallerIDNum", "147"),
                    ("BridgeUniqueid", "b1"),
                ]), at: t)
        let changes = state.apply(
            Packets.event(
                "BridgeEnter",
                [
                    ("Channel", "PJSIP/trunk-00000013"), ("Uniqueid", "1.2"), ("CallerIDNum", "5551234"),
                    ("CallerIDName", "John"), ("BridgeUniqueid", "b1"),
                ]), at: t)
        let expected = PhoneNumberValue(agent: "147", number: "5551234", name: "John", queue: nil, uniqueId: "1.2")
        #expect(changes == [.set(.agentPhoneNumber(agent: "147"), .phoneNumber(expected))])
        // The trunk "agent" is not known, so it gets no topic.
        #expect(state.view[.agentPhoneNumber(agent: "trunk")] == nil)
        let hangup = state.apply(
            Packets.event("Hangup", [("Channel", "PJSIP/trunk-00000013"), ("Uniqueid", "1.2")]), at: t)
        #expect(hangup == [.clear(.agentPhoneNumber(agent: "147"))])
    }
}
