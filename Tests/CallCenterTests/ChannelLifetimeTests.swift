import AMI
import Testing

@testable import CallCenter

/// Which channels the model keeps, and until when (``ChannelHolds``).
@Suite struct ChannelLifetimeTests {
    static let t = CallCenterTime(millisecondsSinceEpoch: 1)

    static func channel(_ event: String, _ name: String, _ id: String, _ extra: [(String, String)] = []) -> AMIMessage {
        Packets.event(event, [("Channel", name), ("ChannelState", "6"), ("Uniqueid", id), ("Linkedid", "1.0")] + extra)
    }

    /// Should keep an agent's own channel from Newchannel to Hangup, and neither the `;2` half
    /// of its Local channel nor another party's channel until they enter a bridge.
    @Test func trackedChannelsLiveFromNewchannelToHangup() {
        var state = CallCenterState()
        _ = state.apply(Self.channel("Newchannel", "Local/147@agents-0000000a;1", "1.1"), at: Self.t)
        _ = state.apply(Self.channel("Newchannel", "Local/147@agents-0000000a;2", "1.2"), at: Self.t)
        _ = state.apply(Self.channel("Newchannel", "PJSIP/trunk-0000000b", "1.0"), at: Self.t)
        #expect(Set(state.channels.keys) == ["1.1"])
        #expect(state.calls(ofAgent: "147") == [.init(channel: "Local/147@agents-0000000a;1", peerChannel: nil)])
        _ = state.apply(Self.channel("Hangup", "Local/147@agents-0000000a;1", "1.1"), at: Self.t)
        #expect(state.channels.isEmpty && state.agentChannels.isEmpty)
    }

    /// Should keep a queue caller while it waits and while an agent has it (AgentConnect to
    /// AgentComplete), through a bridge change, and forget it without its Hangup.
    @Test func queueCallerLivesThroughItsQueueCall() {
        var state = CallCenterState()
        let caller = "Local/100@incoming-00000004;2"
        let agentLeg = "Local/147@agents-00000005;1"
        _ = state.apply(Self.channel("QueueCallerJoin", caller, "2.1", [("Queue", "q1")]), at: Self.t)
        #expect(state.channels["2.1"]?.queue == "q1")
        _ = state.apply(Self.channel("QueueCallerLeave", caller, "2.1", [("Queue", "q1")]), at: Self.t)
        #expect(state.channels.isEmpty)

        _ = state.apply(Self.channel("QueueCallerJoin", caller, "2.1", [("Queue", "q1")]), at: Self.t)
        _ = state.apply(Self.channel("Newchannel", agentLeg, "2.2"), at: Self.t)
        _ = state.apply(Self.channel("QueueCallerLeave", caller, "2.1", [("Queue", "q1")]), at: Self.t)
        _ = state.apply(Self.channel("AgentConnect", caller, "2.1", [("Queue", "q1")]), at: Self.t)
        for (name, id) in [(agentLeg, "2.2"), (caller, "2.1")] {
            _ = state.apply(Self.channel("BridgeEnter", name, id, [("BridgeUniqueid", "b1")]), at: Self.t)
        }
        // Parked: the caller leaves the agent's bridge for a parking bridge and keeps its queue.
        _ = state.apply(Self.channel("BridgeLeave", caller, "2.1", [("BridgeUniqueid", "b1")]), at: Self.t)
        _ = state.apply(Self.channel("BridgeEnter", caller, "2.1", [("BridgeUniqueid", "park")]), at: Self.t)
        #expect(state.channels["2.1"]?.queue == "q1")
        _ = state.apply(Self.channel("BridgeLeave", caller, "2.1", [("BridgeUniqueid", "park")]), at: Self.t)
        #expect(state.channels["2.1"] != nil)
        _ = state.apply(Self.channel("AgentComplete", caller, "2.1", [("Queue", "q1")]), at: Self.t)
        #expect(Set(state.channels.keys) == ["2.2"])
        #expect(state.bridges.keys.sorted() == ["b1"])
    }

    /// Should keep from a snapshot only the channels it would have kept from the events.
    @Test func snapshotKeepsTrackedBridgedAndQueueChannels() {
        let items = [
            Self.channel("CoreShowChannel", "Local/147@agents-0000000a;1", "3.1", [("BridgeId", "")]),
            Self.channel("CoreShowChannel", "PJSIP/trunk-0000000b", "3.2", [("BridgeId", "")]),
            Self.channel("CoreShowChannel", "PJSIP/trunk-0000000c", "3.3", [("BridgeId", "b")]),
            Self.channel(
                "CoreShowChannel", "Local/100@incoming-0000000d;2", "3.4",
                [("BridgeId", ""), ("Application", "Queue"), ("ApplicationData", "q2,r")]),
        ]
        let state = CallCenterState.snapshot(configuration: CallCenterConfiguration(), items: items, at: Self.t)
        #expect(Set(state.channels.keys) == ["3.1", "3.3", "3.4"])
        #expect(state.channels["3.4"]?.holds == .waiting)
        #expect(state.channels["3.4"]?.queue == "q2")
    }
}
