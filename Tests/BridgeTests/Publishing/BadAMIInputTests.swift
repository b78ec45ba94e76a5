import AMI
import CallCenter
import Foundation
import NIOCore
import PBXTestSupport
import Testing

@testable import Bridge

/// Bad input from Asterisk's side through the decoder, the model and the payload encoder:
/// truncated packets, invalid UTF-8, duplicate keys, unknown events, events about agents and
/// queues nobody knows, and events out of order. Nothing traps, every payload is JSON.
@Suite struct BadAMIInputTests {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 1_795_618_199_000)

    /// The messages of `bytes` up to EOF, and the error that ended the stream, if any.
    static func decode(_ bytes: [UInt8], expectBanner: Bool = false) -> ([AMIMessage], AMIDecodingError?) {
        var decoder = AMIMessageDecoder(expectBanner: expectBanner)
        var buffer = ByteBuffer(bytes: bytes)
        var messages: [AMIMessage] = []
        do {
            while let frame = try decoder.decode(buffer: &buffer) {
                if case .message(let message) = frame { messages.append(message) }
            }
            while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
                if case .message(let message) = frame { messages.append(message) }
            }
            return (messages, nil)
        } catch let error as AMIDecodingError {
            return (messages, error)
        } catch {
            Issue.record("untyped decoder error \(error)")
            return (messages, nil)
        }
    }

    /// Applies `messages` and checks that every change encodes to JSON; returns the state.
    @discardableResult
    static func apply(
        _ messages: [AMIMessage], to state: inout CallCenterState, _ label: String = ""
    ) -> [CallCenterChange] {
        var all: [CallCenterChange] = []
        for message in messages {
            let changes = state.apply(message, at: Self.t0)
            for change in changes {
                let payload: [UInt8]
                switch change {
                case .set(_, let value): payload = PayloadEncoder.encode(value)
                case .event(let event): payload = PayloadEncoder.encode(event)
                case .clear: continue
                }
                #expect((try? JSONSerialization.jsonObject(with: Data(payload))) != nil, "\(label) \(change)")
            }
            all += changes
        }
        return all
    }

    static func packets(_ text: String) -> [AMIMessage] {
        Self.decode(Array(text.utf8)).0
    }

    /// Should decode every complete packet of a transcript cut anywhere, report the rest as a
    /// truncated packet, and model the complete packets exactly as the whole stream's first ones.
    @Test(arguments: ["queue-call-flow.ami", "queue-member-lifecycle.ami"])
    func truncatedTranscripts(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let (whole, wholeError) = Self.decode(bytes, expectBanner: true)
        #expect(wholeError == nil)
        for cut in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 97)) {
            let (messages, error) = Self.decode(Array(bytes.prefix(cut)), expectBanner: true)
            #expect(Array(whole.prefix(messages.count)) == messages, "cut at \(cut)")
            if case .truncatedPacket(let left)? = error {
                #expect(left > 0 && left <= cut)
            }
            var state = CallCenterState()
            Self.apply(messages, to: &state, "cut at \(cut)")
            var expected = CallCenterState()
            for message in whole.prefix(messages.count) { _ = expected.apply(message, at: Self.t0) }
            #expect(state.view == expected.view, "cut at \(cut)")
        }
    }

    /// Should carry invalid UTF-8 as U+FFFD into names and payloads, which stay JSON.
    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        var bytes = Array("Event: QueueMemberAdded\r\nQueue: q1\r\nInterface: Local/147@agents/n\r\nMemberName: A".utf8)
        bytes += [0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80] + Array("Z\r\nPausedReason: ".utf8) + [0xFE]
        bytes += Array("\r\nPaused: 1\r\n\r\n".utf8)
        let (messages, error) = Self.decode(bytes)
        #expect(error == nil)
        var state = CallCenterState()
        Self.apply(messages, to: &state)
        guard case .name(let name)? = state.view[.agentName(agent: "147")],
            case .queueMemberStatus(let member)? = state.view[.agentQueueMemberStatus(agent: "147", queue: "q1")]
        else {
            Issue.record("the member was not modelled: \(state.view)")
            return
        }
        #expect(name.name.hasPrefix("A\u{FFFD}") && name.name.hasSuffix("Z"))
        #expect(member.pausedReason == "\u{FFFD}")
        #expect(member.paused)
    }

    /// Should read the first of duplicate keys, for ids and numbers alike.
    @Test func duplicateKeysUseTheFirst() throws {
        var state = CallCenterState()
        Self.apply(
            Self.packets(
                "Event: QueueMemberAdded\r\nQueue: q1\r\nQueue: q2\r\nInterface: Local/147@agents/n\r\n"
                    + "Interface: Local/148@agents/n\r\nPenalty: 3\r\nPenalty: 99999999999999999999\r\n\r\n"),
            to: &state)
        guard case .queueMemberStatus(let member)? = state.view[.agentQueueMemberStatus(agent: "147", queue: "q1")]
        else {
            Issue.record("no member 147 in q1: \(state.view.keys)")
            return
        }
        #expect(member.penalty == 3)
        #expect(state.view[.agentQueueMemberStatus(agent: "148", queue: "q2")] == nil)
        #expect(state.diagnostics.rejectedNumbers == 0)
    }

    /// Should ignore events the model does not read, whatever they carry.
    @Test func unknownEventsChangeNothing() {
        var state = CallCenterState()
        let changes = Self.apply(
            Self.packets(
                "Event: NoSuchEvent\r\nQueue: q1\r\nWait: 99999999999999999999\r\n\r\n"
                    + "Event: queuememberadded\r\nQueue: q1\r\nInterface: Local/147@agents/n\r\n\r\n"
                    + "Response: Success\r\nQueue: q1\r\n\r\nEvent:\r\n\r\n"),
            to: &state)
        #expect(changes.isEmpty)
        #expect(state == CallCenterState())
    }

    /// Should ignore agents and queues outside the configured scope, and model ones it never
    /// saw before when the scope is open.
    @Test func eventsForUnknownAgentsAndQueues() {
        let events =
            "Event: AgentComplete\r\nQueue: q1\r\nInterface: Local/999@agents/n\r\nUniqueid: 1.1\r\nTalkTime: 5\r\n"
            + "HoldTime: 2\r\nReason: agent\r\n\r\n"
            + "Event: AgentCalled\r\nQueue: q9\r\nInterface: Local/147@agents/n\r\nUniqueid: 1.2\r\n\r\n"
            + "Event: QueueCallerJoin\r\nQueue: q9\r\nUniqueid: 1.3\r\n\r\n"
            + "Event: QueueMemberPause\r\nQueue: q1\r\nInterface: Local/999@agents/n\r\nPaused: 1\r\n\r\n"
        var scoped = CallCenterState(
            configuration: CallCenterConfiguration(trackedQueues: ["q1"], trackedAgents: ["147"]))
        let scopedChanges = Self.apply(Self.packets(events), to: &scoped)
        // q1's statistics count the call; nothing is published about agent 999 or queue q9.
        #expect(scopedChanges.allSatisfy { !"\($0)".contains("999") && !"\($0)".contains("q9") })
        if case .queueStats(let stats)? = scoped.view[.queueStats(queue: "q1")] {
            #expect(stats.completed == 1)
        } else {
            Issue.record("q1 not modelled")
        }
        var open = CallCenterState()
        let openChanges = Self.apply(Self.packets(events), to: &open)
        #expect(openChanges.contains { if case .event(.agentComplete(let e)) = $0 { e.agent == "999" } else { false } })
        #expect(open.view[.queueCount(queue: "q9")] == .queueCount(QueueCountValue(queue: "q9", count: 1)))
    }

    /// Should stay consistent when events arrive out of order: a leave before its join, a
    /// complete without a connect, a bridge leave before the enter, a hangup of a channel never
    /// seen, a member removed before it was added.
    @Test func outOfOrderEvents() {
        var state = CallCenterState()
        let leaveFirst = Self.apply(
            Self.packets("Event: QueueCallerLeave\r\nQueue: q1\r\nUniqueid: 1.1\r\n\r\n"), to: &state)
        #expect(leaveFirst.isEmpty)
        Self.apply(Self.packets("Event: QueueCallerJoin\r\nQueue: q1\r\nUniqueid: 1.1\r\n\r\n"), to: &state)
        #expect(state.view[.queueCount(queue: "q1")] == .queueCount(QueueCountValue(queue: "q1", count: 1)))
        Self.apply(Self.packets("Event: QueueCallerLeave\r\nQueue: q1\r\nUniqueid: 1.1\r\n\r\n"), to: &state)
        #expect(state.view[.queueCount(queue: "q1")] == .queueCount(QueueCountValue(queue: "q1", count: 0)))

        let complete = Self.apply(
            Self.packets(
                "Event: AgentComplete\r\nQueue: q1\r\nInterface: Local/147@agents/n\r\nUniqueid: 1.1\r\n"
                    + "TalkTime: 40\r\nHoldTime: 3\r\nReason: caller\r\n\r\n"),
            to: &state)
        #expect(complete.contains { if case .event(.agentComplete) = $0 { true } else { false } })

        let bridgeFirst = Self.apply(
            Self.packets(
                "Event: BridgeLeave\r\nChannel: Local/147@agents-0001;1\r\nUniqueid: 2.1\r\nBridgeUniqueid: b1\r\n\r\n"),
            to: &state)
        #expect(bridgeFirst.allSatisfy { if case .event = $0 { false } else { true } })
        Self.apply(
            Self.packets(
                "Event: QueueMemberAdded\r\nQueue: q1\r\nInterface: Local/147@agents/n\r\n\r\n"
                    + "Event: BridgeEnter\r\nChannel: PJSIP/caller-0001\r\nUniqueid: 2.2\r\nCallerIDNum: 555\r\n"
                    + "BridgeUniqueid: b1\r\n\r\n"
                    + "Event: BridgeEnter\r\nChannel: Local/147@agents-0001;1\r\nUniqueid: 2.1\r\nBridgeUniqueid: b1\r\n\r\n"
            ),
            to: &state)
        guard case .phoneNumber(let phone)? = state.view[.agentPhoneNumber(agent: "147")] else {
            Issue.record("the bridge entered after its leave was not modelled")
            return
        }
        #expect(phone.number == "555")

        let before = state.view
        #expect(Self.apply(Self.packets("Event: Hangup\r\nUniqueid: 7.7\r\nChannel: X/1\r\n\r\n"), to: &state).isEmpty)
        #expect(
            Self.apply(
                Self.packets("Event: QueueMemberRemoved\r\nQueue: q2\r\nInterface: Local/147@agents/n\r\n\r\n"),
                to: &state
            ).isEmpty)
        #expect(state.view == before)
    }
}
