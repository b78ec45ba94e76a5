import CallCenter
import Foundation
import PBXTestSupport
import Testing

@testable import Bridge

/// docs/mqtt-api.md is the contract clients are written against. These checks take their
/// lists from the code's own enums and encoders, so a new topic kind, command, error code or
/// payload field fails here until the document describes it.
@Suite struct MQTTContractDocTests {
    /// The document's text.
    static func document() throws -> String {
        try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/mqtt-api.md"), encoding: .utf8)
    }

    /// The layout with the document's placeholders as prefix and ids, so that it builds the
    /// topics exactly as the document writes them: `{p}/agent/{a}/name`.
    static func placeholderLayout() throws -> TopicLayout {
        try TopicLayout(prefix: "{p}")
    }

    static let time = CallCenterTime(millisecondsSinceEpoch: 1_796_010_676_000)

    /// A key and a value with every optional field set, for each kind of retained topic.
    static let call = CallValue(
        linkedID: "{linkedid}", uniqueID: "1796006224.17", state: .talking, queue: "{q}", agent: "{a}",
        caller: CallParty(number: "5550201", name: "Caller", channel: "PJSIP/trunk-1"),
        callee: CallParty(number: "{a}", name: "Alice", channel: "Local/147@agents-00000009;1"),
        startedAt: Self.time, answeredAt: Self.time, holdSince: Self.time, holdSeconds: 3,
        transfer: CallTransfer(kind: "blind", number: "300", channel: "", at: Self.time), recording: "call.wav")

    static func sample(_ kind: StateKey.Kind) -> (key: StateKey, value: StateValue) {
        switch kind {
        case .agentCall:
            (.agentCall(agent: "{a}"), .call(Self.call))
        case .extensionConversations:
            (
                .extensionConversations(extension: "{e}"),
                .conversations(ConversationsValue(extensionID: "{e}", calls: [Self.call]))
            )
        case .agentExtensionStatus:
            (
                .agentExtensionStatus(agent: "{a}"),
                .extensionStatus(ExtensionStatusValue(agent: "{a}", status: .notInUse, since: Self.time))
            )
        case .agentName:
            (.agentName(agent: "{a}"), .name(AgentNameValue(agent: "{a}", name: "Alice")))
        case .agentQueueMemberStatus:
            (
                .agentQueueMemberStatus(agent: "{a}", queue: "{q}"),
                .queueMemberStatus(
                    QueueMemberStatusValue(
                        agent: "{a}", queue: "{q}", status: .paused, paused: true, pausedReason: "lunch",
                        penalty: 1, callsTaken: 2, lastCall: Self.time, since: Self.time))
            )
        case .agentPhoneNumber:
            (
                .agentPhoneNumber(agent: "{a}"),
                .phoneNumber(
                    PhoneNumberValue(
                        agent: "{a}", number: "5551234", name: "Caller", queue: "{q}", uniqueId: "1.2",
                        direction: "inbound", startTime: Self.time))
            )
        case .queueCount:
            (.queueCount(queue: "{q}"), .queueCount(QueueCountValue(queue: "{q}", count: 2)))
        case .queueStats:
            (
                .queueStats(queue: "{q}"),
                .queueStats(
                    QueueStatsValue(
                        queue: "{q}", waiting: 1, longestWaitSeconds: 2, members: 3, available: 1, paused: 1,
                        completed: 4, abandoned: 1, holdTime: 5, talkTime: 6, serviceLevel: 33.3,
                        oldestWaitingSince: Self.time, membersByStatus: ["not_inuse": 1, "paused": 1, "inuse": 1],
                        serviceLevelSeconds: 20, serviceLevelWithAbandoned: 20))
            )
        case .extensionPresence:
            (
                .extensionPresence(extension: "{e}"),
                .presence(
                    ExtensionPresenceValue(
                        extension: "{e}", status: .dnd, dnd: true,
                        callForward: CallForward(unconditional: "5551234", busy: "200", unavailable: "300"),
                        since: Self.time))
            )
        case .parking:
            (
                .parking(lot: "{lot}", space: "{space}"),
                .parking(
                    ParkingValue(
                        lot: "{lot}", space: "{space}", number: "5550101", name: "Caller", channel: "PJSIP/100-1",
                        uniqueId: "1.2", parkedBy: "Local/147@agents", since: Self.time, timeoutAt: Self.time))
            )
        }
    }

    /// An event with every optional field set, for each kind of event topic.
    static func sample(_ kind: CallCenterEvent.Kind) -> CallCenterEvent {
        switch kind {
        case .agentComplete:
            .agentComplete(
                AgentCompleteEvent(
                    agent: "{a}", queue: "{q}", uniqueId: "1.2", talkTime: 3, holdTime: 4, reason: "agent",
                    recording: "call.wav"))
        case .agentCalled:
            .agentCalled(
                AgentCalledEvent(agent: "{a}", queue: "{q}", number: "5551234", name: "Caller", uniqueId: "1.2"))
        case .callerAbandon:
            .callerAbandon(CallerAbandonEvent(queue: "{q}", uniqueId: "1.2", position: 1, holdTime: 4))
        case .callState:
            .callState(CallStateEvent(event: .finished, at: Self.time, cause: "agent", call: Self.call))
        }
    }

