import AMI
import CallCenter
import PBXTestSupport
import Testing

/// The call-state events, `{p}/agent/{a}/call` and the conversations lists, judged on the real
/// Asterisk 22 call-feature captures.
@Suite struct CallModelTests {
    /// One call step as `event cause agent`, e.g. `ringFinished answeredElsewhere 149`.
    struct Step: Hashable, CustomStringConvertible {
        var call: String
        var text: String
        var description: String { "\(self.call): \(self.text)" }
    }

    /// Replays `name` and returns every call event in order, and the final state.
    static func replay(_ name: String) throws -> (steps: [Step], events: [CallStateEvent], state: CallCenterState) {
        var state = CallCenterState()
        var steps: [Step] = []
        var events: [CallStateEvent] = []
        for (index, message) in try decodeAMIMessages(Fixtures.bytes(name)).enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            for change in state.apply(message, at: time) {
                guard case .event(.callState(let event)) = change else { continue }
                events.append(event)
                let text = [event.event.rawValue, event.cause ?? "-", event.call.agent].joined(separator: " ")
                steps.append(Step(call: event.call.linkedID, text: text))
            }
        }
        return (steps, events, state)
    }

    static func texts(_ steps: [Step]) -> [String] { steps.map(\.text) }

    /// Should ring both agents of a ringall queue, end the loser's ring as answered elsewhere,
    /// and end an unanswered call's rings and the call itself as abandoned.
    @Test func ringallRingsBothAndEndsTheLoser() throws {
        let (steps, _, state) = try Self.replay("call-features/ringall-two-agents.ami")
        let calls = Dictionary(grouping: steps, by: \.call)
        #expect(calls.count == 2)
        let ordered = calls.values.sorted { ($0.first?.call ?? "") < ($1.first?.call ?? "") }
        #expect(
            ordered.first.map(Self.texts) == [
                "ringStarted - 149", "ringStarted - 150", "ringFinished answeredElsewhere 149",
                "ringFinished answered 150", "commutationStarted - 150", "finished agent 150",
            ])
        #expect(
            ordered.last.map(Self.texts) == [
                "ringStarted - 149", "ringStarted - 150", "ringFinished abandoned 149", "ringFinished abandoned 150",
                "finished abandoned ",
            ])
        #expect(state.view.keys.allSatisfy { if case .agentCall = $0 { false } else { true } })
    }

    /// Should report Hold and Unhold of the agent's leg as putHold / endHold, with the time
    /// held counted once the hold ends.
    @Test func holdAndUnhold() throws {
        let (steps, events, _) = try Self.replay("call-features/hold.ami")
        #expect(
            Self.texts(steps) == [
                "ringStarted - Local/147@agents-hold/n", "ringFinished answered Local/147@agents-hold/n",
                "commutationStarted - Local/147@agents-hold/n", "putHold - Local/147@agents-hold/n",
                "endHold - Local/147@agents-hold/n", "finished agent Local/147@agents-hold/n",
            ])
        let put = try #require(events.first { $0.event == .putHold })
        let end = try #require(events.first { $0.event == .endHold })
        #expect(put.call.state == .onHold && put.call.holdSince == put.at)
        #expect(end.call.holdSince == nil)
        #expect(Int64(end.call.holdSeconds) == (end.at.millisecondsSinceEpoch - put.at.millisecondsSinceEpoch) / 1000)
    }

    /// Should report a blind transfer with its extension, take the call off the agent at once
    /// (the Unhold Asterisk sends for the transferer is no endHold: nothing was held), and
    /// finish the call with AgentComplete's reason.
    @Test func blindTransfer() throws {
        let (steps, events, _) = try Self.replay("call-features/blind-transfer.ami")
        #expect(
            Self.texts(steps) == [
                "ringStarted - 147", "ringFinished answered 147", "commutationStarted - 147", "transferred - 147",
                "finished transfer 147",
            ])
        let transfer = try #require(events.first { $0.event == .transferred }?.call.transfer)
        #expect(transfer.kind == "blind" && transfer.number == "300" && transfer.channel.isEmpty)
    }

    /// Should report the attended transfer's hold and its target, and clear the agent's call
    /// topic at the transfer, before the call itself finishes.
    @Test func attendedTransfer() throws {
        var state = CallCenterState()
        var cleared: CallCenterTime?
        var transferredAt: CallCenterTime?
        for (index, message) in try decodeAMIMessages(Fixtures.bytes("call-features/attended-transfer.ami"))
            .enumerated()
        {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            for change in state.apply(message, at: time) {
                if case .clear(.agentCall(agent: "147")) = change { cleared = time }
                if case .event(.callState(let event)) = change, event.event == .transferred {
                    transferredAt = time
                    #expect(event.call.transfer?.kind == "attended")
                    #expect(event.call.transfer?.number == "148")
                    #expect(event.call.transfer?.channel.hasPrefix("Local/148@agents-") == true)
                }
            }
        }
        #expect(transferredAt != nil && cleared == transferredAt)
        let (steps, _, _) = try Self.replay("call-features/attended-transfer.ami")
        let second = steps.filter { $0.call == steps.last?.call }
        #expect(
            Self.texts(second) == [
                "ringStarted - 147", "ringFinished answered 147", "commutationStarted - 147", "putHold - 147",
                "transferred - 147", "finished transfer 147",
            ])
    }

    /// Should end a ring that times out as noAnswer, leaving the caller waiting.
    @Test func ringNoAnswer() throws {
        let (steps, _, _) = try Self.replay("queue-ringnoanswer.ami")
        #expect(Self.texts(steps).contains("ringFinished noAnswer 147"))
        #expect(Self.texts(steps).last == "finished abandoned ")
    }

    /// Should finish every call a transcript starts, exactly once, and leave no call behind.
    @Test(arguments: try Fixtures.callFeatureTranscriptNames() + ["queue-call-flow.ami", "traffic-10-calls.ami"])
    func everyCallFinishesOnce(name: String) throws {
        let (steps, _, state) = try Self.replay(name)
        let calls = Dictionary(grouping: steps, by: \.call)
        for (call, steps) in calls {
            #expect(steps.filter { $0.text.hasPrefix("finished ") }.count == 1, "\(call): \(steps)")
            #expect(steps.last?.text.hasPrefix("finished ") == true, "\(call): \(steps)")
        }
        for (key, value) in state.view {
            if case .agentCall = key { Issue.record("\(key) left set") }
            if case .conversations(let list) = value { #expect(list.calls.isEmpty, "\(key)") }
        }
    }

    /// Should show the agent's call on `{p}/extension/{e}/conversations` while it lasts, and
    /// an empty list before and after.
    @Test func conversationsFollowTheCall() throws {
        var state = CallCenterState()
        var lists: [Int] = []
        for (index, message) in try decodeAMIMessages(Fixtures.bytes("queue-call-flow.ami")).enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            for change in state.apply(message, at: time) {
                if case .set(.extensionConversations(extension: "147"), .conversations(let value)) = change {
                    lists.append(value.calls.count)
                }
            }
        }
        #expect(lists.first == 1 || lists.first == 0)
        #expect(lists.contains(1) && lists.last == 0)
    }

    /// Should carry the MixMonitor file from the caller snapshot's `ChanVariable` into
    /// agentComplete and the call, and from the member leg's `DestChanVariable` too.
    @Test(arguments: ["ChanVariable", "DestChanVariable"])
    func recordingFromTheChannelVariable(header: String) {
        var state = CallCenterState()
        let call: [(String, String)] = [
            ("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("MemberName", "Alice"), ("Uniqueid", "1.2"),
            ("Linkedid", "1.1"), ("Channel", "PJSIP/trunk-1"), ("CallerIDNum", "555"),
        ]
        _ = state.apply(Packets.event("QueueCallerJoin", call), at: CallCenterTime(millisecondsSinceEpoch: 1000))
        _ = state.apply(Packets.event("AgentCalled", call), at: CallCenterTime(millisecondsSinceEpoch: 2000))
        let connect = Packets.event(
            "AgentConnect", call + [("HoldTime", "1"), (header, "MIXMONITOR_FILENAME=/rec/q1-1.2.wav")])
        let connected = state.apply(connect, at: CallCenterTime(millisecondsSinceEpoch: 3000))
        #expect(
            connected.contains {
                if case .set(.agentCall(agent: "147"), .call(let value)) = $0 {
                    value.recording == "/rec/q1-1.2.wav"
                } else {
                    false
                }
            })
        let complete = Packets.event(
            "AgentComplete", call + [("HoldTime", "1"), ("TalkTime", "5"), ("Reason", "agent")])
        let changes = state.apply(complete, at: CallCenterTime(millisecondsSinceEpoch: 8000))
        let recordings = changes.compactMap { change -> String? in
            switch change {
            case .event(.agentComplete(let event)): event.recording
            case .event(.callState(let event)): event.call.recording
            default: nil
            }
        }
        #expect(recordings == ["/rec/q1-1.2.wav", "/rec/q1-1.2.wav"])
    }

    /// Should carry no recording when no snapshot names one (every real capture).
    @Test func noRecordingWithoutTheVariable() throws {
        let (_, events, _) = try Self.replay("queue-call-flow.ami")
        #expect(!events.isEmpty && events.allSatisfy { $0.call.recording == nil })
    }
}
