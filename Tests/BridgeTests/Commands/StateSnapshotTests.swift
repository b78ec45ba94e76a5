import AMI
import CallCenter
import Testing

@testable import Bridge

/// `state/get`: parsed and validated like every command, answered from the model's view with
/// the published topics and payloads, bounded, in topic order, with a cursor.
@Suite struct StateSnapshotTests {
    static let parser = CommandParser(policy: CommandPolicy())

    /// A model with agents 147 and 148 in queue q1 (each: extensionStatus, name,
    /// queueMemberStatus) and q1's count and stats.
    static let model: CallCenterState = {
        var model = CallCenterState()
        let at = CallCenterTime(millisecondsSinceEpoch: 0)
        for agent in ["147", "148"] {
            _ = model.apply(
                AMIMessage([
                    "Event": "QueueMemberAdded", "Queue": "q1", "MemberName": "Agent \(agent)",
                    "Interface": "Local/\(agent)@agents/n", "StateInterface": "Custom:\(agent)",
                    "Membership": "dynamic", "Penalty": "0", "CallsTaken": "0", "LastCall": "0", "Status": "1",
                    "Paused": "0", "PausedReason": "",
                ]),
                at: at)
            _ = model.apply(
                AMIMessage(["Event": "ExtensionStatus", "Exten": agent, "Hint": "Custom:\(agent)", "Status": "0"]),
                at: at)
        }
        return model
    }()

    static func text(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.value(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func topics(_ value: JSONValue) -> [String] {
        guard case .object(let data) = value, case .object(let topics)? = data["topics"] else { return [] }
        return topics.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Should parse the optional filter and cursor, and refuse bad ones naming the field.
    @Test func parsesAndValidates() throws {
        let all = try Self.parser.parse(command: "state/get", payload: Array("{}".utf8)).get()
        #expect(all.command == .stateGet(filter: nil, after: nil))
        let some = try Self.parser.parse(
            command: "state/get", payload: Array(#"{"id":"s1","filter":"pbx/agent/+/name","after":"pbx/a"}"#.utf8)
        ).get()
        #expect(some.command == .stateGet(filter: try TopicFilter("pbx/agent/+/name"), after: "pbx/a"))
        #expect(some.id == "s1")
        for (payload, field) in [
            (#"{"filter":"pbx/agent+/x"}"#, "filter"),
            (#"{"filter":"pbx/#/x"}"#, "filter"),
            (#"{"filter":""}"#, "filter"),
            (#"{"filter":7}"#, "filter"),
            (#"{"filter":"pbx/\n"}"#, "filter"),
            (#"{"after":true}"#, "after"),
            (#"{"queue":"q1"}"#, "queue"),
        ] {
            guard case .failure(let failure) = Self.parser.parse(command: "state/get", payload: Array(payload.utf8))
            else {
                Issue.record("accepted \(payload)")
                continue
            }
            #expect(failure.error.code == .invalidField, "\(payload)")
            #expect(failure.error.field == field, "\(payload): \(failure.error)")
        }
    }

    /// Should answer with every state topic and its published payload, byte for byte, sorted.
    @Test func answersEveryStateTopic() throws {
        let layout = try TopicLayout(prefix: "pbx/site-a")
        let data = StateSnapshotView.data(of: Self.model, layout: layout, filter: nil, after: nil)
        let expected = try Self.model.view.map { try layout.topic(for: $0.key) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(Self.topics(data) == expected)
        #expect(expected.contains("pbx/site-a/agent/147/queueMemberStatus/q1"))
        #expect(expected.contains("pbx/site-a/agent/148/extensionStatus"))
        let text = Self.text(data)
        for (key, value) in Self.model.view {
            let entry =
                "\"\(try layout.topic(for: key))\":" + String(decoding: PayloadEncoder.encode(value), as: UTF8.self)
            #expect(text.contains(entry))
        }
        #expect(text.hasPrefix(#"{"count":\#(expected.count),"more":false,"topics":{"#))
    }

    /// Should keep only what the filter matches.
    @Test func filters() throws {
        let layout = try TopicLayout(prefix: "pbx")
        let names = StateSnapshotView.data(
            of: Self.model, layout: layout, filter: try TopicFilter("pbx/agent/+/name"), after: nil)
        #expect(Self.topics(names) == ["pbx/agent/147/name", "pbx/agent/148/name"])
        let other = StateSnapshotView.data(
            of: Self.model, layout: layout, filter: try TopicFilter("pbx/site-b/#"), after: nil)
        #expect(Self.text(other) == #"{"count":0,"more":false,"topics":{}}"#)
    }

    /// Should stop at the byte limit and go on after the cursor, losing and repeating nothing.
    @Test func pagesByCursor() throws {
        let layout = try TopicLayout(prefix: "pbx")
        let all = Self.topics(StateSnapshotView.data(of: Self.model, layout: layout, filter: nil, after: nil))
        var pages: [[String]] = []
        var after: String?
        repeat {
            let data = StateSnapshotView.data(of: Self.model, layout: layout, filter: nil, after: after, maxBytes: 300)
            guard case .object(let fields) = data else { break }
            pages.append(Self.topics(data))
            if case .string(let next)? = fields["next"] {
                #expect(fields["more"] == .bool(true))
                #expect(next == pages.last?.last)
                after = next
            } else {
                #expect(fields["more"] == .bool(false))
                after = nil
            }
        } while after != nil && pages.count < 20
        #expect(pages.count > 2)
        #expect(pages.flatMap { $0 } == all)
        // One topic bigger than the limit still goes out alone, so the cursor moves on.
        let tiny = StateSnapshotView.data(of: Self.model, layout: layout, filter: nil, after: nil, maxBytes: 1)
        #expect(Self.topics(tiny).count == 1)
    }
}