    /// How the document lists a payload's fields: "in order: `agent`, `status`, `since`."
    /// (the full stop keeps a shorter list from matching the start of a longer one).
    static func fieldOrder(_ keys: [String]) -> String {
        "in order: " + keys.map { "`\($0)`" }.joined(separator: ", ") + "."
    }

    /// The object keys at `depth` (1: the top level) in the order they are written; the
    /// writer's order is part of the contract, and Foundation's parser forgets it.
    static func keys(of json: [UInt8], depth wanted: Int = 1) -> [String] {
        var keys: [String] = []
        var depth = 0
        var index = 0
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < json.count, json[end] != UInt8(ascii: "\"") {
                    end += json[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                if depth == wanted, end + 1 < json.count, json[end + 1] == UInt8(ascii: ":") {
                    keys.append(String(decoding: json[(index + 1)..<end], as: UTF8.self))
                }
                index = end
            default: break
            }
            index += 1
        }
        return keys
    }

    /// Should name the topic of every kind of retained state the layout produces.
    @Test(arguments: StateKey.Kind.allCases)
    func documentsStateTopic(kind: StateKey.Kind) throws {
        let key = Self.sample(kind).key
        #expect(key.kind == kind)
        let topic = try Self.placeholderLayout().topic(for: key)
        #expect(try Self.document().contains("### `\(topic)`"), "docs/mqtt-api.md has no section for \(topic)")
    }

    /// Should list each retained payload's fields in the order the encoder writes them.
    @Test(arguments: StateKey.Kind.allCases)
    func documentsStateFieldOrder(kind: StateKey.Kind) throws {
        // The conversations payload is a list of call objects: their keys sit one level down.
        let depth = kind == .extensionConversations ? 2 : 1
        let keys = Self.keys(of: PayloadEncoder.encode(Self.sample(kind).value), depth: depth)
        #expect(keys.count >= 2)
        #expect(try Self.document().contains(Self.fieldOrder(keys)), "docs/mqtt-api.md lacks \(Self.fieldOrder(keys))")
    }

    /// Should name the topic of every kind of event the layout produces.
    @Test(arguments: CallCenterEvent.Kind.allCases)
    func documentsEventTopic(kind: CallCenterEvent.Kind) throws {
        let event = Self.sample(kind)
        #expect(event.kind == kind)
        let topic = try Self.placeholderLayout().topic(for: event)
        #expect(try Self.document().contains("### `\(topic)`"), "docs/mqtt-api.md has no section for \(topic)")
    }

    /// Should list each event payload's fields in the order the encoder writes them.
    @Test(arguments: CallCenterEvent.Kind.allCases)
    func documentsEventFieldOrder(kind: CallCenterEvent.Kind) throws {
        let keys = Self.keys(of: PayloadEncoder.encode(Self.sample(kind)))
        #expect(keys.count >= 2)
        #expect(try Self.document().contains(Self.fieldOrder(keys)), "docs/mqtt-api.md lacks \(Self.fieldOrder(keys))")
    }

    /// Should describe the bridge's own topics, the failed-originate event, and where
    /// commands go in and replies come out.
    @Test func documentsBridgeCommandAndReplyTopics() throws {
        let layout = try Self.placeholderLayout()
        let document = try Self.document()
        for heading in [layout.bridgeState, layout.bridgeAMI, layout.originateFailed] {
            let hasSection = document.contains("### `\(heading)`")
            #expect(hasSection, "docs/mqtt-api.md has no section for \(heading)")
        }
        for topic in [layout.commandFilter, layout.commandPrefix + "{command}", layout.defaultReply(for: "{command}")] {
            let named = document.contains("`\(topic)`")
            #expect(named, "docs/mqtt-api.md does not name \(topic)")
        }
    }

    /// Should give every command a section of its own.
    @Test(arguments: CommandName.allCases)
    func documentsCommand(name: CommandName) throws {
        #expect(try Self.document().contains("#### `\(name.rawValue)`"), "docs/mqtt-api.md has no section for \(name)")
    }

    /// Should explain every error code in the error code table.
    @Test(arguments: CommandErrorCode.allCases)
    func documentsErrorCode(code: CommandErrorCode) throws {
        #expect(try Self.document().contains("| `\(code.rawValue)` |"), "docs/mqtt-api.md does not explain \(code)")
    }

    /// Should list the reply's fields and its error object's in the order the reply writes them.
    @Test func documentsReplyFieldOrder() throws {
        let reply = CommandReply(
            id: "x", command: "hangup", actionID: "a", status: .error, data: .number(1),
            error: CommandError(.invalidField, "agent: two calls", field: "agent", candidates: ["c1", "c2"]))
        let payload = reply.payload()
        let document = try Self.document()
        for keys in [Self.keys(of: payload), Self.keys(of: payload, depth: 2)] {
            #expect(keys.count >= 4)
            let listed = document.contains(Self.fieldOrder(keys))
            #expect(listed, "docs/mqtt-api.md lacks \(Self.fieldOrder(keys))")
        }
    }

    /// Should read keys in written order at the asked depth, so the field-order checks can fail.
    @Test func readsKeysInWrittenOrder() {
        let json = Array(#"{"b":1,"a":{"z":"x\"y","y":[{"q":2}]},"c":"k:"}"#.utf8)
        #expect(Self.keys(of: json) == ["b", "a", "c"])
        #expect(Self.keys(of: json, depth: 2) == ["z", "y"])
        #expect(Self.fieldOrder(["agent", "name"]) == "in order: `agent`, `name`.")
    }
}
