import AMI
import CallCenter
import PBXTestSupport
import Testing

@Suite struct AgentCallsTests {
    /// Should name the agent's bridged channel and the caller it talks to while a queue call
    /// is up (real transcript), and nothing once it ended.
    @Test func findsAgentAndPeerChannelsDuringQueueCall() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("queue-call-flow.ami"))
        var state = CallCenterState()
        var seenDuringCall: [CallCenterState.AgentCall] = []
        for (index, message) in messages.enumerated() {
            _ = state.apply(message, at: CallCenterTime(millisecondsSinceEpoch: Int64(index) * 10))
            if message.eventName == "BridgeEnter", seenDuringCall.isEmpty, !state.peerChannels(ofAgent: "147").isEmpty {
                seenDuringCall = state.calls(ofAgent: "147")
            }
        }
        #expect(
            seenDuringCall == [
                CallCenterState.AgentCall(
                    channel: "Local/147@agents-00000005;1", peerChannel: "Local/100@incoming-00000004;2")
            ])
        #expect(state.calls(ofAgent: "147").isEmpty)
        #expect(state.channels(ofAgent: "nobody").isEmpty)
    }
}
